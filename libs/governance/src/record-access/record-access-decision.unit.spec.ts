import { accessRoles, type AccessRole } from './access-roles';
import { decideRecordAccess, type RecordAccessRequest } from './record-access-decision';
import { legitimateRelationship } from './legitimate-relationship';
import { RECORD_SECTIONS } from './record-sections';

const clinician: AccessRole = {
  key: 'clinician',
  label: 'Clinician',
  rbacCodes: ['R8000'],
  sections: RECORD_SECTIONS,
  purposes: ['DIRECT_CARE', 'EMERGENCY_CARE'],
  breakGlass: true,
  restricted: false,
};
const reception: AccessRole = {
  ...clinician,
  key: 'administrative',
  sections: ['demographics', 'death', 'encounters'],
  purposes: ['DIRECT_CARE'],
  breakGlass: false,
};
const pharmacist: AccessRole = { ...clinician, key: 'pharmacist', breakGlass: false };
const safeguardingLead: AccessRole = {
  ...clinician,
  key: 'safeguarding-lead',
  purposes: ['DIRECT_CARE', 'SAFEGUARDING'],
  breakGlass: false,
  restricted: true,
};

const base: RecordAccessRequest = {
  role: clinician,
  purpose: 'DIRECT_CARE',
  relationship: 'CARE_PROVIDER',
  objection: false,
  breakGlassReason: null,
  readerHoldsItems: true,
};
const decide = (change: Partial<RecordAccessRequest>) => decideRecordAccess({ ...base, ...change });

describe('decideRecordAccess', () => {
  it('serves the whole record to a clinician caring for the patient', () => {
    expect(decide({})).toEqual({
      allowed: true,
      breakGlass: false,
      ownItemsOnly: false,
      sections: RECORD_SECTIONS,
      sectionsWithheld: [],
      includeRestricted: false,
    });
  });

  it('refuses a purpose the role may not declare', () => {
    expect(decide({ role: reception, purpose: 'EMERGENCY_CARE' })).toMatchObject({
      allowed: false,
      denial: 'PURPOSE_NOT_PERMITTED',
    });
    expect(decide({ purpose: 'SAFEGUARDING' })).toMatchObject({ denial: 'PURPOSE_NOT_PERMITTED' });
  });

  it('refuses a reader with no relationship, telling a role that may break the glass how', () => {
    const refusal = decide({ relationship: null });
    expect(refusal).toMatchObject({ allowed: false, denial: 'NO_RELATIONSHIP' });
    expect(refusal.allowed === false && refusal.reason).toMatch(/X-Break-Glass-Reason/);
    expect(decide({ relationship: null, role: reception })).toMatchObject({ denial: 'NO_RELATIONSHIP' });
  });

  it('breaks the glass only for EMERGENCY_CARE with a reason, in a role allowed to', () => {
    expect(
      decide({ relationship: null, purpose: 'EMERGENCY_CARE', breakGlassReason: 'unconscious in ED' }),
    ).toMatchObject({ allowed: true, breakGlass: true, ownItemsOnly: false });
    expect(decide({ relationship: null, purpose: 'EMERGENCY_CARE' })).toMatchObject({
      denial: 'NO_RELATIONSHIP',
    });
    expect(decide({ relationship: null, purpose: 'DIRECT_CARE', breakGlassReason: 'x' })).toMatchObject({
      denial: 'NO_RELATIONSHIP',
    });
    const pharmacistTries = decide({
      role: pharmacist,
      relationship: null,
      purpose: 'EMERGENCY_CARE',
      breakGlassReason: 'x',
    });
    expect(pharmacistTries).toMatchObject({ denial: 'NO_RELATIONSHIP' });
    expect(pharmacistTries.allowed === false && pharmacistTries.reason).toMatch(/may not break the glass/);
  });

  it('does not call a read with a relationship break-glass, whatever reason is stated', () => {
    expect(decide({ purpose: 'EMERGENCY_CARE', breakGlassReason: 'x' })).toMatchObject({ breakGlass: false });
  });

  it('leaves an objecting patient’s reader their own items, or refuses when they hold none', () => {
    expect(decide({ objection: true })).toMatchObject({
      allowed: true,
      ownItemsOnly: true,
      breakGlass: false,
    });
    expect(decide({ objection: true, readerHoldsItems: false, relationship: 'REGISTERED_GP' })).toMatchObject(
      {
        denial: 'OBJECTION',
      },
    );
    expect(
      decide({
        objection: true,
        readerHoldsItems: false,
        purpose: 'EMERGENCY_CARE',
        breakGlassReason: 'collapse',
      }),
    ).toMatchObject({ allowed: true, breakGlass: true, ownItemsOnly: false });
  });

  it('withholds the sections a role is not granted', () => {
    expect(decide({ role: reception })).toMatchObject({
      sections: ['demographics', 'death', 'encounters'],
      sectionsWithheld: RECORD_SECTIONS.filter((s) => !['demographics', 'death', 'encounters'].includes(s)),
    });
  });

  it('includes restricted items only for a restricted role reading for SAFEGUARDING', () => {
    expect(decide({ role: safeguardingLead, purpose: 'SAFEGUARDING' })).toMatchObject({
      includeRestricted: true,
    });
    expect(decide({ role: safeguardingLead, purpose: 'DIRECT_CARE' })).toMatchObject({
      includeRestricted: false,
    });
  });
});

describe('legitimateRelationship', () => {
  const evidence = {
    registeredGpOdsCode: 'M85001',
    careProviders: new Set(['M85001', 'RRK']),
    referralRecipients: new Set(['RQ3', 'RRK']),
  };
  it.each([
    ['M85001', 'REGISTERED_GP'],
    ['RRK', 'CARE_PROVIDER'],
    ['RQ3', 'REFERRAL_RECIPIENT'],
    ['ZZZ99', null],
  ])('%s: %s', (org, expected) => {
    expect(legitimateRelationship(org, evidence)).toBe(expected);
  });
});

describe('accessRoles', () => {
  it('finds a role by key or code, trimmed and in any case', () => {
    const roles = accessRoles('t', [clinician]);
    expect(roles.role(' R8000 ')).toBe(clinician);
    expect(roles.role('CLINICIAN')).toBe(clinician);
    expect(roles.role('R8001')).toBeUndefined();
  });
});
