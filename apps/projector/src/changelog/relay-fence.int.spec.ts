import { databaseVariables, loadConfig, toDatabaseConfig } from '@crosscare/config';
import { relayTransactionalId } from '@crosscare/governance';
import { readFromStart, RelayTransactions } from '@crosscare/kafka';
import { ChangelogOutbox, openReadModel, SEQUENCE_HEADER } from '@crosscare/read-model';
import {
  databaseUrlFromEnvironment,
  eventually,
  TestKafka,
  uniqueIdentifier,
  uniqueName,
} from '@crosscare/testing';
import type { Kafka, Producer, Transaction } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { ProjectorMetrics } from '../metrics/projector-metrics';
import { OutboxRelay } from './outbox-relay';

jest.setTimeout(120_000);

const PARTITIONS = 3;
const PATIENTS = ['9000000009', '9000000017', '9000000025', '9000000033'];

/** Where the old leader is held: before its round's send, or with the send written and the commit not yet asked. */
type HoldAt = 'send' | 'commit';

/** One relay instance: its own connections (an application name to end them by) and its own producer. */
interface Instance {
  readonly relay: OutboxRelay;
  readonly db: DataSource;
  readonly applicationName: string;
  readonly warnings: string[];
  readonly hold?: Hold;
}

/**
 * Finding 4 of docs/reliability.md: the relay's lock is a Postgres session lock, and an instance that lost it without
 * knowing (its session ended while the process lives) may still have a send or a commit in flight. A second instance
 * with the same transactional id takes the lock over, publishes the same rows and newer ones, and only then does the
 * first one's late send or commit reach the broker. It must be refused (fenced), and a read_committed reader of the
 * changelog must see each outbox row once, and no patient's older value after its newer one.
 */
