import type { PurposeOfUse } from './purpose-of-use';
import { RECORD_SECTIONS, type RecordSection } from './record-sections';

/**
 * A role a reader acts in, as the reviewed roles file (record-access-roles.json) grants it: which sections of a
 * shared record it sees and which purposes of use it may declare. After the national RBAC baseline: tokens name a
 * role by its Crosscare key or by one of its national RBAC job role codes.
 */
export interface AccessRole {
  /** Crosscare's name for the role, e.g. `clinician`; what the audit records. */
  readonly key: string;
  readonly label: string;
  /** National RBAC job role codes (R codes) that act in this role. */
  readonly rbacCodes: readonly string[];
  readonly sections: readonly RecordSection[];
  readonly purposes: readonly PurposeOfUse[];
  /** May serve themselves a record without a legitimate relationship, or past an objection, in an emergency. */
  readonly breakGlass: boolean;
  /** May see restricted social care items (safeguarding), and then only when the purpose is SAFEGUARDING. */
  readonly restricted: boolean;
}

export interface AccessRoles {
  /** The file's release, for logs and the health endpoint. */
  readonly version: string;
  readonly roles: readonly AccessRole[];
  /** The role a token's role claim names (key or RBAC code, either case); undefined when Crosscare knows none. */
  role(claim: string): AccessRole | undefined;
}

/** Indexes validated roles (see loadAccessRoles); does no checking of its own. */
export function accessRoles(version: string, roles: readonly AccessRole[]): AccessRoles {
  const byClaim = new Map<string, AccessRole>();
  for (const role of roles) {
    byClaim.set(role.key.toLowerCase(), role);
    for (const code of role.rbacCodes) byClaim.set(code.toLowerCase(), role);
  }
  return { version, roles, role: (claim) => byClaim.get(claim.trim().toLowerCase()) };
}

/** The sections a role is not granted, in record order. */
export function sectionsWithheldFrom(role: AccessRole): RecordSection[] {
  return RECORD_SECTIONS.filter((section) => !role.sections.includes(section));
}
