import {
  SchemaRegistryError,
  SchemaRegistryRejectedError,
  SchemaRegistryUnavailableError,
  type AnyRecordChangeDraft,
  type RecordChangeSerde,
} from '@crosscare/events';
import type { OptOutDraft } from '@crosscare/governance';
import type { DataSource } from 'typeorm';
import { IngestError, unavailable } from '../ingest-error';
import type { IngestOutbox, OutboxMessage } from '../storage/ingest-outbox';
import { ledgerKey, type LedgerEntry, type SharedRecordLedger } from '../storage/shared-record-ledger';
import { RecordChangeIntake, type OptOutOutlet, type Sender } from './record-change-intake';

const SENDER: Sender = {
  odsCode: 'RRK',
  ics: 'QHL',
  collaborative: 'CCR',
  type: 'ACUTE_TRUST',
  status: 'ACTIVE',
};

// Only the header fields matter here: the serde that would read the body is a fake.
const DRAFT = {
  type: 'RecordRemoved',
  source: {
    nhsNumber: '9990000018',
    sourceRecordId: 'Condition/1',
    sourceRecordVersion: 1,
    operation: 'DELETE',
    occurredAt: 0,
  },
  body: {},
} as unknown as AnyRecordChangeDraft;

// A practice's type 1 objection in the same request.
const OPT_OUT: OptOutDraft = {
  type: 'OptOutChanged',
  source: {
    nhsNumber: '9990000018',
    sourceRecordId: 'Consent/1',
    sourceRecordVersion: 3,
    operation: 'UPDATE',
    occurredAt: 0,
  },
  body: { kind: 'TYPE_1', status: 'ACTIVE', statedOn: 20_000 },
};

const MAX_EVENT_BYTES = 1000;

const registryError = (retriable: boolean) =>
  new SchemaRegistryError('POST /subjects/x', { status: retriable ? 503 : 401, retriable });

/** What the fake outbox and ledger were given, and whether the relay was told. */
const seen: { kept: (readonly OutboxMessage[])[]; claimed: LedgerEntry[]; notified: number } = {
  kept: [],
  claimed: [],
  notified: 0,
};

/**
 * An intake whose registry, outbox and admission fail as told; the database and the ledger always agree to the
 * claim.
 */
function intake(failures: {
  encode?: Error;
  keep?: Error;
  optOut?: Error;
  refused?: IngestError;
  /** The size of each encoded record change (1 byte unless given). */
  eventBytes?: number;
}): RecordChangeIntake {
  seen.kept = [];
  seen.claimed = [];
  seen.notified = 0;
  const db = { transaction: (work: (tx: unknown) => Promise<unknown>) => work({}) } as unknown as DataSource;
  const ledger = {
    claim: (_tx: unknown, entries: readonly LedgerEntry[]) => {
      seen.claimed.push(...entries);
      return Promise.resolve(new Set(entries.map(ledgerKey)));
    },
    existing: () => Promise.resolve(new Map()),
    release: () => Promise.resolve(),
  } as unknown as SharedRecordLedger;
  const serde = {
    encode: () =>
      failures.encode
        ? Promise.reject(failures.encode)
        : Promise.resolve(Buffer.alloc(failures.eventBytes ?? 1)),
  } as unknown as RecordChangeSerde;
  const outbox = {
    append: (_tx: unknown, messages: readonly OutboxMessage[]) => {
      if (failures.keep) return Promise.reject(failures.keep);
      seen.kept.push(messages);
      return Promise.resolve();
    },
  } as unknown as IngestOutbox;
  const acceptance = {
    refusal: () => Promise.resolve(failures.refused),
    accepted: () => {
      seen.notified += 1;
    },
  };
  const optOuts: OptOutOutlet = {
    message: (change) =>
      failures.optOut
        ? Promise.reject(failures.optOut)
        : Promise.resolve({ key: `${change.nhsNumber}/type-1`, value: Buffer.from([1]), partition: 2 }),
  };
  return new RecordChangeIntake(db, ledger, serde, outbox, acceptance, () => null, optOuts, {
    topicPrefix: 'crosscare',
    retryAfterSeconds: 7,
    maxEventBytes: MAX_EVENT_BYTES,
  });
}

const submitted = (failures: { encode?: Error; keep?: Error; refused?: IngestError }) =>
  intake(failures)
    .submit(SENDER, [{ location: 'Condition/1', drafts: [DRAFT] }], 'corr-1')
    .then(
      () => 'accepted',
      (error: unknown) => error,
    );