describe('changelog relay fence (real broker and Postgres)', () => {
  let kafka: TestKafka;
  let topic: string;
  let schema: string;
  let transactionalId: string;
  const instances: Instance[] = [];
  const outbox = new ChangelogOutbox();
  const database = loadConfig(databaseVariables, toDatabaseConfig, {
    DATABASE_URL: databaseUrlFromEnvironment(),
    DATABASE_POOL_SIZE: '3',
  });

  beforeAll(() => {
    kafka = new TestKafka();
  });

  beforeEach(async () => {
    topic = await kafka.createTopic({ kind: 'relay-fence', partitions: PARTITIONS });
    schema = uniqueIdentifier('test_rm_fence');
    transactionalId = relayTransactionalId(uniqueName('projector'), schema);
  });

  afterEach(async () => {
    for (const instance of instances.splice(0)) {
      // A test that failed early leaves the old leader held: its loop ends only once the held call is let through.
      instance.hold?.release();
      await instance.relay.stop(0).catch(() => undefined);
      if (instance.db.isInitialized) await instance.db.destroy().catch(() => undefined);
    }
    const db = await openReadModel(database, schema);
    await db.query(`drop schema "${schema}" cascade`);
    await db.destroy();
  });

  afterAll(() => kafka.cleanup());

  /**
   * A relay whose producer's first round is held at `holdAt` until `release` is called; `late` then settles with
   * what the broker made of the held send or commit.
   */
  async function relayInstance(name: string, holdAt?: HoldAt) {
    const applicationName = `${schema}-${name}`;
    const db = await openReadModel(database, schema, applicationName);
    const hold = holdAt ? new Hold() : undefined;
    const producers: Pick<Kafka, 'producer'> = {
      producer: (config) =>
        hold ? held(kafka.kafka.producer(config), holdAt!, hold) : kafka.kafka.producer(config),
    };
    const warnings: string[] = [];
    const relay = new OutboxRelay(
      db,
      new RelayTransactions(producers, { transactionalId }),
      new ProjectorMetrics({ instance: name }),
      {
        changelogTopic: topic,
        changelogPartitions: PARTITIONS,
        leaderLockName: `crosscare-changelog-relay:${schema}`,
        intervalMs: 50,
        log: { log: () => undefined, warn: (m) => warnings.push(m) },
      },
    );
    const instance: Instance = { relay, db, applicationName, warnings, hold };
    instances.push(instance);
    relay.start();
    await eventually(`${name} to relay`, () => (relay.isLeader ? true : undefined), { timeoutMs: 30_000 });
    return { instance, hold };
  }

  /** Each patient's head at `sequence`, one message each, as a projector's batch adds them. */
  async function addHeads(db: DataSource, sequence: number): Promise<void> {
    await outbox.add(
      db,
      PATIENTS.map((nhsNumber) => ({
        nhsNumber,
        sequence,
        key: nhsNumber,
        payload: Buffer.from(`${nhsNumber}@${sequence}`),
      })),
    );
  }

  /** Ends every connection of an instance: its session, and with it the relay lock, is gone; the process lives. */
  async function endSessions(via: DataSource, instance: Instance): Promise<void> {
    const ended = await via.query<{ pid: number }[]>(
      // In the select list, not the where clause: there Postgres may call it before filtering, on every backend.
      `select pid, pg_terminate_backend(pid) from pg_stat_activity where application_name = $1`,
      [instance.applicationName],
    );
    expect(ended.length).toBeGreaterThan(0);
  }

  /** The changelog as a read_committed consumer (kafkajs's default, and what subscribers are told to use) reads it. */
  async function changelog(): Promise<{ partition: number; key: string; sequence: number; value: string }[]> {
    return readFromStart(kafka.kafka, {
      topics: [topic],
      reader: uniqueName('fence-reader'),
      until: 'end-offsets',
      timeoutMs: 30_000,
      keep: ({ partition, message }) => ({
        partition,
        key: message.key!.toString(),
        sequence: Number(message.headers![SEQUENCE_HEADER]!.toString()),
        value: message.value!.toString(),
      }),
    });
  }

  it.each<[HoldAt, string]>([
    ['send', 'a send still in flight'],
    ['commit', 'its transaction open, sent and not committed'],
  ])(
    'fences a relay that lost its lock with %s (%s): the late one is refused, each row is read once, in order',
    async (holdAt) => {
      const { instance: old, hold } = await relayInstance('old', holdAt);
      await addHeads(old.db, 1);
      old.relay.notify();
      await hold!.reached;

      // The old instance's session ends while it is held: its lock is free, and it does not know.
      const survivor = await openReadModel(database, schema, `${schema}-test`);
      try {
        await endSessions(survivor, old);
        await addHeads(survivor, 2);
        const { instance: next } = await relayInstance('new');
        next.relay.notify();
        await eventually(
          'the new leader to publish every row and empty the outbox',
          async () => ((await outbox.depth(survivor)) === 0 ? true : undefined),
          { timeoutMs: 30_000 },
        );
      } finally {
        await survivor.destroy();
      }

      // Only now does the old leader's held send or commit reach the broker.
      hold!.release();
      const late = await hold!.late;
      expect(late).toMatchObject({
        type: expect.stringMatching(/^(PRODUCER_FENCED|INVALID_PRODUCER_EPOCH)$/),
      });

      const read = await changelog();
      // Every outbox row exactly once: the old leader's copies were aborted with its transaction, or never written.
      expect(read.map((m) => `${m.key}@${m.sequence}`).sort()).toEqual(
        PATIENTS.flatMap((p) => [`${p}@1`, `${p}@2`]).sort(),
      );
      // Per patient (so per partition), never an older head after a newer one: compaction keeps the newest.
      for (const patient of PATIENTS) {
        const sequences = read.filter((m) => m.key === patient).map((m) => m.sequence);
        expect(sequences).toEqual([1, 2]);
      }
    },
  );
});

/** A gate the old leader's first round waits at, and what came of the held call once let through. */
class Hold {
  readonly reached: Promise<void>;
  readonly late: Promise<unknown>;
  private arrive!: () => void;
  private open!: () => void;
  private settle!: (outcome: unknown) => void;
  private readonly gate: Promise<void>;
  private used = false;

  constructor() {
    this.reached = new Promise((resolve) => (this.arrive = resolve));
    this.gate = new Promise((resolve) => (this.open = resolve));
    this.late = new Promise((resolve) => (this.settle = resolve));
  }

  release(): void {
    this.open();
  }

  /** Holds the first call only, then lets it through and records whether the broker took it ('accepted') or why not. */
  async around<T>(call: () => Promise<T>): Promise<T> {
    if (this.used) return call();
    this.used = true;
    this.arrive();
    await this.gate;
    const outcome = call();
    outcome.then(
      () => this.settle('accepted'),
      (error: unknown) => this.settle(error),
    );
    return outcome;
  }
}

/** A kafkajs producer whose first send, or first commit of a transaction that sent, waits at the hold. */
function held(producer: Producer, at: HoldAt, hold: Hold): Producer {
  return {
    ...producer,
    transaction: async (): Promise<Transaction> => {
      const transaction = await producer.transaction();
      let sent = false;
      return {
        ...transaction,
        sendBatch: (batch) => {
          sent = true;
          return at === 'send'
            ? hold.around(() => transaction.sendBatch(batch))
            : transaction.sendBatch(batch);
        },
        // An empty round commits too (kafkajs sends nothing then): only a round that sent is held.
        commit: () =>
          at === 'commit' && sent ? hold.around(() => transaction.commit()) : transaction.commit(),
      };
    },
  };
}
