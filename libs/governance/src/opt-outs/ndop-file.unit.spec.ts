import { thrownBy } from '@crosscare/testing';
import { NdopFileError, parseNdopFile } from './ndop-file';

const numbers = (content: string) => parseNdopFile('cohort.dat', content).entries.map((e) => e.nhsNumber);

describe("the Check for National Data Opt-outs service's files", () => {
  it('reads one NHS number per line, each followed by a comma, LF line ends, with line numbers', () => {
    expect(parseNdopFile('cohort.dat', '9990000018,\n9990000026,\n')).toEqual({
      name: 'cohort.dat',
      entries: [
        { nhsNumber: '9990000018', line: 1 },
        { nhsNumber: '9990000026', line: 2 },
      ],
    });
  });

  it('accepts CRLF line ends, a byte order mark, no final line end, and empty lines at the end', () => {
    expect(numbers('\uFEFF9990000018,\r\n9990000026,')).toEqual(['9990000018', '9990000026']);
    expect(numbers('9990000018,\n\n\r\n\n')).toEqual(['9990000018']);
  });

  it('reads an empty file as an empty cohort', () => {
    expect(numbers('')).toEqual([]);
    expect(numbers('\n\n')).toEqual([]);
  });

  it.each([
    ['a bad check digit', '9990000018,\n9990000019,\n', 2, 'the NHS number fails its modulus-11 check digit'],
    ['a missing comma', '9990000018\n', 1, 'is not followed by a comma'],
    ['nine digits', '9990000018,\n999000001,\n', 2, '9 digits where an NHS number has 10'],
    ['spaces inside the number', '999 000 0018,\n', 1, 'not an NHS number followed by a comma'],
    ['a second column', '9990000018,A\n', 1, 'not an NHS number followed by a comma'],
    ['an empty line in the middle', '9990000018,\n\n9990000026,\n', 2, 'an empty line before the end'],
  ])('refuses %s, naming the file and the line, never the line itself', (_why, content, line, reason) => {
    const error = thrownBy(NdopFileError, () => parseNdopFile('returned.dat', content));

    expect(error).toMatchObject({ file: 'returned.dat', line, retriable: false });
    expect(error.message).toMatch(new RegExp(`^returned\\.dat line ${line}: .*nothing was imported$`));
    expect(error.message).toContain(reason);
    expect(error.message).not.toMatch(/\d{9}/);
  });
});
