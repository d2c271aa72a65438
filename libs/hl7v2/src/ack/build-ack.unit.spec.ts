import { fuzzRuns } from '@crosscare/testing';
import { Hl7Message } from '@medplum/core';
import fc from 'fast-check';
import { mapAdtMessage } from '../adt/map-adt-message';
import { CERNER_ADT, withSecurity } from '../fixtures/cerner-adt-messages';
import { buildAck, type AckOutcome } from './build-ack';

const NOW = Date.UTC(2024, 5, 14, 8, 30, 16);
const OPTIONS = { now: NOW, controlId: 'ACK0001' };

function segments(ack: string): string[] {
  return ack.split('\r');
}

function ackFor(message: string): string {
  const result = mapAdtMessage(message);
  const outcome: AckOutcome = result.ok ? { kind: 'accepted' } : { kind: 'invalid', issues: result.issues };
  return buildAck(message, outcome, OPTIONS);
}

describe('buildAck', () => {
  it('given an accepted message, when acknowledged, then it is AA with the event ids, addressed back to the sender', () => {
    const ack = buildAck(CERNER_ADT.A01, { kind: 'accepted', eventIds: ['e-1', 'e-2'] }, OPTIONS);

    expect(segments(ack)).toEqual([
      'MSH|^~\\&|CROSSCARE|CCR|CERNER|RRK|20240614083016+0000||ACK^A01^ACK|ACK0001|P|2.4',
      'MSA|AA|Q100000101T200000101|accepted e-1 e-2',
    ]);
  });

  it('given a credential in MSH-8, when acknowledged with any outcome, then the ACK never contains it', () => {
    const message = withSecurity(CERNER_ADT.A01, 'hl7-secret-0001');
    const outcomes: AckOutcome[] = [
      { kind: 'accepted' },
      { kind: 'invalid', issues: [{ location: 'PID-3', code: 'required', message: 'no NHS number' }] },
      { kind: 'rejected', reason: 'unauthenticated' },
    ];

    for (const outcome of outcomes) {
      const ack = buildAck(message, outcome, OPTIONS);
      expect(ack).not.toContain('hl7-secret-0001');
      expect(Hl7Message.parse(ack).header.getField(8).toString()).toBe('');
    }
  });

  it('given a message missing its NHS number, when acknowledged, then it is AE with an ERR naming PID-3 (101)', () => {
    const message = CERNER_ADT.A01.replace('9990000018^^^NHS^NH~', '');

    expect(segments(ackFor(message))).toEqual([
      'MSH|^~\\&|CROSSCARE|CCR|CERNER|RRK|20240614083016+0000||ACK^A01^ACK|ACK0001|P|2.4',
      'MSA|AE|Q100000101T200000101|1 problem: see ERR',
      'ERR|PID^1^3^101&Required field missing&HL70357|PID^1^3^1|101^Required field missing^HL70357|E||||' +
        'PID-3 must carry the NHS number in a repetition with identifier type NH (CX-5) and/or ' +
        'assigning authority NHS (CX-4)',
    ]);
  });

  it('given an issue text with delimiters, when acknowledged, then ERR-8 escapes them and still parses', () => {
    const issues = [{ location: 'PV1-3', code: 'value' as const, message: 'send WARD^^^RRK02 | not ~this~' }];
    const ack = buildAck(CERNER_ADT.A01, { kind: 'invalid', issues }, OPTIONS);

    expect(segments(ack)[2].endsWith('|send WARD\\S\\\\S\\\\S\\RRK02 \\F\\ not \\R\\this\\R\\')).toBe(true);
    expect(Hl7Message.parse(ack).getSegment('ERR')?.fields).toHaveLength(9);
  });

  it('given a bad check digit, when acknowledged, then ERR-3 is 102 data type error', () => {
    const message = CERNER_ADT.A01.replace('9990000018^', '9990000017^');

    expect(segments(ackFor(message))[2]).toMatch(
      /^ERR\|PID\^1\^3\^102&Data type error&HL70357\|PID\^1\^3\^1\|102\^/,
    );
  });

  it('given an unsupported trigger event (A05), when acknowledged, then it is AE with error 200 at MSH-9.2', () => {
    const [, msa, err] = segments(ackFor(CERNER_ADT.A05));

    expect(msa).toBe('MSA|AE|Q100000105T200000105|1 problem: see ERR');
    expect(err.split('|').slice(2, 5)).toEqual(['MSH^1^9^1^2', '200^Unsupported message type^HL70357', 'E']);
  });

  it('given an unknown patient class, when acknowledged, then ERR-3 is 103 table value not found', () => {
    const message = CERNER_ADT.A01.replace('PV1|1|I|', 'PV1|1|Z|');

    expect(segments(ackFor(message))[2].split('|')[3]).toBe('103^Table value not found^HL70357');
  });

  it('given several problems, when acknowledged, then there is one ERR per problem', () => {
    const message = CERNER_ADT.A28.replace('|19550101|F|', '||X|');

    expect(segments(ackFor(message)).filter((segment) => segment.startsWith('ERR|'))).toHaveLength(2);
  });

  it.each([
    ['2.6', '203^Unsupported version id^HL70357'],
    ['2.2', '203^Unsupported version id^HL70357'],
  ])('given version %s, when acknowledged, then it is AR with %s', (version, code) => {
    const [, msa, err] = segments(ackFor(CERNER_ADT.A01.replace('|P|2.4|', `|P|${version}|`)));

    expect(msa.startsWith('MSA|AR|')).toBe(true);
    expect(err.split('|')[3]).toBe(code);
  });

  it('given a training message where only production is accepted, when acknowledged, then it is AR with 202', () => {
    const [, msa, err] = segments(ackFor(CERNER_ADT.A01.replace('|P|2.4|', '|T|2.4|')));

    expect(msa.startsWith('MSA|AR|')).toBe(true);
    expect(err.split('|')[3]).toBe('202^Unsupported processing id^HL70357');
  });

  it.each([
    ['unauthenticated', 'MSH^1^8^1', 'UNAUTHENTICATED'],
    ['forbidden', 'MSH^1^4^1', 'FORBIDDEN'],
    ['unavailable', 'MSH^1', 'UNAVAILABLE'],
    ['internal-error', 'MSH^1', 'INTERNAL_ERROR'],
  ] as const)(
    'given the sender is rejected (%s), when acknowledged, then it is AR with ERR-5 %s',
    (reason, location, code) => {
      const [, msa, err] = segments(buildAck(CERNER_ADT.A01, { kind: 'rejected', reason }, OPTIONS));
      const fields = err.split('|');

      expect(msa.startsWith('MSA|AR|Q100000101T200000101|')).toBe(true);
      expect([fields[2], fields[3], fields[4], fields[5]]).toEqual([
        location,
        '207^Application internal error^HL70357',
        'E',
        code,
      ]);
    },
  );

  it('given the broker is down, when acknowledged, then the text tells the sender to resend later', () => {
    const ack = buildAck(CERNER_ADT.A01, { kind: 'rejected', reason: 'unavailable' }, OPTIONS);

    expect(segments(ack)[1]).toBe(
      'MSA|AR|Q100000101T200000101|Crosscare cannot accept messages now; nothing was recorded: resend later',
    );
  });

  it('given raw input that cannot be parsed, when acknowledged, then it is an AR from a minimal MSH', () => {
    expect(segments(buildAck('this is not HL7', { kind: 'accepted' }, OPTIONS))).toEqual([
      'MSH|^~\\&|CROSSCARE||||20240614083016+0000||ACK|ACK0001|P|2.5.1',
      'MSA|AR||not a readable HL7 v2 message: an HL7 v2 message starts with an MSH segment',
      'ERR|MSH^1^^100&Segment sequence error&HL70357|MSH^1|100^Segment sequence error^HL70357|E|UNPARSEABLE|||' +
        'not a readable HL7 v2 message: an HL7 v2 message starts with an MSH segment',
    ]);
  });

  it('given an AR ACK for unparseable input, when parsed by @medplum/core, then it is a valid ACK', () => {
    const ack = Hl7Message.parse(buildAck('\u0000\u0001', { kind: 'accepted' }));

    expect(ack.getSegment('MSA')?.getField(1).toString()).toBe('AR');
  });

  it('given a v2.3 message, when acknowledged, then MSH-9 has no message structure component', () => {
    const ack = buildAck(CERNER_ADT.A01.replace('|P|2.4|', '|P|2.3|'), { kind: 'accepted' }, OPTIONS);

    expect(segments(ack)[0].split('|')[8]).toBe('ACK^A01');
  });

  it('given a parsed message, when acknowledged, then the result is the same as for its text', () => {
    expect(buildAck(Hl7Message.parse(CERNER_ADT.A01), { kind: 'accepted' }, OPTIONS)).toBe(
      buildAck(CERNER_ADT.A01, { kind: 'accepted' }, OPTIONS),
    );
  });

  it('given no control id option, when acknowledged twice, then each ACK has its own MSH-10', () => {
    const first = Hl7Message.parse(buildAck(CERNER_ADT.A01, { kind: 'accepted' }));
    const second = Hl7Message.parse(buildAck(CERNER_ADT.A01, { kind: 'accepted' }));

    expect(first.header.getField(10).toString()).toMatch(/^[0-9A-F]{16}$/);
    expect(first.header.getField(10).toString()).not.toBe(second.header.getField(10).toString());
  });

  it('given header values in shapes HL7 never gives them, when acknowledged, then the ACK does not echo them', () => {
    const message = CERNER_ADT.A01.replace('|CERNER|RRK|', `|${'X'.repeat(300)}|RRK|`)
      .replace('|Q100000101T200000101|P|2.4|', `|${'C'.repeat(300)}|PRODUCTION|2.4<script>|`)
      .replace('ADT^A01^ADT_A01', 'ADT^A01 OR 1=1^ADT_A01');
    const [msh, msa] = segments(buildAck(message, { kind: 'accepted' }, OPTIONS));

    expect(msh).toBe('MSH|^~\\&|CROSSCARE|CCR||RRK|20240614083016+0000||ACK|ACK0001|P|2.5.1');
    expect(msa).toBe('MSA|AA||accepted');
  });

  it('given an issue quoting a long value, when acknowledged, then ERR-8 is cut short', () => {
    const issues = [
      {
        location: 'PID-8',
        code: 'code-invalid' as const,
        message: `PID-8 "${'Z'.repeat(2000)}" is not a code`,
      },
    ];
    const err = segments(buildAck(CERNER_ADT.A01, { kind: 'invalid', issues }, OPTIONS))[2];

    expect(err.split('|')[8]).toHaveLength(500);
    expect(err.endsWith('…')).toBe(true);
  });

  it('given arbitrary text as a message, when acknowledged, then the ACK parses and holds no control character but CR', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string().map((tail) => `MSH|^~\\&|${tail}`),
        ),
        (text) => {
          const ack = buildAck(text, { kind: 'accepted' });
          // eslint-disable-next-line no-control-regex -- finding control characters is the point
          expect(ack).not.toMatch(/[\x00-\x0c\x0e-\x1f\x7f]/);
          expect(Hl7Message.parse(ack).getSegment('MSA')).toBeDefined();
        },
      ),
      { numRuns: fuzzRuns(300) },
    );
  });
});