describe('RecordChangeIntake outages', () => {
  it('given nothing failing, keeps the event for the relay and tells it', async () => {
    expect(await submitted({})).toBe('accepted');
    expect(seen.kept.flat().map((m) => m.topic)).toEqual(['crosscare.qhl.record-changes.v1']);
    expect(seen.notified).toBe(1);
  });

  it('given a registry outage (retriable), answers 503 with Retry-After', async () => {
    const failure = await submitted({
      encode: new SchemaRegistryUnavailableError(registryError(true), 'Resolving the schema id'),
    });

    expect(failure).toBeInstanceOf(IngestError);
    expect(failure).toMatchObject({
      status: 503,
      retryAfterSeconds: 7,
      message: '(service): the schema registry is unavailable; nothing was published',
    });
  });

  it('given an outbox too far behind, answers its 503 and keeps nothing (the claims roll back with it)', async () => {
    const failure = await submitted({ refused: unavailable(7, '100000 accepted events are waiting') });

    expect(failure).toMatchObject({ status: 503, retryAfterSeconds: 7 });
    expect(seen.kept).toEqual([]);
    expect(seen.notified).toBe(0);
  });

  it.each<[string, 'encode' | 'keep', Error]>([
    [
      'a registry that refuses for good',
      'encode',
      new SchemaRegistryRejectedError(registryError(false), 'x'),
    ],
    ['a bug while encoding', 'encode', new TypeError('x is undefined')],
    ['a bug while keeping', 'keep', new TypeError('x is undefined')],
  ])('given %s (not retriable), fails with that error, not 503', async (_what, step, error) => {
    expect(await submitted({ [step]: error })).toBe(error);
  });
});

describe("RecordChangeIntake and a practice's type 1 objection", () => {
  it('keeps it for the opt-out topic in the same transaction as the record changes, ledgered as OptOutChanged', async () => {
    const events = await intake({}).submit(
      SENDER,
      [{ location: 'Bundle.entry[0]', drafts: [DRAFT, OPT_OUT] }],
      'corr-2',
    );

    expect(seen.kept).toHaveLength(1);
    expect(seen.kept[0].map((m) => [m.topic, m.message.key, m.message.partition])).toEqual([
      ['crosscare.qhl.record-changes.v1', '9990000018', undefined],
      ['crosscare.opt-outs.v1', '9990000018/type-1', 2],
    ]);
    expect(seen.claimed.map((e) => [e.eventType, e.sourceRecordId, e.sourceRecordVersion, e.topic])).toEqual([
      ['RecordRemoved', 'Condition/1', 1, 'crosscare.qhl.record-changes.v1'],
      ['OptOutChanged', 'Consent/1', 3, 'crosscare.opt-outs.v1'],
    ]);
    expect(events.map((e) => [e.eventType, e.topic, e.outcome])).toEqual([
      ['RecordRemoved', 'crosscare.qhl.record-changes.v1', 'accepted'],
      ['OptOutChanged', 'crosscare.opt-outs.v1', 'accepted'],
    ]);
  });

  it('given only the objection, keeps nothing for the ICS topic', async () => {
    await intake({}).submit(SENDER, [{ location: 'Consent', drafts: [OPT_OUT] }], 'corr-3');

    expect(seen.kept[0].map((m) => m.topic)).toEqual(['crosscare.opt-outs.v1']);
  });

  it('given a registry outage while encoding the objection, answers 503 and publishes nothing', async () => {
    const failure = await intake({
      optOut: new SchemaRegistryUnavailableError(registryError(true), 'Resolving the schema id'),
    })
      .submit(SENDER, [{ location: 'Bundle.entry[0]', drafts: [DRAFT, OPT_OUT] }], 'corr-4')
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({ status: 503 });
    expect(seen.kept).toEqual([]);
  });
});

describe('RecordChangeIntake and an event larger than the topics take', () => {
  it('refuses the request with 413 naming its size and the limit, and keeps and claims nothing', async () => {
    const failure = await intake({ eventBytes: MAX_EVENT_BYTES })
      .submit(SENDER, [{ location: 'DocumentReference/1', drafts: [DRAFT] }], 'corr-5')
      .catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(IngestError);
    expect(failure).toMatchObject({ status: 413 });
    // The key (the NHS number, 10 bytes) and the headers count, not only the encoded value.
    expect((failure as Error).message).toMatch(
      /^DocumentReference\/1: its record-change event would be \d+ bytes, over the limit of 1000/,
    );
    expect(seen.kept).toEqual([]);
    expect(seen.claimed).toEqual([]);
    expect(seen.notified).toBe(0);
  });

  it('in a batch, refuses that entry alone and keeps the others', async () => {
    const outcomes = await intake({ eventBytes: 5000 }).submitEach(
      SENDER,
      [
        { location: 'Bundle.entry[0]', drafts: [DRAFT] },
        { location: 'Bundle.entry[1]', drafts: [OPT_OUT] },
      ],
      'corr-6',
    );

    expect(outcomes[0]).toMatchObject({ error: { status: 413 } });
    expect(outcomes[1]).toMatchObject({ events: [{ eventType: 'OptOutChanged' }] });
    expect(seen.kept.flat().map((m) => m.topic)).toEqual(['crosscare.opt-outs.v1']);
  });
});
