import { syntheticRecordChanges, testNhsNumber } from './synthetic-record-changes';

function validModulus11(nhsNumber: string): boolean {
  const digits = [...nhsNumber].map(Number);
  const sum = digits.slice(0, 9).reduce((acc, d, i) => acc + d * (10 - i), 0);
  const check = (11 - (sum % 11)) % 11;
  return check !== 10 && check === digits[9];
}

describe('synthetic record changes', () => {
  it('uses only NHS numbers of the 999 test range with a valid modulus-11 check digit', () => {
    const numbers = Array.from({ length: 500 }, (_, i) => testNhsNumber(i));
    expect(numbers.filter((n) => !/^999\d{7}$/.test(n))).toEqual([]);
    expect(numbers.filter((n) => !validModulus11(n))).toEqual([]);
    expect(testNhsNumber(1)).toBe('9990000018'); // worked by hand: 9·10+9·9+9·8+1·2 = 245, 11 − 245 mod 11 = 8
  });

  it('registers each patient before recording an allergy for them', () => {
    const events = syntheticRecordChanges(4, 'run-1');
    expect(events.map((e) => e.header.eventType)).toEqual([
      'PatientRegistered',
      'AllergyRecorded',
      'PatientRegistered',
      'AllergyRecorded',
    ]);
    expect(events[0].header.nhsNumber).toBe(events[1].header.nhsNumber);
    expect(new Set(events.map((e) => e.header.eventId)).size).toBe(4);
  });
});
