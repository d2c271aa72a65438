import type { Kafka, Producer, ProducerConfig, Transaction } from 'kafkajs';
import { RelayTransactions } from './relay-transactions';

/** kafkajs's producers as far as the relay uses them, recording every call in order. */
function fakeKafka() {
  const calls: string[] = [];
  const configs: ProducerConfig[] = [];
  let made = 0;
  let failNextSend = false;
  const kafka: Pick<Kafka, 'producer'> = {
    producer: (config?: ProducerConfig) => {
      const id = ++made;
      configs.push(config ?? {});
      const transaction = {
        sendBatch: () => {
          calls.push(`p${id} send`);
          if (failNextSend) {
            failNextSend = false;
            return Promise.reject(Object.assign(new Error('fenced'), { type: 'PRODUCER_FENCED' }));
          }
          return Promise.resolve([]);
        },
        commit: () => (calls.push(`p${id} commit`), Promise.resolve()),
        abort: () => (calls.push(`p${id} abort`), Promise.resolve()),
      } as unknown as Transaction;
      return {
        connect: () => (calls.push(`p${id} connect`), Promise.resolve()),
        disconnect: () => (calls.push(`p${id} disconnect`), Promise.resolve()),
        // kafkajs sends InitProducerId for the transactional id here, at a producer's first transaction.
        transaction: () => (calls.push(`p${id} begin`), Promise.resolve(transaction)),
      } as unknown as Producer;
    },
  };
  return { kafka, calls, configs, failSend: () => (failNextSend = true) };
}

const batch = [{ topic: 't', messages: [{ key: 'k', value: 'v' }] }];

describe("an outbox relay's transactions", () => {
  it('given a round, begins the transaction before the work reads the outbox, and commits after it', async () => {
    const { kafka, calls, configs } = fakeKafka();
    const relay = new RelayTransactions(kafka, { transactionalId: 'g-relay.rm' });
    const result = await relay.inTransaction({}, async (send) => {
      calls.push('read the outbox');
      await send(batch);
      return 7;
    });
    expect(result).toBe(7);
    expect(calls).toEqual(['p1 connect', 'p1 begin', 'read the outbox', 'p1 send', 'p1 commit']);
    expect(configs[0]).toMatchObject({
      transactionalId: 'g-relay.rm',
      idempotent: true,
      maxInFlightRequests: 1,
    });
  });

  it('given the same leadership, keeps its producer; given a new one, fences with a new producer first', async () => {
    const { kafka, calls } = fakeKafka();
    const relay = new RelayTransactions(kafka, { transactionalId: 'g-relay.rm' });
    const first = {};
    await relay.inTransaction(first, () => Promise.resolve());
    await relay.inTransaction(first, () => Promise.resolve());
    await relay.inTransaction({}, () => Promise.resolve());
    expect(calls).toEqual([
      'p1 connect',
      'p1 begin',
      'p1 commit',
      'p1 begin',
      'p1 commit',
      'p1 disconnect',
      'p2 connect',
      'p2 begin',
      'p2 commit',
    ]);
  });

  it('given a failed send, aborts, discards the producer, commits nothing, and rethrows', async () => {
    const { kafka, calls, failSend } = fakeKafka();
    const relay = new RelayTransactions(kafka, { transactionalId: 'g-relay.rm' });
    const leadership = {};
    failSend();
    await expect(relay.inTransaction(leadership, (send) => send(batch))).rejects.toMatchObject({
      type: 'PRODUCER_FENCED',
    });
    // Even under the same leadership, the next round starts on a new producer.
    await relay.inTransaction(leadership, () => Promise.resolve());
    expect(calls).toEqual([
      'p1 connect',
      'p1 begin',
      'p1 send',
      'p1 abort',
      'p1 disconnect',
      'p2 connect',
      'p2 begin',
      'p2 commit',
    ]);
  });

  it('given a round that sends nothing, still commits (kafkajs asks the broker nothing then)', async () => {
    const { kafka, calls } = fakeKafka();
    const relay = new RelayTransactions(kafka, { transactionalId: 'g-relay.rm' });
    await relay.inTransaction({}, (send) => send([]));
    expect(calls).toEqual(['p1 connect', 'p1 begin', 'p1 commit']);
  });
});
