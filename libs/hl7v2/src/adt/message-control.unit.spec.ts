import { CERNER_ADT, withSecurity } from '../fixtures/cerner-adt-messages';
import { readMessageControl, readSecurity } from './message-control';

/** The A01 fixture with MSH-n replaced. */
function withHeader(field: number, value: string): string {
  const [msh, ...rest] = CERNER_ADT.A01.split('\r');
  const fields = msh.split('|');
  fields[field - 1] = value;
  return [fields.join('|'), ...rest].join('\r');
}

function issuesOf(message: string, options = {}) {
  const result = readMessageControl(message, options);
  if (result.ok) throw new Error('expected issues');
  return result.issues.map((issue) => [issue.location, issue.code]);
}

describe('readMessageControl', () => {
  it.each([
    [4, 'MSH-4', 'required'],
    [7, 'MSH-7', 'required'],
    [9, 'MSH-9', 'required'],
    [10, 'MSH-10', 'required'],
    [11, 'MSH-11', 'required'],
    [12, 'MSH-12', 'required'],
  ])('given MSH-%i empty, when read, then %s is %s', (field, location, code) => {
    expect(issuesOf(withHeader(field, ''))).toEqual([[location, code]]);
  });

  it.each([
    [7, '2024-06-14', 'MSH-7', 'value'],
    [9, 'SIU^S12^SIU_S12', 'MSH-9.1', 'not-supported'],
    [9, 'ORU^R30^ORU_R30', 'MSH-9.2', 'not-supported'],
    [9, 'ADT', 'MSH-9.2', 'required'],
    [11, 'T', 'MSH-11', 'not-supported'],
    [12, '2.2', 'MSH-12', 'not-supported'],
    [12, '2.6', 'MSH-12', 'not-supported'],
  ])('given MSH-%i %j, when read, then %s is %s', (field, value, location, code) => {
    expect(issuesOf(withHeader(field, value))).toEqual([[location, code]]);
  });

  it.each(['2.3', '2.3.1', '2.4', '2.5', '2.5.1'])(
    'given version %s, when read, then it is accepted',
    (version) => {
      const result = readMessageControl(withHeader(12, version));

      expect(result.ok && result.value.version).toBe(version);
    },
  );

  it('given an ORU^R01, when read, then it is accepted as results', () => {
    const result = readMessageControl(withHeader(9, 'ORU^R01^ORU_R01'));

    expect(result.ok && [result.value.messageType, result.value.triggerEvent]).toEqual(['ORU', 'R01']);
  });

  it('given training messages are accepted here, when a T message is read, then it is accepted', () => {
    const result = readMessageControl(withHeader(11, 'T'), { acceptedProcessingIds: ['P', 'T'] });

    expect(result.ok && result.value.processingId).toBe('T');
  });

  it('given several MSH problems, when read, then all are reported together', () => {
    expect(issuesOf(withHeader(10, '').replace('|P|2.4|', '|P|2.9|'))).toEqual([
      ['MSH-10', 'required'],
      ['MSH-12', 'not-supported'],
    ]);
  });
});

describe('readSecurity', () => {
  it('given a credential in MSH-8, when read, then it is returned whole', () => {
    expect(readSecurity(withSecurity(CERNER_ADT.A05, 'key^with~delimiters'))).toBe('key^with~delimiters');
  });

  it('given no credential, when read, then it is null', () => {
    expect(readSecurity(CERNER_ADT.A01)).toBeNull();
  });

  it('given an unsupported message, when read, then the credential is still available to authenticate first', () => {
    expect(readSecurity(withSecurity(CERNER_ADT.A05, 'hl7-key'))).toBe('hl7-key');
  });

  it('given unparseable text, when read, then it is null', () => {
    expect(readSecurity('hello')).toBeNull();
  });
});
