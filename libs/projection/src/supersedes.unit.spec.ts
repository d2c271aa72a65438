import { supersedes, supersedesSql, type VersionStamp } from './supersedes';

const stamp = (sourceRecordVersion: number, removed = false, eventId = 'b'): VersionStamp => ({
  sourceRecordVersion,
  removed,
  eventId,
});

describe('supersedes', () => {
  it('given a higher version, it wins whether or not either is a removal', () => {
    expect(supersedes(stamp(3), stamp(2, true))).toBe(true);
    expect(supersedes(stamp(2, true), stamp(3))).toBe(false);
  });

  it('given the same version, a removal beats a non-removal', () => {
    expect(supersedes(stamp(2, true, 'a'), stamp(2, false, 'z'))).toBe(true);
    expect(supersedes(stamp(2, false, 'z'), stamp(2, true, 'a'))).toBe(false);
  });

  it('given the same version and removal, the greater eventId wins', () => {
    expect(supersedes(stamp(2, false, 'f0'), stamp(2, false, 'e9'))).toBe(true);
    expect(supersedes(stamp(2, false, 'e9'), stamp(2, false, 'f0'))).toBe(false);
  });

  it('given the very same stamp (a redelivery), neither supersedes the other', () => {
    expect(supersedes(stamp(2), stamp(2))).toBe(false);
  });

  it('given any two different stamps, exactly one supersedes the other (so arrival order cannot matter)', () => {
    const stamps = [1, 2].flatMap((version) =>
      [false, true].flatMap((removed) => ['a', 'b'].map((eventId) => stamp(version, removed, eventId))),
    );
    for (const a of stamps)
      for (const b of stamps)
        if (a !== b) expect([supersedes(a, b), supersedes(b, a)].filter(Boolean)).toHaveLength(1);
  });
});

describe('supersedesSql', () => {
  it('when given the upsert row names, compares the two rows column by column in the rule order', () => {
    expect(supersedesSql('excluded', 'item')).toBe(
      '(excluded.source_record_version, excluded.removed, excluded.event_id COLLATE "C") > ' +
        '(item.source_record_version, item.removed, item.event_id COLLATE "C")',
    );
  });
});
