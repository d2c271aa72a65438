import { parseFhirTime } from './fhir-time';

describe('parseFhirTime', () => {
  it('given a dateTime with an offset, gives the UTC instant and the calendar date as written', () => {
    expect(parseFhirTime('2024-04-02T00:30:00+01:00')).toEqual({
      millis: Date.parse('2024-04-01T23:30:00Z'),
      days: Date.parse('2024-04-02T00:00:00Z') / 86_400_000,
      hasTime: true,
    });
  });

  it.each([
    ['2024-04-02T00:30:00-05:30', '2024-04-02T06:00:00Z'],
    ['2024-04-02T00:30:00+14:00', '2024-04-01T10:30:00Z'],
    ['2024-04-02T00:30:00Z', '2024-04-02T00:30:00Z'],
    ['2024-04-02T00:30', '2024-04-02T00:30:00Z'],
  ])('given %s, gives the instant %s (a time without a zone read as UTC)', (value, utc) => {
    expect(parseFhirTime(value)?.millis).toBe(Date.parse(utc));
  });

  it('given partial dates, takes the first day of the year or month', () => {
    expect(parseFhirTime('1998')?.millis).toBe(Date.parse('1998-01-01T00:00:00Z'));
    expect(parseFhirTime('2019-03')?.millis).toBe(Date.parse('2019-03-01T00:00:00Z'));
    expect(parseFhirTime('2019-03')?.hasTime).toBe(false);
  });

  it('given fractional seconds, keeps the milliseconds', () => {
    expect(parseFhirTime('2024-01-09T11:02:00.2504Z')?.millis).toBe(Date.parse('2024-01-09T11:02:00.250Z'));
  });

  it.each([
    '2023-02-29',
    '2024-02-30',
    '2024-13-01',
    '2024-04-31',
    '2024-01-01T24:00:00Z',
    'yesterday',
    '0099-01-01',
  ])('given %s, which is not a real date or time, gives null', (value) => {
    expect(parseFhirTime(value)).toBeNull();
  });

  it('given 29 February of a leap year, accepts it', () => {
    expect(parseFhirTime('2024-02-29')).not.toBeNull();
  });
});
