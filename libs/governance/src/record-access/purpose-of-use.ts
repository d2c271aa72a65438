/**
 * Why a reader opens a record, declared per request and kept in the audit event. There is no default: a client
 * cannot read without saying why, and the roles file says which purposes each role may declare.
 */
export const PURPOSES_OF_USE = ['DIRECT_CARE', 'EMERGENCY_CARE', 'SAFEGUARDING'] as const;
export type PurposeOfUse = (typeof PURPOSES_OF_USE)[number];

export function isPurposeOfUse(value: string): value is PurposeOfUse {
  return (PURPOSES_OF_USE as readonly string[]).includes(value);
}
