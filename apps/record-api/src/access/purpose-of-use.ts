import { isPurposeOfUse, PURPOSES_OF_USE, type PurposeOfUse } from '@crosscare/governance';

export const PURPOSE_OF_USE_HEADER = 'X-Purpose-Of-Use';

export type PurposeCheck =
  { readonly ok: true; readonly purpose: PurposeOfUse } | { readonly ok: false; readonly reason: string };

/** The declared purpose, or why the header does not name one. Which purposes a role may declare is the roles file's. */
export function purposeOfUseOf(header: string | undefined): PurposeCheck {
  const value = header?.trim();
  if (!value)
    return {
      ok: false,
      reason: `${PURPOSE_OF_USE_HEADER} is required: one of ${PURPOSES_OF_USE.join(', ')}`,
    };
  return isPurposeOfUse(value)
    ? { ok: true, purpose: value }
    : {
        ok: false,
        reason: `${PURPOSE_OF_USE_HEADER} must be one of ${PURPOSES_OF_USE.join(', ')} (got "${value.slice(0, 40)}")`,
      };
}
