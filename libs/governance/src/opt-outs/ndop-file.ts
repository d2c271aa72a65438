import { CrosscareError } from '@crosscare/errors';
import { isValidNhsNumber } from '../nhs-number';

/*
 * The files of NHS England's Check for National Data Opt-outs service (sent and answered over MESH). A submission is a
 * `.dat` file of NHS numbers, one per line, each followed by a comma, lines ended by LF; the answer has the same
 * format and holds only the submitted numbers that may be used, those WITHOUT a national data opt-out. CRLF line ends
 * are accepted too (a file that passed through a Windows tool), as is a UTF-8 byte order mark; empty lines may end
 * the file but not interrupt it.
 */

/** One file as read: its name (for messages) and its lines' NHS numbers in file order, with their line numbers. */
export interface NdopFile {
  readonly name: string;
  readonly entries: readonly NdopEntry[];
}

export interface NdopEntry {
  readonly nhsNumber: string;
  /** 1-based, as an editor shows it. */
  readonly line: number;
}

/**
 * A file, or a pair of files, that cannot be imported; names the file and the line. The message never repeats a
 * line's content: it may be a patient's NHS number, and the line number is enough to find it.
 */
export class NdopFileError extends CrosscareError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    reason: string,
  ) {
    super(`${file}${line === undefined ? '' : ` line ${line}`}: ${reason}; nothing was imported`, {
      retriable: false,
    });
  }
}

const LINE = /^(\d{10}),$/;

/** Reads a submission or answer file whole; the first bad line stops it. */
export function parseNdopFile(name: string, content: string): NdopFile {
  const lines = content.replace(/^\uFEFF/, '').split('\n');
  const text = lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  let last = text.length;
  while (last > 0 && text[last - 1] === '') last--;
  const entries: NdopEntry[] = [];
  for (let i = 0; i < last; i++) {
    const line = i + 1;
    const match = LINE.exec(text[i]);
    if (!match) throw new NdopFileError(name, line, lineProblem(text[i]));
    if (!isValidNhsNumber(match[1]))
      throw new NdopFileError(name, line, 'the NHS number fails its modulus-11 check digit');
    entries.push({ nhsNumber: match[1], line });
  }
  return { name, entries };
}

function lineProblem(line: string): string {
  if (line === '') return 'an empty line before the end of the file (only the end may have empty lines)';
  if (/^\d{10}$/.test(line))
    return "the NHS number is not followed by a comma (each line is '<NHS number>,')";
  const digits = /^(\d+),?$/.exec(line);
  if (digits) return `${digits[1].length} digits where an NHS number has 10`;
  return "not an NHS number followed by a comma (each line is 10 digits then ',', nothing else)";
}
