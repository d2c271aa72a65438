import { RELAY_START } from '../storage/ingest-outbox';
import { isAfter, positionFromMetadata, positionMetadata } from './relay-position';

describe('the ingest relay position', () => {
  it('round-trips through offset metadata, beyond 2^53', () => {
    const position = { xid: 2n ** 60n + 7n, id: 9_007_199_254_740_993n };
    expect(positionFromMetadata(String(position.id), positionMetadata(position))).toEqual(position);
  });

  it('starts before every row when the group has no offset', () => {
    expect(positionFromMetadata('-1', null)).toEqual(RELAY_START);
    expect(positionFromMetadata('-1', '')).toEqual(RELAY_START);
  });

  it('refuses metadata it did not write, rather than resume from a guess', () => {
    expect(() => positionFromMetadata('12', 'not json')).toThrow(/refusing to guess/);
    expect(() => positionFromMetadata('12', '{"xid":5,"id":"1"}')).toThrow(/refusing to guess/);
    expect(() => positionFromMetadata('12', '{"xid":"-5","id":"1"}')).toThrow(/refusing to guess/);
    expect(() => positionFromMetadata('12', null)).toThrow(/refusing to guess/);
  });

  it('orders by transaction id first, then row id', () => {
    expect(isAfter({ xid: 10n, id: 1n }, { xid: 9n, id: 500n })).toBe(true);
    expect(isAfter({ xid: 10n, id: 2n }, { xid: 10n, id: 1n })).toBe(true);
    expect(isAfter({ xid: 10n, id: 1n }, { xid: 10n, id: 1n })).toBe(false);
    expect(isAfter({ xid: 9n, id: 900n }, { xid: 10n, id: 1n })).toBe(false);
  });
});
