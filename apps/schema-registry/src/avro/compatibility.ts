import type { Type } from 'avsc';
import { findResolutionBreaks, resolve } from './resolution-breaks';

export const COMPATIBILITY_LEVELS = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export function isCompatibilityLevel(value: string): value is CompatibilityLevel {
  return (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

export interface PreviousVersion {
  readonly version: number;
  readonly type: Type;
}

export interface CompatibilityResult {
  readonly compatible: boolean;
  /** One per failing (direction, version) pair; empty when compatible. */
  readonly messages: string[];
}

type Direction = 'backward' | 'forward';

const RULES: Record<CompatibilityLevel, { directions: readonly Direction[]; transitive: boolean }> = {
  BACKWARD: { directions: ['backward'], transitive: false },
  BACKWARD_TRANSITIVE: { directions: ['backward'], transitive: true },
  FORWARD: { directions: ['forward'], transitive: false },
  FORWARD_TRANSITIVE: { directions: ['forward'], transitive: true },
  FULL: { directions: ['backward', 'forward'], transitive: false },
  FULL_TRANSITIVE: { directions: ['backward', 'forward'], transitive: true },
  NONE: { directions: [], transitive: false },
};

/**
 * Confluent semantics: BACKWARD means the candidate, as reader, can read data written with the latest
 * previous version; FORWARD means the latest previous version, as reader, can read the candidate's data;
 * FULL is both; *_TRANSITIVE checks every previous version instead of only the latest.
 */
export function checkCompatibility(
  candidate: Type,
  previous: readonly PreviousVersion[],
  level: CompatibilityLevel,
): CompatibilityResult {
  const rule = RULES[level];
  if (rule === undefined) throw new Error(`unknown compatibility level: ${String(level)}`);
  // Sorted rather than trusted to arrive oldest first: "latest" must mean the highest version.
  const versions = [...previous].sort((a, b) => a.version - b.version);
  const against = rule.transitive ? versions : versions.slice(-1);

  const messages = against.flatMap((previousVersion) =>
    rule.directions.flatMap((direction) => {
      const failure = explainFailure(candidate, previousVersion, direction, level);
      return failure === undefined ? [] : [failure];
    }),
  );
  return { compatible: messages.length === 0, messages };
}

function explainFailure(
  candidate: Type,
  { version, type: previous }: PreviousVersion,
  direction: Direction,
  level: CompatibilityLevel,
): string | undefined {
  const [reader, writer] = direction === 'backward' ? [candidate, previous] : [previous, candidate];
  const verdict = resolve(reader, writer);
  if (verdict.ok) return undefined;

  const breaks = findResolutionBreaks(reader, writer).map((b) => b.message);
  // The walker only explains; if it cannot find the place, avsc's own words are still better than nothing.
  const what = breaks.length > 0 ? breaks.join('; ') : `INCOMPATIBLE: ${verdict.error}`;
  const check =
    direction === 'backward'
      ? `the new schema cannot read data written with version ${version}`
      : `version ${version} cannot read data written with the new schema`;
  return `${what} (${level} check against version ${version}: ${check})`;
}
