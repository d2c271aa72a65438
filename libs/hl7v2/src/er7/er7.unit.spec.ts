import { Hl7Context } from '@medplum/core';
import { escapeEr7, unescapeEr7 } from './er7-escaping';
import { parseEr7 } from './parse-er7';
import { SegmentReader } from './segment-reader';

const context = new Hl7Context();

describe('unescapeEr7 and escapeEr7', () => {
  it.each([
    ['O\\S\\BRIEN', 'O^BRIEN'],
    ['A\\F\\B\\R\\C\\T\\D\\E\\E', 'A|B~C&D\\E'],
    ['caf\\XC3A9\\', 'caf\u00c3\u00a9'],
    ['line\\.br\\two', 'line\ntwo'],
    ['\\H\\bold\\N\\', 'bold'],
    ['unknown \\Z99\\ kept', 'unknown \\Z99\\ kept'],
  ])('given %j, when unescaped, then it reads %j', (text, expected) => {
    expect(unescapeEr7(text, context)).toBe(expected);
  });

  it('given text with every delimiter, when escaped and unescaped, then it round-trips with no raw delimiter left', () => {
    const text = 'a|b^c~d\\e&f';
    const escaped = escapeEr7(text, context);

    expect(escaped).toBe('a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f');
    expect(unescapeEr7(escaped, context)).toBe(text);
  });

  it('given line breaks, when escaped, then they become spaces (a segment break would end the segment)', () => {
    expect(escapeEr7('one\r\ntwo', context)).toBe('one two');
  });
});

describe('parseEr7', () => {
  it('given a message with LF separators and MLLP framing left on, when parsed, then its segments are read', () => {
    const result = parseEr7('\u000bMSH|^~\\&|APP|FAC\nPID|1||123\n\u001c\r');

    expect(result.ok && result.value.segments.map((segment) => segment.name)).toEqual(['MSH', 'PID']);
  });

  it.each([
    ['', 'MSH'],
    ['PID|1', 'MSH'],
    ['MSH', 'MSH-2'],
    ['MSHA^~\\&|', 'MSH-2'],
    ['MSH|^^\\&|', 'MSH-2'],
  ])('given %j, when parsed, then it is a structure issue at %s', (text, location) => {
    const result = parseEr7(text);

    expect(!result.ok && result.issues).toEqual([expect.objectContaining({ location, code: 'structure' })]);
  });

  it('given non-standard delimiters, when parsed and read, then the message delimiters are used', () => {
    const result = parseEr7('MSH#*!@$#APP\rPID#1##123***NHS*NH!456');
    if (!result.ok) throw new Error('expected a message');
    const pid = SegmentReader.first(result.value, 'PID');

    expect(pid?.repetitions(3).map((repetition) => [repetition.text(1), repetition.text(5)])).toEqual([
      ['123', 'NH'],
      ['456', ''],
    ]);
  });
});

describe('SegmentReader', () => {
  const parsed = parseEr7('MSH|^~\\&|APP\rPID|1||""|| SMITH & SONS ^ANN|');
  if (!parsed.ok) throw new Error('expected a message');
  const pid = SegmentReader.first(parsed.value, 'PID');

  it('given the HL7 null "", when read, then it is empty', () => {
    expect(pid?.text(3)).toBe('');
    expect(pid?.repetitions(3)).toEqual([]);
  });

  it('given a field past the end of the segment, when read, then it is empty', () => {
    expect(pid?.text(40)).toBe('');
    expect(pid?.wholeField(40)).toBe('');
  });

  it('given a component with a subcomponent separator, when read as text or subcomponent, then both are trimmed', () => {
    expect(pid?.text(5)).toBe('SMITH & SONS');
    expect(pid?.repetitions(5)[0].subcomponent(1, 1)).toBe('SMITH');
  });
});
