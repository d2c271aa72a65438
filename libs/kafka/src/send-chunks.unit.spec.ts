import { chunksBySize, messageBytes } from './send-chunks';

describe('messageBytes', () => {
  it('counts the key, the value and each header name and value, in bytes rather than characters', () => {
    const bytes = messageBytes({
      key: '9990000018',
      value: Buffer.alloc(100),
      headers: { 'crosscare-event-type': 'ProblemRecorded', note: Buffer.from('é') },
    });

    expect(bytes).toBe(
      10 + 100 + 'crosscare-event-type'.length + 'ProblemRecorded'.length + 'note'.length + 2,
    );
  });

  it('counts a missing key, value or headers as nothing', () => {
    expect(messageBytes({ key: null, value: null })).toBe(0);
  });
});

describe('chunksBySize', () => {
  it('keeps order, starts a new run before the limit would be passed, and sends a larger message alone', () => {
    const chunks = chunksBySize([3, 4, 2, 9, 1], 7, (n) => n);

    expect(chunks).toEqual([[3, 4], [2], [9], [1]]);
  });
});
