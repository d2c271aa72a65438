import { isValidNhsNumber, passesNhsCheckDigit } from '@crosscare/governance';
import fc from 'fast-check';
import { NHS_NUMBER_REDACTION, redactNhsNumbers, redactValue, syntheticNhsNumberColumns } from './redact';

/** Ten digits with a valid check digit, from nine. */
function withCheckDigit(nine: string): string | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return `${nine}${check === 11 ? 0 : check}`;
}

describe('redactNhsNumbers', () => {
  it.each([
    ['9990000018', 'synthetic, together'],
    ['999 000 0018', 'synthetic, spaced'],
    ['999-000-0018', 'synthetic, hyphenated'],
    ['9991234567', 'synthetic, check digit wrong: still the test range'],
    ['999 123 4567', 'synthetic, spaced, check digit wrong'],
    ['9434765919', "the algorithm's worked example"],
    ['943 476 5919', 'the worked example, spaced'],
    ['4010232137', 'an England range number'],
  ])('replaces %s (%s)', (number) => {
    expect(redactNhsNumbers(`patient ${number} admitted`)).toBe(`patient ${NHS_NUMBER_REDACTION} admitted`);
  });

  it('replaces numbers inside words and JSON, and every one of several', () => {
    expect(redactNhsNumbers('Patient/9990000018 and "nhs":"9434765919"')).toBe(
      `Patient/${NHS_NUMBER_REDACTION} and "nhs":"${NHS_NUMBER_REDACTION}"`,
    );
  });

  it.each([
    ['1764200000004', 'a 13-digit migration timestamp'],
    ['1718529312000', 'a 13-digit version'],
    ['9434765910', 'ten digits failing the check, outside the 999 range'],
    ['99900000180', 'eleven digits'],
    ['999 0000 018', 'grouped other than 3-3-4'],
    ['999 000-0018', 'mixed separators'],
    ['offset 12345', 'a short number'],
  ])('leaves %s (%s)', (text) => {
    expect(redactNhsNumbers(text)).toBe(text);
  });

  it('redacts every number governance accepts as an NHS number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{9}$/), (nine) => {
        const ten = withCheckDigit(nine);
        if (ten === undefined) return;
        expect(passesNhsCheckDigit(ten)).toBe(true);
        if (isValidNhsNumber(ten)) expect(redactNhsNumbers(`x${ten}y`)).toBe(`x${NHS_NUMBER_REDACTION}y`);
      }),
    );
  });
});

describe('redactValue', () => {
  it('redacts strings, numbers and keys deep inside, and describes buffers by size', () => {
    const circular: Record<string, unknown> = { n: 1 };
    circular.self = circular;
    expect(
      redactValue({
        nhs: 9434765919,
        count: 12,
        list: ['9990000018', 'ok'],
        byPatient: { '9990000018': 2 },
        payload: Buffer.from('MSH|^~\\&|'),
        when: new Date('2026-01-01T00:00:00Z'),
        big: 10n,
        circular,
      }),
    ).toEqual({
      nhs: NHS_NUMBER_REDACTION,
      count: 12,
      list: [NHS_NUMBER_REDACTION, 'ok'],
      byPatient: { [NHS_NUMBER_REDACTION]: 2 },
      payload: '[9 bytes]',
      when: '2026-01-01T00:00:00.000Z',
      big: '10',
      circular: { n: 1, self: '[circular]' },
    });
  });
});

describe('syntheticNhsNumberColumns', () => {
  it('finds valid 999-range numbers, and only those, by column', () => {
    expect(syntheticNhsNumberColumns('ab 9990000018 cd 999 000 0018')).toEqual([4, 18]);
    expect(syntheticNhsNumberColumns('9991234567 9434765919 1764200000004')).toEqual([]);
  });
});
