import { sendWaves, type OutboxRow } from './sde-outbox-relay';

const row = (id: number, topic: string, bytes = 10): OutboxRow => ({
  id: String(id),
  topic,
  partition: null,
  key: `k${id}`,
  value: Buffer.alloc(bytes),
});
const keysOf = (waves: ReturnType<typeof sendWaves>) =>
  waves.map((wave) => wave.map((b) => `${b.topic}:${b.messages.map((m) => String(m.key)).join(',')}`));

describe("the SDE relay's sends within one round's transaction", () => {
  it('given rows of two topics interleaved, sends each topic once, in outbox order', () => {
    expect(keysOf(sendWaves([row(1, 'a'), row(2, 'b'), row(3, 'a'), row(4, 'b')]))).toEqual([
      ['a:k1,k3', 'b:k2,k4'],
    ]);
  });

  it("given more than a send's size for one topic, sends its chunks one after another, in order", () => {
    const big = 500 * 1024;
    const waves = sendWaves([row(1, 'a', big), row(2, 'b'), row(3, 'a', big), row(4, 'a', 10)]);
    expect(keysOf(waves)).toEqual([['a:k1', 'b:k2'], ['a:k3,k4']]);
  });

  it('given no rows, sends nothing', () => {
    expect(sendWaves([])).toEqual([]);
  });
});
