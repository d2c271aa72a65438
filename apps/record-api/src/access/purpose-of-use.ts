/**
 * Why a reader opens a record, declared per request in X-Purpose-Of-Use and kept in the audit event. Each read
 * names one; there is no default, so a client cannot read without saying why.
 */
export const PURPOSES_OF_USE = ['DIRECT_CARE', 'EMERGENCY_CARE', 'SAFEGUARDING'] as const;
export type PurposeOfUse = (typeof PURPOSES_OF_USE)[number];

export const PURPOSE_OF_USE_HEADER = 'X-Purpose-Of-Use';

export type PurposeCheck =
  { readonly ok: true; readonly purpose: PurposeOfUse } | { readonly ok: false; readonly reason: string };

/** The declared purpose, or why the header does not name one. */
export function purposeOfUseOf(header: string | undefined): PurposeCheck {
  const value = header?.trim();
  if (!value)
    return {
      ok: false,
      reason: `${PURPOSE_OF_USE_HEADER} is required: one of ${PURPOSES_OF_USE.join(', ')}`,
    };
  const purpose = PURPOSES_OF_USE.find((p) => p === value);
  return purpose
    ? { ok: true, purpose }
    : {
        ok: false,
        reason: `${PURPOSE_OF_USE_HEADER} must be one of ${PURPOSES_OF_USE.join(', ')} (got "${value.slice(0, 40)}")`,
      };
}

/**
 * Restricted social care items (safeguarding involvements, and items a council flagged) are shown only to a
 * safeguarding enquiry or to a role trusted with them; everyone else is told how many were withheld.
 */
export function mayReadRestricted(
  purpose: PurposeOfUse,
  role: string,
  restrictedRoles: readonly string[],
): boolean {
  return purpose === 'SAFEGUARDING' || restrictedRoles.includes(role);
}
