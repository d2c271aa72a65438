import type { InputIssue, MappingResult } from '@crosscare/events';
import { isValidNhsNumber } from '@crosscare/governance';
import { fuzzRuns, mutateText } from '@crosscare/testing';
import fc from 'fast-check';
import { buildAck } from './ack/build-ack';
import { mapAdtMessage } from './adt/map-adt-message';
import { readMessageControl, readSecurity } from './adt/message-control';
import { CERNER_ADT } from './fixtures/cerner-adt-messages';

const MESSAGES = Object.values(CERNER_ADT);

/** Drafts for valid NHS numbers, or issues that each say where and what: never a throw. */
function expectWellFormed<T>(
  result: MappingResult<T>,
  drafts: (value: T) => readonly { source: { nhsNumber: string } }[],
) {
  if (result.ok) {
    for (const draft of drafts(result.value)) expect(isValidNhsNumber(draft.source.nhsNumber)).toBe(true);
    return;
  }
  expect(result.issues.length).toBeGreaterThan(0);
  result.issues.forEach((issue: InputIssue) => {
    expect(issue.location.length).toBeGreaterThan(0);
    expect(issue.message.length).toBeGreaterThan(0);
  });
}

/** The message with its n-th field (counting across segments) replaced. */
function withField(message: string, n: number, value: string): string {
  const fields = message.split('|');
  fields[1 + (n % (fields.length - 1))] = value;
  return fields.join('|');
}

/** Everything the intake does with a message's text, in the order it does it. */
function handle(er7: string): void {
  readSecurity(er7);
  const control = readMessageControl(er7);
  if (!control.ok) expect(control.issues.length).toBeGreaterThan(0);
  const mapping = mapAdtMessage(er7);
  expectWellFormed(mapping, (value) => value.drafts);
  const ack = buildAck(er7, mapping.ok ? { kind: 'accepted' } : { kind: 'invalid', issues: mapping.issues });
  // An ACK: its MSH (in the sender's delimiters where it gave usable ones, as HL7 asks), then its MSA.
  const [header, acknowledgment] = ack.split('\r');
  expect(header).toMatch(/^MSH[^A-Za-z0-9\r]/);
  expect(acknowledgment).toMatch(/^MSA[^A-Za-z0-9\r]A[AER]/);
}

describe('HL7 v2 parsing and mapping under arbitrary input', () => {
  it('given arbitrary text, never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string().map((s) => `MSH|^~\\&|${s}`),
        ),
        handle,
      ),
      { numRuns: fuzzRuns(500) },
    );
  });

  it('given a real ADT message with one field replaced, never throws and answers drafts or located issues', () => {
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary-ascii' }),
      fc.constantFrom('', '^', '~~', '\\', '&&&'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...MESSAGES), fc.nat(), value, (message, n, replacement) =>
        handle(withField(message, n, replacement)),
      ),
      { numRuns: fuzzRuns(1500) },
    );
  });

  it('given a real ADT message with a stretch of it replaced, never throws', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MESSAGES),
        fc.nat(),
        fc.nat(),
        fc.string({ unit: 'binary' }),
        (message, at, length, insert) => handle(mutateText(message, at, length, insert)),
      ),
      { numRuns: fuzzRuns(1000) },
    );
  });
});
