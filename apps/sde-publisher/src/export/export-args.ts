import { CrosscareError } from '@crosscare/errors';

export interface ExportArgs {
  readonly project: string;
  readonly out: string;
}

/** sysexits.h EX_USAGE: the command line was wrong. */
export const EXIT_USAGE = 64;

export const EXPORT_USAGE = `usage: npm run sde:export -- --project <id> --out <dir>

  --project <id>  an approved project (libs/governance/data/sde-projects.json)
  --out <dir>     where the export goes: a new or empty directory whose parent exists (relative to where
                  npm was run)

Writes one Parquet file per approved event kind with rows, manifest.json and SHA256SUMS (check with
sha256sum -c SHA256SUMS in <dir>). Reads DATABASE_URL, SDE_DATABASE_SCHEMA (default sde) and SCHEMA_REGISTRY_URL.`;

export class UsageError extends CrosscareError {
  override readonly name = 'UsageError';

  constructor(message: string) {
    super(message, { retriable: false });
  }
}

const VALUED = ['--project', '--out'] as const;

/** The export's options from its arguments; a UsageError names the first thing wrong. */
export function parseExportArgs(argv: readonly string[]): ExportArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = splitOption(argv[i]);
    if (!(VALUED as readonly string[]).includes(name)) throw new UsageError(`unknown argument "${argv[i]}"`);
    if (values.has(name)) throw new UsageError(`${name} is given twice`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--') || value.trim() === '')
      throw new UsageError(`${name} needs a value`);
    values.set(name, value);
  }
  for (const name of VALUED) if (!values.has(name)) throw new UsageError(`${name} is required`);
  return { project: values.get('--project')!, out: values.get('--out')! };
}

function splitOption(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return arg.startsWith('--') && equals > 0
    ? [arg.slice(0, equals), arg.slice(equals + 1)]
    : [arg, undefined];
}
