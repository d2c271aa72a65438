import type { AnyRecordChangeDraft, InputIssue, MappingResult } from '@crosscare/events';
import { rejected } from '@crosscare/events';
// CsvError from 'csv-parse/sync', not 'csv-parse': each entry point bundles its own copy, so instanceof needs this one.
import { CsvError, parse } from 'csv-parse/sync';

import { resolveCouncil } from './council';
import type { RecordPath } from './record-issue';
import {
  type RecordLocator,
  type SocialCareMappingOptions,
  assertMaxRecords,
  mapSocialCareRecords,
  tooManyRecords,
} from './social-care-extract';

type CellType = 'text' | 'integer' | 'boolean';

interface CsvColumn {
  readonly column: string;
  /** Where the value goes in the JSON shape, which both formats are validated in. */
  readonly path: readonly [string] | readonly [string, string];
  readonly type: CellType;
  /** The header must name it, because a current record cannot do without it. */
  readonly required: boolean;
}

/** The columns, in the order a council is asked to send them; the JSON field each one fills. */
export const SOCIAL_CARE_CSV_COLUMNS: readonly CsvColumn[] = [
  { column: 'id', path: ['id'], type: 'text', required: true },
  { column: 'version', path: ['version'], type: 'integer', required: true },
  { column: 'nhs_number', path: ['nhsNumber'], type: 'text', required: true },
  { column: 'kind', path: ['kind'], type: 'text', required: true },
  { column: 'status', path: ['status'], type: 'text', required: true },
  { column: 'start_date', path: ['startDate'], type: 'text', required: true },
  { column: 'end_date', path: ['endDate'], type: 'text', required: false },
  { column: 'type', path: ['type'], type: 'text', required: true },
  { column: 'team', path: ['team'], type: 'text', required: false },
  { column: 'team_phone', path: ['teamPhone'], type: 'text', required: false },
  { column: 'worker_name', path: ['worker', 'name'], type: 'text', required: false },
  { column: 'worker_role', path: ['worker', 'role'], type: 'text', required: false },
  { column: 'service', path: ['service'], type: 'text', required: false },
  { column: 'changed_at', path: ['changedAt'], type: 'text', required: true },
  { column: 'deleted', path: ['deleted'], type: 'boolean', required: false },
  { column: 'restricted', path: ['restricted'], type: 'boolean', required: false },
];

const COLUMN_BY_NAME = new Map(SOCIAL_CARE_CSV_COLUMNS.map((column) => [column.column, column]));
const COLUMN_BY_PATH = new Map(
  SOCIAL_CARE_CSV_COLUMNS.map((column) => [column.path.join('.'), column.column]),
);

/** A cell the schema will reject keeps its text, so the message can say what is wrong with it. */
function cellValue(cell: string, type: CellType): string | number | boolean {
  if (type === 'integer' && /^\d{1,15}$/.test(cell)) return Number(cell);
  if (type === 'boolean' && /^(true|false)$/i.test(cell)) return cell.toLowerCase() === 'true';
  return cell;
}

/** One row in the JSON shape. An empty cell is an absent value, as a spreadsheet user means it. */
function recordOf(
  header: readonly (CsvColumn | undefined)[],
  cells: readonly string[],
): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  header.forEach((column, index) => {
    const cell = cells[index] ?? '';
    if (column === undefined || cell === '') return;
    const value = cellValue(cell, column.type);
    if (column.path.length === 1) {
      record[column.path[0]] = value;
      return;
    }
    const [parent, child] = column.path;
    const nested = (record[parent] ??= {}) as Record<string, unknown>;
    nested[child] = value;
  });
  return record;
}

interface CsvRow {
  /** Line of the file the row starts on; the header is row 1. */
  readonly row: number;
  readonly cells: string[];
}

type CsvParse =
  { readonly ok: true; readonly rows: CsvRow[] } | { readonly ok: false; readonly issue: InputIssue };

const CSV_ERROR_MESSAGES: Partial<Record<CsvError['code'], string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted value is never closed: a closing double quote (") is missing',
  CSV_INVALID_CLOSING_QUOTE: 'a double quote inside a quoted value must be written twice ("")',
  CSV_MAX_RECORD_SIZE: 'a row is too long: is the file comma-separated?',
};

/**
 * Rows with the line each starts on. Line breaks are made LF first because csv-parse counts a CRLF inside a quoted
 * value as two lines, which would put every later row number out.
 */
