import { TestKafka, uniqueName } from '@crosscare/testing';
import { PublishUnavailableError, TransactionalPublisher } from './transactional-publisher';

/** The publisher against the real broker: all or nothing, as read_committed consumers see it. */
describe('TransactionalPublisher (real broker)', () => {
  const kafka = new TestKafka();
  const publishers: TransactionalPublisher[] = [];
  const publisher = (timeoutMs = 10_000, lanes = 3) => {
    const p = new TransactionalPublisher(kafka.kafka, {
      transactionalId: uniqueName('txn'),
      timeoutMs,
      lanes,
    });
    publishers.push(p);
    return p;
  };

  afterAll(async () => {
    for (const p of publishers) await p.close();
    await kafka.cleanup();
  });

  it('publishes concurrent requests, each to several topics, and every message becomes visible', async () => {
    const [a, b] = [
      await kafka.createTopic({ kind: 'txn-a', partitions: 3 }),
      await kafka.createTopic({ kind: 'txn-b' }),
    ];
    const sut = publisher();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sut.publish([
          { topic: a, messages: [{ key: `k${i}`, value: `a${i}` }] },
          {
            topic: b,
            messages: [
              { key: `k${i}`, value: `b${i}` },
              { key: `k${i}`, value: `b${i}'` },
            ],
          },
        ]),
      ),
    );
    const onA = await kafka.waitForMessages(a, 10);
    const onB = await kafka.waitForMessages(b, 20);
    expect(onA.map((m) => m.value!.toString()).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `a${i}`).sort(),
    );
    // Per key, order holds inside and across transactions.
    const k3 = onB.filter((m) => m.key === 'k3').map((m) => m.value!.toString());
    expect(k3).toEqual(['b3', "b3'"]);
  });

  it('fails a publish that cannot complete as unavailable, and none of its messages become visible', async () => {
    const good = await kafka.createTopic({ kind: 'txn-good' });
    const sut = publisher(3000, 1);
    const failed = sut.publish([
      { topic: good, messages: [{ key: 'k', value: 'must not appear' }] },
      { topic: uniqueName('never-created'), messages: [{ key: 'k', value: 'x' }] },
    ]);
    await expect(failed).rejects.toBeInstanceOf(PublishUnavailableError);

    // The publisher recovers: the next publish (a new producer fencing the old) succeeds, and only it is visible.
    await sut.publish([{ topic: good, messages: [{ key: 'k', value: 'after' }] }]);
    const seen = await kafka.waitForMessages(good, 1);
    await new Promise((r) => setTimeout(r, 1500));
    const again = await kafka.waitForMessages(good, 1);
    expect(seen.map((m) => m.value!.toString())).toEqual(['after']);
    expect(again.map((m) => m.value!.toString())).toEqual(['after']);
  });
});
