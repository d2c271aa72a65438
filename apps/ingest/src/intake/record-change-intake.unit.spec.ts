import {
  SchemaRegistryError,
  SchemaRegistryRejectedError,
  SchemaRegistryUnavailableError,
  type AnyRecordChangeDraft,
  type RecordChangeSerde,
} from '@crosscare/events';
import { PublishUnavailableError, type TransactionalPublisher } from '@crosscare/kafka';
import type { DataSource } from 'typeorm';
import { IngestError } from '../ingest-error';
import { ledgerKey, type LedgerEntry, type SharedRecordLedger } from '../storage/shared-record-ledger';
import { RecordChangeIntake, type Sender } from './record-change-intake';

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

const registryError = (retriable: boolean) =>
  new SchemaRegistryError('POST /subjects/x', { status: retriable ? 503 : 401, retriable });

/** An intake whose registry and broker fail as told; the database and the ledger always agree to the claim. */
function intake(failures: { encode?: Error; publish?: Error }): RecordChangeIntake {
  const db = { transaction: (work: (tx: unknown) => Promise<unknown>) => work({}) } as unknown as DataSource;
  const ledger = {
    claim: (_tx: unknown, entries: readonly LedgerEntry[]) =>
      Promise.resolve(new Set(entries.map(ledgerKey))),
    existing: () => Promise.resolve(new Map()),
    release: () => Promise.resolve(),
  } as unknown as SharedRecordLedger;
  const serde = {
    encode: () => (failures.encode ? Promise.reject(failures.encode) : Promise.resolve(Buffer.from([0]))),
  } as unknown as RecordChangeSerde;
  const publisher = {
    publish: () => (failures.publish ? Promise.reject(failures.publish) : Promise.resolve()),
  } as unknown as TransactionalPublisher;
  return new RecordChangeIntake(db, ledger, serde, publisher, () => null, {
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
