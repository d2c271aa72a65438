import { CrosscareError } from '@crosscare/errors';
import { DEFAULT_TOPIC_PREFIX } from '@crosscare/events';
import { DEFAULT_FIRST_NHS_SERIAL, patientCapacity } from '../identity/nhs-numbers';

export interface LoadRegionArgs {
  readonly patients: number;
  readonly seed: number;
  /** Topic prefix, as INGEST_TOPIC_PREFIX: the loader writes where ingest would. */
  readonly prefix: string;
  /** Generate and count only; touch neither Kafka nor the registry. */
  readonly dryRun: boolean;
  readonly help: boolean;
}

/** sysexits.h EX_USAGE: the command line was wrong. */
export const EXIT_USAGE = 64;

export const LOAD_REGION_USAGE = `usage: region:load [--patients N] [--seed N] [--prefix PREFIX] [--dry-run]

  --patients N      patients in the region (default 200; about 50 events each)
  --seed N          the same seed loads the same events (default 42)
  --prefix PREFIX   record-change topic prefix (default ${DEFAULT_TOPIC_PREFIX}, as ingest's INGEST_TOPIC_PREFIX)
  --dry-run         generate and summarise the region without Kafka or the schema registry

Reads KAFKA_BROKERS and SCHEMA_REGISTRY_URL (the local stack's by default); the schemas must be registered
(npm run schemas:register) and the topics provisioned (npm run stack:up).`;

export class UsageError extends CrosscareError {
  override readonly name = 'UsageError';

  constructor(message: string) {
    super(message, { retriable: false });
  }
}

const VALUED = ['--patients', '--seed', '--prefix'] as const;
const FLAGS = ['--dry-run', '--help'] as const;

/** The loader's options from its arguments; a UsageError names the first thing wrong. */
export function parseLoadRegionArgs(argv: readonly string[]): LoadRegionArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = splitOption(argv[i]);
    if ((FLAGS as readonly string[]).includes(name)) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!(VALUED as readonly string[]).includes(name)) throw new UsageError(`unknown argument "${argv[i]}"`);
    if (values.has(name)) throw new UsageError(`${name} is given twice`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    values.set(name, value);
  }
  const capacity = patientCapacity(DEFAULT_FIRST_NHS_SERIAL);
  const prefix = values.get('--prefix') ?? DEFAULT_TOPIC_PREFIX;
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(prefix))
    throw new UsageError(`--prefix must be letters, digits, dot, dash or underscore (got "${prefix}")`);
  return {
    patients: wholeNumber(values.get('--patients') ?? '200', '--patients', 1, capacity),
    seed: wholeNumber(values.get('--seed') ?? '42', '--seed', 0, Number.MAX_SAFE_INTEGER),
    prefix,
    dryRun: flags.has('--dry-run'),
    help: flags.has('--help'),
  };
}

function splitOption(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return arg.startsWith('--') && equals > 0
    ? [arg.slice(0, equals), arg.slice(equals + 1)]
    : [arg, undefined];
}

function wholeNumber(value: string, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}
