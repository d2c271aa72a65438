import type { ProviderDirectory } from '@crosscare/governance';
import { ProviderLocator } from './geography/provider-locator';
import { DEFAULT_FIRST_NHS_SERIAL, patientCapacity } from './identity/nhs-numbers';
import { seedWords } from './random/seeded-random';
import { DAY } from './timeline/clock';

export interface RegionOptions {
  /** Same seed and options, same events, byte for byte. */
  readonly seed: number;
  readonly patients: number;
  readonly directory: ProviderDirectory;
  /** testNhsNumber serial of the first patient; each patient uses four serials. Default 100000. */
  readonly firstNhsSerial?: number;
  /** Start of the region's history, epoch ms; default 2024-01-01T00:00Z so output does not depend on the day. */
  readonly from?: number;
  /** Length of the history in days; default 730. */
  readonly days?: number;
  /** Correlation ids are `${correlationPrefix}-<seed>-<n>`; default `region`. */
  readonly correlationPrefix?: string;
}

export const DEFAULT_REGION_START = Date.UTC(2024, 0, 1);
export const DEFAULT_REGION_DAYS = 730;

/** Below this a history cannot hold a hospital stay and its follow-up, let alone a death and its notices. */
const MIN_DAYS = 90;

/** The options, validated, with what every patient's plan shares. */
export interface RegionFrame {
  readonly seed: number;
  readonly seedWords: readonly [number, number];
  readonly patients: number;
  readonly firstNhsSerial: number;
  readonly from: number;
  readonly end: number;
  readonly correlationPrefix: string;
  readonly directory: ProviderDirectory;
  readonly locator: ProviderLocator;
  /** Everything besides the patient that decides an event's content, so it is part of every event id. */
  readonly idNamespace: string;
  /** Short form of the seed in record ids. */
  readonly recordTag: string;
}

export function regionFrame(options: RegionOptions): RegionFrame {
  const firstNhsSerial = options.firstNhsSerial ?? DEFAULT_FIRST_NHS_SERIAL;
  const from = options.from ?? DEFAULT_REGION_START;
  const days = options.days ?? DEFAULT_REGION_DAYS;
  const correlationPrefix = options.correlationPrefix ?? 'region';
  const problems: string[] = [];
  if (!Number.isSafeInteger(options.seed) || options.seed < 0)
    problems.push('seed must be a whole number ≥ 0');
  if (!Number.isSafeInteger(options.patients) || options.patients < 0)
    problems.push('patients must be a whole number ≥ 0');
  if (!Number.isSafeInteger(firstNhsSerial) || firstNhsSerial < 0)
    problems.push('firstNhsSerial must be a whole number ≥ 0');
  else if (options.patients > patientCapacity(firstNhsSerial))
    problems.push(
      `${options.patients} patients do not fit in the 999 test range from serial ${firstNhsSerial} ` +
        `(at most ${patientCapacity(firstNhsSerial)})`,
    );
  if (!Number.isSafeInteger(from)) problems.push('from must be an instant in epoch milliseconds');
  if (!Number.isSafeInteger(days) || days < MIN_DAYS)
    problems.push(`days must be a whole number ≥ ${MIN_DAYS}`);
  if (!/^[A-Za-z0-9._-]+$/.test(correlationPrefix))
    problems.push('correlationPrefix must be letters, digits, dot, dash or underscore');
  if (problems.length > 0) throw new RangeError(`Invalid region options: ${problems.join('; ')}`);

  const directory = options.directory;
  return {
    seed: options.seed,
    seedWords: seedWords(options.seed),
    patients: options.patients,
    firstNhsSerial,
    from,
    end: from + days * DAY,
    correlationPrefix,
    directory,
    locator: new ProviderLocator(directory),
    idNamespace: [options.seed, from, days, directory.version, ...directory.onboardingWaves].join('|'),
    recordTag: `s${options.seed.toString(36)}`,
  };
}
