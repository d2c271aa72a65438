import { Random } from '../random/seeded-random';
import { MEASUREMENTS, measure } from './measurements';

describe('measure', () => {
  it('interprets results against the reference range', () => {
    const rng = new Random(9);
    const interpretations = new Map<number, string | null>();
    for (let i = 0; i < 2000; i++) {
      const { quantity, interpretation } = measure(rng, MEASUREMENTS.systolicBloodPressure, 150);
      interpretations.set(quantity.value, interpretation);
    }
    for (const [value, interpretation] of interpretations) {
      const expected = value > 200 ? 'CRITICALLY_HIGH' : value > 139 ? 'HIGH' : value < 90 ? 'LOW' : 'NORMAL';
      expect(interpretation).toBe(expected);
    }
    expect(new Set(interpretations.values())).toEqual(new Set(['HIGH', 'NORMAL']));
  });

  it('rounds to the measurement precision, stays within what the instrument reports, and leaves weights uninterpreted', () => {
    const rng = new Random(10);
    for (let i = 0; i < 500; i++) {
      const saturation = measure(rng, MEASUREMENTS.oxygenSaturation, 99);
      expect(Number.isInteger(saturation.quantity.value) && saturation.quantity.value <= 100).toBe(true);
      const weight = measure(rng, MEASUREMENTS.bodyWeight);
      expect(weight.interpretation).toBeNull();
      expect(Number(weight.quantity.value.toFixed(1))).toBe(weight.quantity.value);
    }
  });
});
