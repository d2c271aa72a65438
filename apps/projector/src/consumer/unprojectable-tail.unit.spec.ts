import { unprojectableTail } from './unprojectable-tail';

describe('unprojectableTail', () => {
  it('is the two commit markers after the messages of two interleaved transactions', () => {
    // Messages at 12 and 13 (one from each lane), then each lane's commit marker at 14 and 15.
    expect(unprojectableTail({ firstOffset: '12', lastOffset: '15', lastMessageOffset: '13' })).toEqual({
      from: 14n,
      to: 16n,
    });
  });

  it('is the whole batch when kafkajs filtered out every record (markers, an aborted transaction)', () => {
    expect(unprojectableTail({ firstOffset: '14', lastOffset: '15' })).toEqual({ from: 14n, to: 16n });
    // An aborted transaction's two records and its abort marker.
    expect(unprojectableTail({ firstOffset: '16', lastOffset: '18' })).toEqual({ from: 16n, to: 19n });
  });

  it('is nothing when the batch ends in a message', () => {
    expect(
      unprojectableTail({ firstOffset: '12', lastOffset: '13', lastMessageOffset: '13' }),
    ).toBeUndefined();
  });

  it('is nothing when the fetch returned no record at or after the offset asked for', () => {
    // kafkajs then answers lastOffset from the high watermark (or the fetched offset): not a record it saw.
    expect(unprojectableTail({ firstOffset: null, lastOffset: '15' })).toBeUndefined();
  });

  it('keeps offsets past 2^53 exact', () => {
    expect(
      unprojectableTail({
        firstOffset: '9007199254740993',
        lastOffset: '9007199254740995',
        lastMessageOffset: '9007199254740993',
      }),
    ).toEqual({ from: 9007199254740994n, to: 9007199254740996n });
  });
});
