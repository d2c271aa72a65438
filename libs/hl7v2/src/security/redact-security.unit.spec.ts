import { CERNER_ADT, withSecurity } from '../fixtures/cerner-adt-messages';
import { redactSecurity } from './redact-security';

describe('redactSecurity', () => {
  it('given a message with a credential in MSH-8, when redacted, then MSH-8 is blank and nothing else changes', () => {
    const message = withSecurity(CERNER_ADT.A01, 'hl7-secret-0001');

    expect(redactSecurity(message)).toBe(CERNER_ADT.A01);
  });

  it('given MLLP framing, LF separators and two messages, when redacted, then every MSH-8 is blank', () => {
    const text =
      '\u000bMSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.4\nPID|1\u001c\r\u000bMSH|^~\\&|A|B|C|D|20240101|key2|ADT^A01|2|P|2.4';
    const redacted = redactSecurity(text.replace('20240101||', '20240101|key1|'));

    expect(redacted).toBe(text.replace('|key2|', '||'));
    expect(redacted).not.toMatch(/key[12]/);
  });

  it('given other delimiters, when redacted, then MSH-8 is found with the message field separator', () => {
    expect(redactSecurity('MSH#*!@$#A#B#C#D#20240101#secret#ADT*A01#1#P#2.4')).toBe(
      'MSH#*!@$#A#B#C#D#20240101##ADT*A01#1#P#2.4',
    );
  });

  it('given text that is not a message or a segment mentioning MSH, when redacted, then it is unchanged', () => {
    expect(redactSecurity('hello')).toBe('hello');
    expect(redactSecurity('NTE|1||see MSH|a|b|c|d|e|f|g')).toBe('NTE|1||see MSH|a|b|c|d|e|f|g');
  });

  it('given a short MSH without MSH-8, when redacted, then it is unchanged', () => {
    expect(redactSecurity('MSH|^~\\&|A|B')).toBe('MSH|^~\\&|A|B');
  });
});
