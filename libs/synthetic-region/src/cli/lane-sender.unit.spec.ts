import { LaneSender, laneOf, type OutgoingRecord } from './lane-sender';

const record = (key: string, n: number): OutgoingRecord => ({
  topic: `topic-${n % 3}`,
  key,
  value: Buffer.from(String(n)),
  headers: {},
});

/** A producer that holds each send until the test lets it finish, and remembers what it was sent. */
function fakeProducer() {
  const sent: OutgoingRecord[][] = [];
  const pending: (() => void)[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const send = (batch: readonly OutgoingRecord[]) =>
    new Promise<void>((resolve) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      pending.push(() => {
        inFlight--;
        sent.push([...batch]);
        resolve();
      });
    });
  const releaseAll = async () => {
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { send, sent, releaseAll, mostInFlight: () => mostInFlight };
}

describe('LaneSender', () => {
  it("sends batches of the configured size, several lanes at once, keeping each key's records in order", async () => {
    const producer = fakeProducer();
    const sut = new LaneSender({ lanes: 3, batchSize: 4, send: producer.send });
    const keys = ['9990000018', '9990000026', '9990000034', '9990000042', '9990000050', '9990000069'];
    const records = Array.from({ length: 120 }, (_, n) => record(keys[n % keys.length], n));
    const adding = (async () => {
      for (const r of records) await sut.add(r);
      await sut.flush();
    })();
    // Let every lane fill and dispatch, then let the producer answer until everything is through.
    while (sut.sent < records.length) {
      await producer.releaseAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await adding;

    expect(sut.sent).toBe(records.length);
    expect(producer.sent.every((batch) => batch.length <= 4)).toBe(true);
    expect(producer.mostInFlight()).toBeGreaterThan(1);
    expect(producer.mostInFlight()).toBeLessThanOrEqual(3);
    const delivered = producer.sent.flat();
    for (const key of keys) {
      const order = (list: OutgoingRecord[]) =>
        list.filter((r) => r.key === key).map((r) => r.value.toString());
      expect(order(delivered)).toEqual(order(records));
    }
  });

  it('sends a partial batch on flush', async () => {
    const batches: number[] = [];
    const sut = new LaneSender({
      lanes: 2,
      batchSize: 500,
      send: (batch) => Promise.resolve(void batches.push(batch.length)),
    });
    for (let n = 0; n < 7; n++) await sut.add(record(`key-${n}`, n));
    expect(batches).toEqual([]);
    await sut.flush();
    expect(batches.reduce((a, b) => a + b, 0)).toBe(7);
    expect(sut.sent).toBe(7);
  });

  it('fails the next add or flush after a send fails, without counting the lost batch', async () => {
    const sut = new LaneSender({
      lanes: 1,
      batchSize: 1,
      send: () => Promise.reject(new Error('broker down')),
    });
    await sut.add(record('a', 1));
    await expect(sut.flush()).rejects.toThrow('broker down');
    await expect(sut.add(record('a', 2))).rejects.toThrow('broker down');
    expect(sut.sent).toBe(0);
  });

  it('puts a key on the same lane every time, and spreads keys over every lane', () => {
    expect(laneOf('9990000018', 4)).toBe(laneOf('9990000018', 4));
    const lanes = new Set(
      Array.from({ length: 100 }, (_, n) => laneOf(`999${String(n).padStart(7, '0')}`, 4)),
    );
    expect(lanes).toEqual(new Set([0, 1, 2, 3]));
  });
});
