import { isValidNhsNumber } from '@crosscare/governance';
import {
  DEFAULT_FIRST_NHS_SERIAL,
  NHS_SERIAL_LIMIT,
  patientCapacity,
  patientNhsNumbers,
} from './nhs-numbers';

describe('patientNhsNumbers', () => {
  it('gives every patient two valid 999-range numbers that no other patient has', () => {
    // Every patient from the start of the default range, and the last ones before the range ends.
    const capacity = patientCapacity(DEFAULT_FIRST_NHS_SERIAL);
    const indices = [
      ...Array.from({ length: 20_000 }, (_, i) => i),
      ...Array.from({ length: 500 }, (_, i) => capacity - 1 - i),
    ];
    const numbers = indices.flatMap((index) => {
      const { own, duplicate } = patientNhsNumbers(DEFAULT_FIRST_NHS_SERIAL, index);
      return [own, duplicate];
    });
    expect(numbers.filter((n) => !isValidNhsNumber(n) || !n.startsWith('999'))).toEqual([]);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('keeps the last patient that fits inside the six serial digits', () => {
    const last = patientCapacity(DEFAULT_FIRST_NHS_SERIAL) - 1;
    const serial = (n: string) => Number(n.slice(3, 9));
    const { own, duplicate } = patientNhsNumbers(DEFAULT_FIRST_NHS_SERIAL, last);
    expect(serial(duplicate)).toBeGreaterThan(serial(own));
    expect(serial(duplicate)).toBeLessThan(NHS_SERIAL_LIMIT);
    expect(patientCapacity(NHS_SERIAL_LIMIT)).toBe(0);
  });
});
