import * as path from 'node:path';
import { z } from 'zod';
import { DirectoryError, type DirectoryProblem } from '../directory/directory-error';
import { readDirectoryFile } from '../directory/directory-files';
import { DEFAULT_DIRECTORY_DATA_DIR } from '../directory/load-provider-directory';
import { accessRoles, type AccessRole, type AccessRoles } from './access-roles';
import { PURPOSES_OF_USE } from './purpose-of-use';
import { RECORD_SECTIONS } from './record-sections';

export const ACCESS_ROLES_FILE = 'record-access-roles.json';

const nonBlank = z.string().trim().min(1, 'must not be blank');

/**
 * A role as the file states it. Strict, so a misspelt key (`breakglass`) is an error rather than a right silently
 * not granted, and the rules a Caldicott guardian signs are checked here rather than trusted to review alone:
 * restricted items go with the SAFEGUARDING purpose, breaking the glass with EMERGENCY_CARE, and whoever may act in
 * an emergency sees the patient's alerts.
 */
const roleEntrySchema = z
  .object({
    label: nonBlank,
    rbacCodes: z.array(z.string().regex(/^R\d{4}$/, 'must be a national RBAC job role code, e.g. R8000')),
    sections: z
      .array(z.enum(RECORD_SECTIONS))
      .min(1, 'must grant at least one section')
      .refine((s) => new Set(s).size === s.length, 'must not repeat a section')
      .refine(
        (s) => s.includes('demographics'),
        'must include demographics: a reader must see whose record it is',
      ),
    purposes: z
      .array(z.enum(PURPOSES_OF_USE))
      .min(1, 'must allow at least one purpose of use')
      .refine((p) => new Set(p).size === p.length, 'must not repeat a purpose'),
    breakGlass: z.boolean(),
    restricted: z.boolean(),
    /** Why the role sees what it sees: for the reviewer (JSON has no comments). */
    rationale: nonBlank,
  })
  .strict()
  .refine((r) => !r.restricted || r.purposes.includes('SAFEGUARDING'), {
    message: 'restricted items are for safeguarding: a restricted role must allow the SAFEGUARDING purpose',
    path: ['restricted'],
  })
  .refine((r) => !r.breakGlass || r.purposes.includes('EMERGENCY_CARE'), {
    message: 'breaking the glass is an emergency: a breakGlass role must allow the EMERGENCY_CARE purpose',
    path: ['breakGlass'],
  })
  .refine((r) => !r.purposes.includes('EMERGENCY_CARE') || r.sections.includes('alerts'), {
    message:
      'alerts are safety information: a role that may act in EMERGENCY_CARE must see the alerts section',
    path: ['sections'],
  })
  .refine((r) => !r.restricted || r.sections.includes('social-care'), {
    message: 'restricted items are social care items: a restricted role must see the social-care section',
    path: ['restricted'],
  });

export const accessRolesFileSchema = z
  .object({
    version: nonBlank,
    comment: z.string().optional(),
    roles: z.record(
      z.string().regex(/^[a-z][a-z-]{1,40}$/, 'role keys are lower-case words joined by -'),
      roleEntrySchema,
    ),
  })
  .strict()
  .superRefine((file, ctx) => {
    const owner = new Map<string, string>();
    for (const [key, role] of Object.entries(file.roles))
      for (const code of role.rbacCodes) {
        const other = owner.get(code);
        if (other)
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['roles', key, 'rbacCodes'],
            message: `${code} is already mapped to role ${other}: a job role code acts in one role`,
          });
        owner.set(code, key);
      }
    if (Object.keys(file.roles).length === 0)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['roles'],
        message: 'must define at least one role',
      });
  });

export interface LoadAccessRolesOptions {
  /** Holds record-access-roles.json; default `<cwd>/libs/governance/data`, like the provider directory. */
  readonly dataDir?: string;
}

/**
 * Reads and validates the roles file once, at start. Throws a DirectoryError naming every problem: the record API
 * must not start on a role table that is partly wrong, which would show someone what they should not see.
 */
export function loadAccessRoles(options: LoadAccessRolesOptions = {}): AccessRoles {
  const file = path.resolve(options.dataDir ?? DEFAULT_DIRECTORY_DATA_DIR, ACCESS_ROLES_FILE);
  const problems: DirectoryProblem[] = [];
  const read = readDirectoryFile(file, accessRolesFileSchema, problems);
  if (!read || problems.length > 0) throw new DirectoryError(problems, 'record access roles');
  const roles: AccessRole[] = Object.entries(read.data.roles).map(([key, role]) => ({
    key,
    label: role.label,
    rbacCodes: role.rbacCodes,
    sections: RECORD_SECTIONS.filter((section) => role.sections.includes(section)),
    purposes: PURPOSES_OF_USE.filter((purpose) => role.purposes.includes(purpose)),
    breakGlass: role.breakGlass,
    restricted: role.restricted,
  }));
  return accessRoles(read.data.version, roles);
}
