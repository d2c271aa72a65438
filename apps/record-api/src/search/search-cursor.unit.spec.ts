import { decodeCursor, encodeCursor } from './search-cursor';
import { cursorBinding, type RecordSearch, type SearchCursor } from './search-parameters';

type Bound = Pick<RecordSearch, 'resourceType' | 'nhsNumber' | 'canonicalQuery'>;
const QUERY =
  '_count=50&_sort=-date&patient.identifier=https%3A%2F%2Ffhir.nhs.uk%2FId%2Fnhs-number%7C9434765919';
const BOUND: Bound = { resourceType: 'Observation', nhsNumber: '9434765919', canonicalQuery: QUERY };
/** The whole search a cursor is bound to, as the parser and the links write it. */
const SEARCH = cursorBinding(BOUND);
const searchWith = (change: Partial<Bound>) => cursorBinding({ ...BOUND, ...change });
const POSITION: SearchCursor = {
  date: Date.parse('2024-03-05T10:15:00Z'),
  providerOdsCode: 'Y12345',
  sourceRecordId: 'obs-1',
  part: '',
};

const token = (fields: unknown) => Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');

describe('a page link cursor', () => {
  it.each<[string, SearchCursor]>([
    ['a dated position', POSITION],
    ['an undated position', { ...POSITION, date: null }],
    ['a position with a part and non-ASCII ids', { ...POSITION, sourceRecordId: 'ré|cord,1', part: 'end' }],
  ])('given %s, when encoded and decoded for the same search, then it is the same position', (_, cursor) => {
    const encoded = encodeCursor(cursor, SEARCH);

    expect(decodeCursor(encoded, SEARCH)).toEqual(cursor);
  });

  it('given a position, when encoded, then the token is base64url without padding, safe in a query string', () => {
    expect(encodeCursor(POSITION, SEARCH)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['another code', searchWith({ canonicalQuery: `${QUERY}&code=1234` })],
    ['another sort', searchWith({ canonicalQuery: QUERY.replace('-date', 'date') })],
    ['another page size', searchWith({ canonicalQuery: QUERY.replace('50', '10') })],
    ['another patient', searchWith({ canonicalQuery: QUERY.replace('9434765919', '9434765870') })],
    ['another resource type with the same query', searchWith({ resourceType: 'Condition' })],
    ['another patient in the path with the same query', searchWith({ nhsNumber: '9434765870' })],
    ['the same query alone', QUERY],
  ])('given a cursor made for one search, when decoded for %s, then it is refused', (_, otherSearch) => {
    expect(decodeCursor(encodeCursor(POSITION, SEARCH), otherSearch)).toBeNull();
  });

  it('given a cursor whose search binding was altered, then it is refused', () => {
    const [, ...position] = JSON.parse(
      Buffer.from(encodeCursor(POSITION, SEARCH), 'base64url').toString(),
    ) as [string, ...unknown[]];

    expect(decodeCursor(token(['AAAAAAAAAAAAAAAA', ...position]), SEARCH)).toBeNull();
  });

  const bound = (
    JSON.parse(Buffer.from(encodeCursor(POSITION, SEARCH), 'base64url').toString()) as string[]
  )[0];

  it.each([
    ['empty', ''],
    ['not base64url', 'not a cursor!'],
    ['base64 with padding', `${encodeCursor(POSITION, SEARCH)}=`],
    ['not JSON', Buffer.from('{{{').toString('base64url')],
    ['a JSON object', token({ date: POSITION.date })],
    ['too few fields', token([bound, POSITION.date, 'Y12345', 'obs-1'])],
    ['too many fields', token([bound, POSITION.date, 'Y12345', 'obs-1', '', 'extra'])],
    ['a date that is text', token([bound, '2024-03-05', 'Y12345', 'obs-1', ''])],
    ['a date that is not finite', token([bound, 'Infinity', 'Y12345', 'obs-1', ''])],
    ['an ODS code that is a number', token([bound, POSITION.date, 12345, 'obs-1', ''])],
    ['a missing record id', token([bound, POSITION.date, 'Y12345', null, ''])],
    ['a part that is a number', token([bound, POSITION.date, 'Y12345', 'obs-1', 2])],
    ['far too long', 'A'.repeat(5000)],
  ])('given a token that is %s, then it is refused', (_, malformed) => {
    expect(decodeCursor(malformed, SEARCH)).toBeNull();
  });

  it('given a well-formed token for this search, then the decoder accepts it (the binding is what refuses)', () => {
    expect(decodeCursor(token([bound, null, 'Y12345', 'obs-1', '']), SEARCH)).toEqual({
      date: null,
      providerOdsCode: 'Y12345',
      sourceRecordId: 'obs-1',
      part: '',
    });
  });
});