function parseRows(text: string, maxRows: number): CsvParse {
  try {
    const parsed = parse(text.replace(/\r\n/g, '\n'), {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      to: maxRows,
      // csv-parse's typings do not describe the { record, info } pairs that `info: true` yields.
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return {
      ok: true,
      rows: parsed.map(({ record, info }) => ({
        row: info.lines - record.reduce((breaks, cell) => breaks + (cell.match(/\n/g)?.length ?? 0), 0),
        cells: record,
      })),
    };
  } catch (error: unknown) {
    if (!(error instanceof CsvError)) throw error;
    const lines = (error as CsvError & { lines?: number }).lines;
    return {
      ok: false,
      issue: {
        location: lines === undefined ? 'row 1' : `row ${lines}`,
        code: 'structure',
        message: CSV_ERROR_MESSAGES[error.code] ?? `the CSV cannot be read: ${error.message}`,
      },
    };
  }
}

type HeaderCheck =
  | { readonly ok: true; readonly columns: (CsvColumn | undefined)[] }
  | { readonly ok: false; readonly issues: InputIssue[] };

function checkHeader({ row, cells }: CsvRow): HeaderCheck {
  const names = cells.map((cell) => cell.trim().toLowerCase());
  const issues: InputIssue[] = [];
  names.forEach((name, index) => {
    const column = name || String(index + 1);
    if (!COLUMN_BY_NAME.has(name)) {
      issues.push({
        location: `row ${row}, column ${column}`,
        code: 'structure',
        message: name ? `column ${name} is not a column this format has` : `column ${column} has no name`,
      });
    } else if (names.indexOf(name) !== index) {
      issues.push({
        location: `row ${row}, column ${name}`,
        code: 'structure',
        message: `column ${name} appears twice`,
      });
    }
  });
  for (const { column, required } of SOCIAL_CARE_CSV_COLUMNS) {
    if (required && !names.includes(column)) {
      issues.push({
        location: `row ${row}`,
        code: 'required',
        message: `the header has no ${column} column`,
      });
    }
  }
  return issues.length > 0
    ? { ok: false, issues }
    : { ok: true, columns: names.map((name) => COLUMN_BY_NAME.get(name)) };
}

function csvLocator(rows: readonly CsvRow[]): RecordLocator {
  const nameOf = (path: RecordPath) => COLUMN_BY_PATH.get(path.join('.')) ?? path.join('.');
  return {
    locate: (index, path) => {
      const row = `row ${rows[index].row}`;
      return path.length === 0 ? row : `${row}, column ${nameOf(path)}`;
    },
    nameOf,
  };
}

/**
 * A CSV extract (header row, one row per record) into drafts, or every problem located as `row 4, column
 * nhs_number`. `council` is the ONS code the request carries, since a CSV file has nowhere to put it.
 */
export function mapSocialCareCsv(
  text: string,
  council: string,
  options: SocialCareMappingOptions,
): MappingResult<AnyRecordChangeDraft[]> {
  assertMaxRecords(options.maxRecords);
  // One row past the limit is enough to know it was passed; the rest of an oversized file is never parsed.
  const parsed = parseRows(text, options.maxRecords + 2);
  if (!parsed.ok) return rejected(parsed.issue);
  const [header, ...rows] = parsed.rows;
  if (header === undefined) {
    return rejected({
      location: 'row 1',
      code: 'structure',
      message: 'the file is empty: its first row must name the columns',
    });
  }
  if (rows.length > options.maxRecords) {
    return rejected(tooManyRecords(`row ${rows[options.maxRecords].row}`, options.maxRecords));
  }
  const headerCheck = checkHeader(header);
  if (!headerCheck.ok) return rejected(...headerCheck.issues);
  const { columns } = headerCheck;
  // A row of the wrong width cannot be read reliably, but the others still are, so their problems are reported too.
  const wellFormed = rows.filter(({ cells }) => cells.length === columns.length);
  const widthIssues = rows
    .filter(({ cells }) => cells.length !== columns.length)
    .map(({ row, cells }): InputIssue => ({
      location: `row ${row}`,
      code: 'structure',
      message: `the row has ${cells.length} values but the header names ${columns.length} columns`,
    }));
  const result = mapSocialCareRecords(
    resolveCouncil(council, options.councilName, 'council'),
    wellFormed.map(({ cells }) => recordOf(columns, cells)),
    csvLocator(wellFormed),
  );
  if (widthIssues.length === 0) return result;
  return rejected(...widthIssues, ...(result.ok ? [] : result.issues));
}
