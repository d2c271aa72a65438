import {
  SchemaRegistryError,
  SchemaRegistryRejectedError,
  SchemaRegistryUnavailableError,
  type AnyRecordChangeDraft,
  type RecordChangeSerde,
} from '@crosscare/events';
import type { OptOutDraft } from '@crosscare/governance';
import { PublishUnavailableError, type TopicMessages, type TransactionalPublisher } from '@crosscare/kafka';
import type { DataSource } from 'typeorm';
import { IngestError } from '../ingest-error';
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

const registryError = (retriable: boolean) =>
  new SchemaRegistryError('POST /subjects/x', { status: retriable ? 503 : 401, retriable });

/** What the fake broker and ledger were given. */
const seen: { published: (readonly TopicMessages[])[]; claimed: LedgerEntry[] } = {
  published: [],
  claimed: [],
};

/** An intake whose registry and broker fail as told; the database and the ledger always agree to the claim. */
function intake(failures: { encode?: Error; publish?: Error; optOut?: Error }): RecordChangeIntake {
  seen.published = [];
  seen.claimed = [];
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
    encode: () => (failures.encode ? Promise.reject(failures.encode) : Promise.resolve(Buffer.from([0]))),
  } as unknown as RecordChangeSerde;
  const publisher = {
    publish: (batches: readonly TopicMessages[]) => {
      seen.published.push(batches);
      return failures.publish ? Promise.reject(failures.publish) : Promise.resolve();
    },
  } as unknown as TransactionalPublisher;
  const optOuts: OptOutOutlet = {
    message: (change) =>
      failures.optOut
        ? Promise.reject(failures.optOut)
        : Promise.resolve({ key: `${change.nhsNumber}/type-1`, value: Buffer.from([1]), partition: 2 }),
  };
  return new RecordChangeIntake(db, ledger, serde, publisher, () => null, optOuts, {
    topicPrefix: 'crosscare',
    retryAfterSeconds: 7,
  });
}

const submitted = (failures: { encode?: Error; publish?: Error }) =>
  intake(failures)
    .submit(SENDER, [{ location: 'Condition/1', drafts: [DRAFT] }], 'corr-1')
    .then(
      () => 'published',
      (error: unknown) => error,
    );

describe('RecordChangeIntake outages', () => {
  it('given nothing failing, publishes', async () => {
    expect(await submitted({})).toBe('published');
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

  it('given a broker that did not acknowledge (retriable), answers 503 with Retry-After', async () => {
    const failure = await submitted({
      publish: new PublishUnavailableError('no acknowledgement within 5000 ms'),
    });

    expect(failure).toBeInstanceOf(IngestError);
    expect(failure).toMatchObject({ status: 503, retryAfterSeconds: 7 });
    expect((failure as Error).message).toContain('the event store (Kafka) did not acknowledge in time');
  });

  it.each<[string, 'encode' | 'publish', Error]>([
    [
      'a registry that refuses for good',
      'encode',
      new SchemaRegistryRejectedError(registryError(false), 'x'),
    ],
    ['a bug while encoding', 'encode', new TypeError('x is undefined')],
    ['a bug while publishing', 'publish', new TypeError('x is undefined')],
  ])('given %s (not retriable), fails with that error, not 503', async (_what, step, error) => {
    expect(await submitted({ [step]: error })).toBe(error);
  });
});

describe("RecordChangeIntake and a practice's type 1 objection", () => {
  it('publishes it on the opt-out topic in the same transaction as the record changes, ledgered as OptOutChanged', async () => {
    const events = await intake({}).submit(
      SENDER,
      [{ location: 'Bundle.entry[0]', drafts: [DRAFT, OPT_OUT] }],
      'corr-2',
    );

    expect(seen.published).toHaveLength(1);
    expect(seen.published[0].map((b) => [b.topic, b.messages.map((m) => m.key)])).toEqual([
      ['crosscare.qhl.record-changes.v1', ['9990000018']],
      ['crosscare.opt-outs.v1', ['9990000018/type-1']],
    ]);
    expect(seen.claimed.map((e) => [e.eventType, e.sourceRecordId, e.sourceRecordVersion, e.topic])).toEqual([
      ['RecordRemoved', 'Condition/1', 1, 'crosscare.qhl.record-changes.v1'],
      ['OptOutChanged', 'Consent/1', 3, 'crosscare.opt-outs.v1'],
    ]);
    expect(events.map((e) => [e.eventType, e.topic, e.outcome])).toEqual([
      ['RecordRemoved', 'crosscare.qhl.record-changes.v1', 'published'],
      ['OptOutChanged', 'crosscare.opt-outs.v1', 'published'],
    ]);
  });

  it('given only the objection, sends no empty batch for the ICS topic', async () => {
    await intake({}).submit(SENDER, [{ location: 'Consent', drafts: [OPT_OUT] }], 'corr-3');

    expect(seen.published[0].map((b) => b.topic)).toEqual(['crosscare.opt-outs.v1']);
  });

  it('given a registry outage while encoding the objection, answers 503 and publishes nothing', async () => {
    const failure = await intake({
      optOut: new SchemaRegistryUnavailableError(registryError(true), 'Resolving the schema id'),
    })
      .submit(SENDER, [{ location: 'Bundle.entry[0]', drafts: [DRAFT, OPT_OUT] }], 'corr-4')
      .catch((error: unknown) => error);

    expect(failure).toMatchObject({ status: 503 });
    expect(seen.published).toEqual([]);
  });
});
