import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirectoryError } from '../directory/directory-error';
import { ACCESS_ROLES_FILE, loadAccessRoles } from './load-access-roles';
import { RECORD_SECTIONS } from './record-sections';

const reviewed = () => loadAccessRoles();

/** One temporary directory for the file's roles files, removed when the file's tests end. */
let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'access-roles-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function withRolesFile(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'roles-'));
  fs.writeFileSync(path.join(dir, ACCESS_ROLES_FILE), JSON.stringify(content));
  return dir;
}

const validRole = {
  label: 'Clinician',
  rbacCodes: ['R8000'],
  sections: ['demographics', 'problems'],
  purposes: ['DIRECT_CARE'],
  breakGlass: false,
  restricted: false,
  rationale: 'treats the patient',
};

function problemsOf(roles: Record<string, unknown>): string[] {
  try {
    loadAccessRoles({ dataDir: withRolesFile({ version: 't', roles }) });
  } catch (error) {
    if (error instanceof DirectoryError) return error.problems.map((p) => `${p.element}: ${p.reason}`);
    throw error;
  }
  return [];
}

describe('the reviewed roles file', () => {
  it('loads, and names roles by key and by national RBAC code in any case', () => {
    const roles = reviewed();
    expect(roles.role('clinician')?.key).toBe('clinician');
    expect(roles.role('R8000')?.key).toBe('clinician');
    expect(roles.role('r8009')?.key).toBe('administrative');
    expect(roles.role('anything-at-all')).toBeUndefined();
  });

  it('shows reception staff demographics and encounters, never problems or medicines', () => {
    const reception = reviewed().role('R8009')!;
    expect(reception.sections).toEqual(expect.arrayContaining(['demographics', 'encounters']));
    expect(reception.sections).not.toContain('problems');
    expect(reception.sections).not.toContain('medications');
    expect(reception.purposes).toEqual(['DIRECT_CARE']);
  });

  it('shows pharmacists medicines and allergies, not problems or encounters', () => {
    const pharmacist = reviewed().role('pharmacist')!;
    expect(pharmacist.sections).toEqual(expect.arrayContaining(['medications', 'allergies']));
    expect(pharmacist.sections).not.toContain('problems');
    expect(pharmacist.sections).not.toContain('encounters');
  });

  it('gives the SAFEGUARDING purpose and restricted items to safeguarding roles only', () => {
    const roles = reviewed().roles;
    const safeguarding = roles.filter((r) => r.purposes.includes('SAFEGUARDING')).map((r) => r.key);
    expect(safeguarding).toEqual(['safeguarding-lead']);
    expect(roles.filter((r) => r.restricted).map((r) => r.key)).toEqual(['safeguarding-lead']);
  });

  it('shows every role the alerts (safety information), and documents to clinical roles only', () => {
    const roles = reviewed().roles;
    expect(roles.filter((r) => !r.sections.includes('alerts')).map((r) => r.key)).toEqual([]);
    expect(roles.filter((r) => r.sections.includes('documents')).map((r) => r.key)).toEqual([
      'clinician',
      'nurse',
      'health-professional',
      'safeguarding-lead',
    ]);
  });

  it('lists sections in record order whatever order the file uses', () => {
    const dir = withRolesFile({
      version: 't',
      roles: { one: { ...validRole, sections: ['problems', 'demographics'] } },
    });
    expect(loadAccessRoles({ dataDir: dir }).role('one')!.sections).toEqual(
      RECORD_SECTIONS.filter((s) => s === 'demographics' || s === 'problems'),
    );
  });
});

describe('a roles file that is wrong stops the service, naming the fault', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown section', { one: { ...validRole, sections: ['demographics', 'secrets'] } }, /sections/],
    ['an unknown purpose', { one: { ...validRole, purposes: ['CURIOSITY'] } }, /purposes/],
    ['a misspelt key', { one: { ...validRole, breakglass: true } }, /breakglass/],
    ['no demographics', { one: { ...validRole, sections: ['problems'] } }, /must include demographics/],
    [
      'restricted without SAFEGUARDING',
      { one: { ...validRole, restricted: true, sections: ['demographics', 'social-care'] } },
      /SAFEGUARDING/,
    ],
    ['breakGlass without EMERGENCY_CARE', { one: { ...validRole, breakGlass: true } }, /EMERGENCY_CARE/],
    [
      'EMERGENCY_CARE without alerts',
      { one: { ...validRole, purposes: ['DIRECT_CARE', 'EMERGENCY_CARE'] } },
      /must see the alerts section/,
    ],
    ['a code in two roles', { one: validRole, two: { ...validRole } }, /R8000 is already mapped to role one/],
    ['a bad RBAC code', { one: { ...validRole, rbacCodes: ['8000'] } }, /RBAC job role code/],
    ['no roles', {}, /at least one role/],
  ])('%s', (_name, roles, expected) => {
    expect(problemsOf(roles).join('\n')).toMatch(expected);
  });

  it('a missing file', () => {
    expect(() => loadAccessRoles({ dataDir: fs.mkdtempSync(path.join(scratch, 'none-')) })).toThrow(
      /Invalid record access roles[\s\S]*record-access-roles.json \(file\): file not found/,
    );
  });
});
