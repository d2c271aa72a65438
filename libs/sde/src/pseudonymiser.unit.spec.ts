import { testNhsNumber } from '@crosscare/events/synthetic';
import { MIN_KEY_BYTES, Pseudonymiser } from './pseudonymiser';

const key = (fill: number, bytes = MIN_KEY_BYTES) => Buffer.alloc(bytes, fill);
const nhsNumber = testNhsNumber(1);

describe('Pseudonymiser', () => {
  const project = new Pseudonymiser(key(1));

  it('gives the same value the same pseudonym under one key, also from another instance', () => {
    expect(project.patient(nhsNumber)).toBe(project.patient(nhsNumber));
    expect(new Pseudonymiser(key(1)).patient(nhsNumber)).toBe(project.patient(nhsNumber));
    expect(project.record('M01358', 'obs-1')).toBe(new Pseudonymiser(key(1)).record('M01358', 'obs-1'));
    expect(project.event('e-1')).toBe(new Pseudonymiser(key(1)).event('e-1'));
  });

  it("gives another project's key unrelated pseudonyms, so two projects cannot join on them", () => {
    const other = new Pseudonymiser(key(2));
    expect(other.patient(nhsNumber)).not.toBe(project.patient(nhsNumber));
    expect(other.record('M01358', 'obs-1')).not.toBe(project.record('M01358', 'obs-1'));
    expect(other.event('e-1')).not.toBe(project.event('e-1'));
  });

  it('tells patients apart', () => {
    expect(project.patient(testNhsNumber(2))).not.toBe(project.patient(nhsNumber));
  });

  it('keeps kinds apart: a patient, a record and an event of the same string differ', () => {
    const same = nhsNumber;
    const pseudonyms = [project.patient(same), project.event(same), project.record('', same)];
    expect(new Set(pseudonyms).size).toBe(3);
  });

  it('scopes a record id to its provider', () => {
    expect(project.record('M01358', 'obs-1')).not.toBe(project.record('M01359', 'obs-1'));
    // The separator keeps provider and id apart: ("M0135", "8obs-1") is not ("M01358", "obs-1").
    expect(project.record('M0135', '8obs-1')).not.toBe(project.record('M01358', 'obs-1'));
  });

  it('answers 28 lower-case letters (128 bits, no digit that could form an NHS number), never the value itself', () => {
    for (const pseudonym of [project.patient(nhsNumber), project.record('M01358', 'x'), project.event('y')]) {
      expect(pseudonym).toMatch(/^[a-z]{28}$/);
    }
    expect(project.patient(nhsNumber)).not.toContain(nhsNumber);
  });

  it('refuses a short key, saying how long it must be', () => {
    expect(() => new Pseudonymiser(key(1, MIN_KEY_BYTES - 1))).toThrow(
      `a pseudonymisation key must be at least 32 bytes (this one is 31)`,
    );
    expect(() => new Pseudonymiser(Buffer.alloc(0))).toThrow(/at least 32 bytes/);
    expect(() => new Pseudonymiser(key(1, MIN_KEY_BYTES))).not.toThrow();
  });
});
