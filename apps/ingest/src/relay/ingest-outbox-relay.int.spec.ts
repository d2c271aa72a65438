import { TestKafka, TestSchema, uniqueName } from '@crosscare/testing';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { openIngestDatabase } from '../storage/data-source';
import { IngestOutbox, type OutboxMessage } from '../storage/ingest-outbox';
import { IngestOutboxRelay } from './ingest-outbox-relay';

/**
 * The outbox relay against a real broker and Postgres: exactly once across a crash between its Kafka commit and its
 * delete, nothing skipped when transactions commit out of id order, and a relay that lost its lock fenced.
 */
describe('IngestOutboxRelay (real broker and Postgres)', () => {
  const kafka = new TestKafka();
  const outbox = new IngestOutbox();
  let schema: TestSchema;
  let db: DataSource;
  let topic: string;
  let positionTopic: string;
  const relays: IngestOutboxRelay[] = [];
  const quiet = { log: () => undefined, warn: () => undefined };

  /** A relay as each ingest instance builds one: one id and lock per deployment. */
  function relayFor(relayId: string): IngestOutboxRelay {
    const relay = new IngestOutboxRelay(db, kafka.kafka, {
      relayId,
      positionTopic,
      leaderLockName: `relay-test:${schema.name}:${relayId}`,
      intervalMs: 100,
      transactionTimeoutMs: 20_000,
      log: quiet,
    });
    relays.push(relay);
    return relay;
  }

  const message = (key: string, n: number): OutboxMessage => ({
    topic,
    message: { key, value: Buffer.from(`${key}#${n}`), headers: { 'crosscare-event-id': `${key}-${n}` } },
  });

  /** Accepts messages as the intake does: in a transaction of their own. */
  const accept = (messages: OutboxMessage[]) => db.transaction((tx) => outbox.append(tx, messages));

  /** The committed messages on the topic (read_committed), as `value`, in order; fails if there are more. */
  async function onTopic(expected: number): Promise<string[]> {
    const read = await kafka.waitForMessages(topic, expected, { timeoutMs: 20_000 });
    await expect(kafka.waitForMessages(topic, expected + 1, { timeoutMs: 3_000 })).rejects.toThrow(
      `received ${expected},`,
    );
    return read.map((m) => m.value!.toString());
  }

  beforeAll(async () => {
    schema = await TestSchema.create('ingest_relay');
    db = await openIngestDatabase({ url: schema.databaseUrl, poolSize: 6 }, schema.name);
  });

  beforeEach(async () => {
    topic = await kafka.createTopic({ kind: 'relayed', partitions: 1 });
    positionTopic = `${topic}.position`;
    await db.query('delete from ingest_outbox');
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop(0)));
  });

  afterAll(async () => {
    await db?.destroy();
    await schema?.drop();
    const admin = await kafka.connectedAdmin();
    const leftovers = (await admin.listTopics()).filter(
      (t) => t.endsWith('.position') && t.includes('relayed'),
    );
    await admin.deleteTopics({ topics: leftovers }).catch(() => undefined);
    await kafka.cleanup();
  });

  it('publishes what was accepted in order, and deletes it', async () => {
    await accept([message('9990000018', 1), message('9990000018', 2)]);
    await accept([message('9990000018', 3)]);

    const relay = relayFor(uniqueName('relay'));
    expect(await relay.relayOnce()).toBe(3);

    expect(await onTopic(3)).toEqual(['9990000018#1', '9990000018#2', '9990000018#3']);
    expect(await outbox.backlog(db)).toMatchObject({ pending: 0 });
  });

  it('after a crash between its commit and its delete, the next relay resumes from the position in Kafka: nothing twice', async () => {
    await accept([message('9990000026', 1), message('9990000026', 2)]);
    const copies = await db.query('select id, xid, topic, partition, key, value, headers from ingest_outbox');
    const relayId = uniqueName('relay');
    const first = relayFor(relayId);
    expect(await first.relayOnce()).toBe(2);
    await first.stop(0);

    // As if the first relay had died after its Kafka commit and before its delete: the rows are back, ids and all.
    for (const row of copies as Record<string, unknown>[])
      await db.query(
        `insert into ingest_outbox (id, xid, topic, partition, key, value, headers)
         overriding system value values ($1, $2, $3, $4, $5, $6, $7)`,
        [row.id, row.xid, row.topic, row.partition, row.key, row.value, row.headers],
      );
    await accept([message('9990000026', 3)]);

    const next = relayFor(relayId);
    expect(await next.relayOnce()).toBe(1);

    expect(await onTopic(3)).toEqual(['9990000026#1', '9990000026#2', '9990000026#3']);
    expect(await outbox.backlog(db)).toMatchObject({ pending: 0 });
  });

  it('publishes nothing behind a transaction still open, then everything in transaction order: nothing skipped', async () => {
    // The slower request took its transaction id first and commits last; a position by row id alone would pass its
    // row while it was invisible, and never publish it.
    const slow = db.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    try {
      await slow.query(`select pg_current_xact_id()`);
      await accept([message('9990000034', 2)]);
      const relay = relayFor(uniqueName('relay'));
      expect(await relay.relayOnce()).toBe(0);

      await outbox.append(slow.manager, [message('9990000034', 1)]);
      await slow.commitTransaction();

      expect(await relay.relayOnce()).toBe(2);
      expect(await onTopic(2)).toEqual(['9990000034#1', '9990000034#2']);
    } finally {
      if (slow.isTransactionActive) await slow.rollbackTransaction();
      await slow.release();
    }
  });

  it('orders transaction ids as numbers: 9, 999, 1000, and never passes one twice', async () => {
    // Ids of transactions long ended (all below the server's horizon), written as they are, in another order than
    // the rows' ids. Ordered as text they would go 1000, 9, 999, and the position taken after 999 would send 1000
    // again in the next round: what the first full reliability run on the outbox found.
    for (const [xid, n] of [
      [1000, 3],
      [9, 1],
      [999, 2],
    ])
      await db.query(
        `insert into ingest_outbox (xid, topic, partition, key, value, headers)
         values ($1::text::xid8, $2, null, $3, $4, '{}')`,
        [String(xid), topic, Buffer.from('9990000050'), Buffer.from(`9990000050#${n}`)],
      );
    const relay = relayFor(uniqueName('relay'));

    expect(await relay.relayOnce()).toBe(3);
    expect(await relay.relayOnce()).toBe(0);
    expect(await onTopic(3)).toEqual(['9990000050#1', '9990000050#2', '9990000050#3']);
  });

  it('fences a relay that lost its lock: its open transaction is aborted and its late commit refused', async () => {
    const relayId = uniqueName('relay');
    // The old relay, as it would be with its database session gone: a transaction open, a message sent, the
    // commit still to come. Its producer has the deployment's transactional id, as every relay's does.
    const old: Producer = kafka.kafka.producer({
      transactionalId: relayId,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await old.connect();
    try {
      const transaction = await old.transaction();
      await transaction.send({
        topic,
        acks: -1,
        messages: [{ key: '9990000042', value: Buffer.from('stale') }],
      });

      await accept([message('9990000042', 1)]);
      const relay = relayFor(relayId);
      expect(await relay.relayOnce()).toBe(1);

      await expect(transaction.commit()).rejects.toThrow(/fenced|epoch|producer/i);
      expect(await onTopic(1)).toEqual(['9990000042#1']);
    } finally {
      await old.disconnect().catch(() => undefined);
    }
  });
});
