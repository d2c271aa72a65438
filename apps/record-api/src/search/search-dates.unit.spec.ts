import { parseDate, type DateBound, type DateParse } from './search-dates';

const ge = (iso: string): DateBound => ({ comparator: 'ge', at: Date.parse(iso) });
const lt = (iso: string): DateBound => ({ comparator: 'lt', at: Date.parse(iso) });

function bounds(parse: DateParse): readonly DateBound[] {
  if (!parse.ok) throw new Error(`expected bounds, got ${JSON.stringify(parse)}`);
  return parse.bounds;
}

function refused(parse: DateParse): Extract<DateParse, { ok: false }> {
  if (parse.ok) throw new Error(`expected a refusal, got ${JSON.stringify(parse.bounds)}`);
  return parse;
}

describe('dates, at the precision they are given', () => {
  it.each<[string, DateBound[]]>([
    ['2024', [ge('2024-01-01T00:00:00Z'), lt('2025-01-01T00:00:00Z')]],
    ['2024-03', [ge('2024-03-01T00:00:00Z'), lt('2024-04-01T00:00:00Z')]],
    ['2024-12', [ge('2024-12-01T00:00:00Z'), lt('2025-01-01T00:00:00Z')]],
    ['2024-02', [ge('2024-02-01T00:00:00Z'), lt('2024-03-01T00:00:00Z')]],
    ['2024-03-05', [ge('2024-03-05T00:00:00Z'), lt('2024-03-06T00:00:00Z')]],
    ['2024-12-31', [ge('2024-12-31T00:00:00Z'), lt('2025-01-01T00:00:00Z')]],
    ['eq2024-03-05', [ge('2024-03-05T00:00:00Z'), lt('2024-03-06T00:00:00Z')]],
    ['ge2024', [ge('2024-01-01T00:00:00Z')]],
    ['gt2024', [ge('2025-01-01T00:00:00Z')]],
    ['le2024', [lt('2025-01-01T00:00:00Z')]],
    ['lt2024', [lt('2024-01-01T00:00:00Z')]],
    ['sa2024-01-31', [ge('2024-02-01T00:00:00Z')]],
    ['eb2024-01-31', [lt('2024-01-31T00:00:00Z')]],
    ['ge2024-03', [ge('2024-03-01T00:00:00Z')]],
    ['gt2024-03', [ge('2024-04-01T00:00:00Z')]],
    ['le2024-02-29', [lt('2024-03-01T00:00:00Z')]],
    ['lt2024-02-29', [lt('2024-02-29T00:00:00Z')]],
    ['2000-02-29', [ge('2000-02-29T00:00:00Z'), lt('2000-03-01T00:00:00Z')]],
    ['0099-06', [ge('0099-06-01T00:00:00Z'), lt('0099-07-01T00:00:00Z')]],
  ])('given date=%s, then the bounds are %j', (date, expected) => {
    expect(bounds(parseDate('date', date))).toEqual(expected);
  });

  it.each<[string, DateBound[]]>([
    ['2024-03-05T10:15Z', [ge('2024-03-05T10:15:00Z'), lt('2024-03-05T10:16:00Z')]],
    ['2024-03-05T10:15:30Z', [ge('2024-03-05T10:15:30Z'), lt('2024-03-05T10:15:31Z')]],
    ['2024-03-05T10:15:30.250Z', [ge('2024-03-05T10:15:30.250Z'), lt('2024-03-05T10:15:30.251Z')]],
    ['2024-03-05T10:15:30.2Z', [ge('2024-03-05T10:15:30.200Z'), lt('2024-03-05T10:15:30.300Z')]],
    ['gt2024-03-05T10:15:30Z', [ge('2024-03-05T10:15:31Z')]],
    ['ge2024-03-05T10:15+01:00', [ge('2024-03-05T09:15:00Z')]],
    ['lt2024-03-05T00:30-05:30', [lt('2024-03-05T06:00:00Z')]],
    ['le2024-03-05T10:15:00+00:00', [lt('2024-03-05T10:15:01Z')]],
    ['2024-03-31T23:30:00-01:00', [ge('2024-04-01T00:30:00Z'), lt('2024-04-01T00:30:01Z')]],
    ['2024-01-01T00:00+14:00', [ge('2023-12-31T10:00:00Z'), lt('2023-12-31T10:01:00Z')]],
  ])('given date=%s with its time zone, then the bounds are %j', (date, expected) => {
    expect(bounds(parseDate('date', date))).toEqual(expected);
  });

  it.each([
    '2024-13-01',
    '2024-00',
    '2024-02-30',
    '2023-02-29',
    '1900-02-29',
    '2024-04-31',
    '2024/01/01',
    'yesterday',
    '24',
    '2024-1-05',
    '2024-03-05T10:15',
    '2024-03-05T10:15:30',
    '2024-03-05T24:00Z',
    '2024-03-05T10:60Z',
    '2024-03-05T10:15:60Z',
    '2024-03-05T10:15:30.1234Z',
    '2024-03-05T10:15+15:00',
    '2024-03-05T10:15+01:60',
    '2024-03-05 10:15Z',
    '0000',
    'GE2024',
    'ge',
    'ge 2024',
  ])('given date=%j, then it is malformed, with the accepted forms', (date) => {
    const problem = refused(parseDate('date', date));

    expect(problem.code).toBe('value');
    expect(problem.message).toContain('use YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss[.sss]]');
    expect(problem.message).toContain(JSON.stringify(date));
  });

  it.each(['ne2024', 'ap2024'])('given date=%s, then the prefix is not supported', (date) => {
    expect(refused(parseDate('date', date))).toEqual({
      ok: false,
      code: 'not-supported',
      message: `the ${date.slice(0, 2)} prefix is not supported`,
    });
  });

  it('given alternative dates separated by a comma, then they are not supported, naming the parameter', () => {
    expect(refused(parseDate('authoredon', '2024,2025'))).toEqual({
      ok: false,
      code: 'not-supported',
      message: 'alternative dates (commas) are not supported; repeat authoredon to AND',
    });
  });
});
