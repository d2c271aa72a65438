import { sectionsWithheldFrom, type AccessRole } from './access-roles';
import type { Relationship } from './legitimate-relationship';
import type { PurposeOfUse } from './purpose-of-use';
import type { RecordSection } from './record-sections';

/**
 * Why a request was refused, as the audit records it (RecordAccessed.denial). INVALID_REQUEST and BAD_TOKEN are
 * decided at the edge; the others by the rules below and by throttling.
 */
export const ACCESS_DENIALS = [
  'INVALID_REQUEST',
  'BAD_TOKEN',
  'UNKNOWN_ORGANISATION',
  'UNKNOWN_ROLE',
  'PURPOSE_NOT_PERMITTED',
  'NO_RELATIONSHIP',
  'OBJECTION',
  'THROTTLED',
  'SECTION_NOT_GRANTED',
] as const;
export type AccessDenial = (typeof ACCESS_DENIALS)[number];

export interface RecordAccessRequest {
  readonly role: AccessRole;
  readonly purpose: PurposeOfUse;
  /** The reader organisation's relationship with the patient; null when none. */
  readonly relationship: Relationship | null;
  /** Whether the patient has an active objection to sharing beyond the organisations that hold their record. */
  readonly objection: boolean;
  /** The reason stated to break the glass; null when none was. Only EMERGENCY_CARE can break it. */
  readonly breakGlassReason: string | null;
  /** Whether the reader's organisation holds items of its own in the record (what an objection leaves it). */
  readonly readerHoldsItems: boolean;
}

export type RecordAccessDecision =
  | { readonly allowed: false; readonly denial: AccessDenial; readonly reason: string }
  | {
      readonly allowed: true;
      /** Served without a relationship, or past an objection: audited as such and alerted to the privacy officer. */
      readonly breakGlass: boolean;
      /** The patient's objection holds: only the reader organisation's own items are shown. */
      readonly ownItemsOnly: boolean;
      readonly sections: readonly RecordSection[];
      /** Sections the role is not granted: left out of the answer, which says so. */
      readonly sectionsWithheld: readonly RecordSection[];
      /** Restricted (safeguarding) items: only a restricted role, and only for the SAFEGUARDING purpose. */
      readonly includeRestricted: boolean;
    };

/** Whether the role may declare the purpose; null when it may, else why not. */
export function purposeRefusal(role: AccessRole, purpose: PurposeOfUse): string | null {
  return role.purposes.includes(purpose)
    ? null
    : `the ${role.key} role may not read records for ${purpose} (it may for ${role.purposes.join(', ')})`;
}

/**
 * The access rules for one read of one patient's record, in the order a Caldicott guardian would check them: the
 * purpose must be one the role may declare; the reader's organisation must be caring for the patient, unless an
 * emergency breaks the glass; a patient's objection leaves the reader only their own organisation's items, unless
 * an emergency breaks the glass; and the role decides which sections are shown at all.
 */
export function decideRecordAccess(request: RecordAccessRequest): RecordAccessDecision {
  const { role, purpose } = request;
  const purposeProblem = purposeRefusal(role, purpose);
  if (purposeProblem) return denied('PURPOSE_NOT_PERMITTED', purposeProblem);

  const wantsBreakGlass = purpose === 'EMERGENCY_CARE' && request.breakGlassReason !== null;
  const mayBreakGlass = wantsBreakGlass && role.breakGlass;
  const granted = (breakGlass: boolean, ownItemsOnly: boolean): RecordAccessDecision => ({
    allowed: true,
    breakGlass,
    ownItemsOnly,
    sections: role.sections,
    sectionsWithheld: sectionsWithheldFrom(role),
    includeRestricted: role.restricted && purpose === 'SAFEGUARDING',
  });
  const glassHint = role.breakGlass
    ? '; in an emergency, declare EMERGENCY_CARE and state a reason in X-Break-Glass-Reason'
    : wantsBreakGlass
      ? `; the ${role.key} role may not break the glass`
      : '';

  if (request.relationship === null)
    return mayBreakGlass
      ? granted(true, false)
      : denied(
          'NO_RELATIONSHIP',
          'your organisation has no legitimate relationship with this patient (not their registered GP practice, no record of its own, no referral to it)' +
            glassHint,
        );
  if (!request.objection) return granted(false, false);
  if (mayBreakGlass) return granted(true, false);
  if (request.readerHoldsItems) return granted(false, true);
  return denied(
    'OBJECTION',
    'the patient objects to sharing their record beyond the organisations that hold it, and your organisation holds none of it' +
      glassHint,
  );
}

function denied(denial: AccessDenial, reason: string): RecordAccessDecision {
  return { allowed: false, denial, reason };
}
