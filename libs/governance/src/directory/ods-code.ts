import type { ProviderType } from './provider';

interface CodeShape {
  readonly pattern: RegExp;
  /** For a person fixing the file. */
  readonly description: string;
}

const TRUST: CodeShape = { pattern: /^R[A-Z0-9]{2}$/, description: 'R and 2 letters or digits, e.g. RQ3' };

/**
 * The shape of each provider type's ODS code. Looser than the synthetic generator (which uses M for every GP
 * practice, letters only for trusts) so that real codes, e.g. trust R1A or a GP practice outside the West
 * Midlands, also pass. Uppercase only: the directory is the canonical spelling.
 */
const SHAPES: Record<ProviderType, CodeShape> = {
  GP_PRACTICE: { pattern: /^[A-Z]\d{5}$/, description: 'a letter and 5 digits, e.g. M12345' },
  ACUTE_TRUST: TRUST,
  MENTAL_HEALTH_TRUST: TRUST,
  COMMUNITY_TRUST: TRUST,
  SPECIALIST_TRUST: TRUST,
  AMBULANCE_TRUST: TRUST,
  HOSPICE: { pattern: /^8[A-Z0-9]{4}$/, description: '8 and 4 letters or digits, e.g. 8HV48' },
  CARE_HOME: { pattern: /^V[A-Z0-9]{4}$/, description: 'V and 4 letters or digits, e.g. VM4L2' },
  LOCAL_AUTHORITY: { pattern: /^[A-Z0-9]{3}$/, description: '3 letters or digits, e.g. L5B' },
  COMMUNITY_PHARMACY: { pattern: /^F[A-Z0-9]{4}$/, description: 'F and 4 letters or digits, e.g. FA123' },
};

/** Why `code` cannot be the ODS code of a provider of `type`, or undefined when it can. */
export function odsCodeProblem(code: string, type: ProviderType): string | undefined {
  const shape = SHAPES[type];
  if (shape.pattern.test(code)) return undefined;
  return `ODS code "${code}" is not shaped like a ${type} code (${shape.description})`;
}

/** ODS codes are case-insensitive in practice; the directory keys on the uppercase form. */
export const canonicalOdsCode = (code: string): string => code.trim().toUpperCase();
