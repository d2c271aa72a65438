import {
  partitionsBehind,
  reached,
  ReplayStalledError,
  ReplayStallWatch,
  sumDone,
  type PartitionRange,
} from './replay-progress';

const target: PartitionRange[] = [
  { topic: 'ics', partition: 0, start: 0n, end: 16n },
  { topic: 'ics', partition: 1, start: 4n, end: 10n },
  // Empty (or emptied by retention): nothing to replay.
  { topic: 'ics', partition: 2, start: 7n, end: 7n },
];
const at = (partition: number, nextOffset: bigint) => ({ topic: 'ics', partition, nextOffset });

describe('replay progress', () => {
  it('is reached only once every partition stands at its end offset, not one short of it', () => {
    expect(reached(target, [at(0, 16n), at(1, 10n)])).toBe(true);
    // Past the end: events published during the replay.
    expect(reached(target, [at(0, 20n), at(1, 12n)])).toBe(true);
    // A partition ending in two commit markers and consumed only up to them (docs/reliability.md, finding 2).
    expect(reached(target, [at(0, 14n), at(1, 10n)])).toBe(false);
    expect(reached(target, [at(0, 15n), at(1, 10n)])).toBe(false);
  });

  it('names the partitions behind with their positions, a partition not yet stored at its start', () => {
    expect(partitionsBehind(target, [at(0, 14n)])).toEqual([
      { topic: 'ics', partition: 0, position: 14n, end: 16n },
      { topic: 'ics', partition: 1, position: 4n, end: 10n },
    ]);
  });

  it('counts offsets done from each start, none past an end', () => {
    expect(sumDone(target, [])).toBe(0n);
    expect(sumDone(target, [at(0, 14n), at(1, 12n)])).toBe(14n + 6n);
  });

  it('calls a replay stalled once its offsets done have not grown for longer than the timeout', () => {
    const watch = new ReplayStallWatch(1000);
    // The first reading is progress: a replay that took a while to start is not stalled by it.
    expect(watch.stalled(0n, 900)).toBe(false);
    expect(watch.stalled(0n, 1900)).toBe(false);
    expect(watch.stalled(0n, 1901)).toBe(true);
    expect(watch.stalled(5n, 1902)).toBe(false);
    expect(watch.stalled(5n, 2902)).toBe(false);
    expect(watch.stalled(4n, 2903)).toBe(true);
  });

  it('explains a stall with every partition behind, and that nothing was switched', () => {
    const error = new ReplayStalledError(600_000, partitionsBehind(target, [at(0, 14n), at(1, 10n)]));
    expect(error.message).toBe(
      'the replay made no progress for 600 s with 1 partition(s) short of the end offsets read at its start: ' +
        'ics[0] at 14 of 16; nothing switched (an open transaction on a partition holds it until it ends)',
    );
    expect(error.retriable).toBe(false);
  });
});
