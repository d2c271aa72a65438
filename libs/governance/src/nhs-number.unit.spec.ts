import { isValidNhsNumber, nhsNumberProblem, normaliseNhsNumber } from './nhs-number';

describe('NHS numbers', () => {
  it('given numbers from the 999 test range with their check digit, accepts them', () => {
    for (const n of ['9990000018', '9990000026', '9990000034', '9990000042', '9990001014']) {
      expect(isValidNhsNumber(n)).toBe(true);
    }
  });

  it('given a valid number outside the 999 range, accepts it: real traffic carries real numbers', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(normaliseNhsNumber('943 476 5919')).toBe('9434765919');
  });

  it('given a wrong check digit, rejects the number and says why', () => {
    expect(isValidNhsNumber('9990000019')).toBe(false);
    expect(normaliseNhsNumber('9990000019')).toBeNull();
    expect(nhsNumberProblem('9990000019')).toBe('the NHS number fails its modulus-11 check digit');
  });

  it('given nine digits whose check digit would be 10, rejects every tenth digit', () => {
    // 9×10 + 9×9 + 9×8 = 243; 243 mod 11 = 1; 11 − 1 = 10: no check digit exists, so no such number is issued.
    const nine = '999000000';
    for (let last = 0; last <= 9; last++) expect(isValidNhsNumber(`${nine}${last}`)).toBe(false);
  });

  it('given spaces or hyphens, normalises to ten digits', () => {
    expect(normaliseNhsNumber('999 000 0018')).toBe('9990000018');
    expect(normaliseNhsNumber('999-000-0018')).toBe('9990000018');
    expect(normaliseNhsNumber('  9990000018 ')).toBe('9990000018');
  });

  it('given the wrong number of digits or letters, rejects it as not ten digits', () => {
    for (const value of ['999000001', '99900000181', '999000001A', '']) {
      expect(isValidNhsNumber(value)).toBe(false);
      expect(normaliseNhsNumber(value)).toBeNull();
      expect(nhsNumberProblem(value)).toBe('an NHS number has 10 digits');
    }
  });

  it('given spaces or hyphens, validity is only judged after normalising', () => {
    expect(isValidNhsNumber('999 000 0018')).toBe(false);
  });

  it('given numbers whose check digit holds but that are never issued, rejects them and says why', () => {
    expect(isValidNhsNumber('0000000000')).toBe(false);
    expect(nhsNumberProblem('0000000000')).toMatch(/in no range NHS numbers are issued from/);
    expect(isValidNhsNumber('1111111111')).toBe(false);
    expect(nhsNumberProblem('1111111111')).toMatch(/Scotland's CHI number range/);
    // 320 000 001 x is the first Northern Irish H&C number; 5 and 8 are not allocated
    expect(normaliseNhsNumber('320 000 001 5')).toBeNull();
    expect(nhsNumberProblem('3200000015')).toMatch(/Northern Ireland's H&C number range/);
    for (const unallocated of ['5000000005', '8000000008', '2000000002']) {
      expect(isValidNhsNumber(unallocated)).toBe(false);
    }
  });

  it('given valid numbers from each issuing range, accepts them: England, Wales and the Isle of Man, and test data', () => {
    // 4, 6, 7 and England's 3xx above the CHI range; 9 is test data (UK Core's published example is 991 200 388 8)
    for (const n of ['4000000004', '4999999994', '6000000006', '7999999997', '3120000000', '9912003888']) {
      expect([n, isValidNhsNumber(n)]).toEqual([n, true]);
    }
  });
});
