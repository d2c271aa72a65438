import { sdeNoticeTopic, sdeProjectTopic } from '@crosscare/events';
import { loadSdeProjects } from '@crosscare/sde';
import { thrownBy } from '@crosscare/testing';
import {
  expiredGrants,
  grantOf,
  grantScope,
  GrantRequestError,
  validateGrantRequest,
  type GrantRequest,
} from './subscriber-grant';

const NOW = new Date('2026-12-05T10:00:00Z');
const naming = { topicPrefix: 't.grants', idPrefix: 'gt' };
const projects = loadSdeProjects();
const base = { name: 'ehr-one', org: 'vm1a2', expires: '2027-06-30', grantedBy: 'ig-operator' };
const problemsOf = (input: Parameters<typeof validateGrantRequest>[0]) =>
  thrownBy(GrantRequestError, () => validateGrantRequest(input, NOW, projects)).problems;

describe('validateGrantRequest: a changelog subscriber', () => {
  it('takes a collaborative and an agreement', () => {
    expect(
      validateGrantRequest({ ...base, collaborative: 'ccr', agreement: 'DSA-2026-0042' }, NOW, projects),
    ).toEqual({
      name: 'ehr-one',
      organisationOdsCode: 'VM1A2',
      target: { kind: 'changelog', collaborative: 'CCR' },
      agreement: 'DSA-2026-0042',
      expiresAt: new Date('2027-06-30T23:59:59.999Z'),
      grantedBy: 'ig-operator',
    });
  });

  it('needs an agreement: a collaborative has no default one', () => {
    expect(problemsOf({ ...base, collaborative: 'CCR' })).toEqual([
      `--agreement "": the data sharing agreement's reference (e.g. DSA-2026-0042)`,
    ]);
  });

  it('names every fault at once', () => {
    expect(
      problemsOf({
        name: 'Bad Name',
        org: 'x',
        collaborative: 'WMCA',
        agreement: 'x',
        expires: '2020-01-01',
      }),
    ).toHaveLength(6);
  });
});

describe('validateGrantRequest: an SDE team', () => {
  it("takes an approved project, reading under the project's agreement by default", () => {
    const request = validateGrantRequest({ ...base, project: 'diabetes-outcomes' }, NOW, projects);
    expect(request.target).toEqual({ kind: 'sde-project', project: 'diabetes-outcomes', version: 1 });
    expect(request.agreement).toBe('DSA-2026-0107');
  });

  it("accepts the project's own agreement given explicitly", () => {
    const request = validateGrantRequest(
      { ...base, project: 'urgent-care-flow', agreement: 'DSA-2026-0112' },
      NOW,
      projects,
    );
    expect(request.agreement).toBe('DSA-2026-0112');
  });

  it("refuses another agreement, naming both: a team reads under its project's DSA, not another", () => {
    expect(problemsOf({ ...base, project: 'diabetes-outcomes', agreement: 'DSA-2026-0042' })).toEqual([
      '--agreement DSA-2026-0042: SDE project diabetes-outcomes is approved under DSA-2026-0107, and its team ' +
        'reads under that agreement alone (leave --agreement out to use it)',
    ]);
  });

  it('refuses a project that is not approved, listing the approved ones', () => {
    expect(problemsOf({ ...base, project: 'cancer-waits' })).toEqual([
      '--project "cancer-waits": not an approved SDE project (approved: diabetes-outcomes, urgent-care-flow)',
    ]);
  });

  it('refuses a project and a collaborative together', () => {
    expect(
      problemsOf({ ...base, project: 'diabetes-outcomes', collaborative: 'CCR', agreement: 'DSA-2026-0107' }),
    ).toEqual(['--collaborative and --project: one or the other, not both']);
  });

  it('refuses a request for neither, saying what may be asked for', () => {
    expect(problemsOf({ ...base, agreement: 'DSA-2026-0042' })).toEqual([
      '--collaborative CCR|OHC or --project <id>: what the grant is for ' +
        '(approved SDE projects: diabetes-outcomes, urgent-care-flow)',
    ]);
  });

  it('still names the other faults of a request for a project', () => {
    expect(problemsOf({ ...base, name: 'x', project: 'diabetes-outcomes', expires: 'soon' })).toEqual([
      expect.stringMatching(/^--name "x"/) as unknown,
      '--expires "soon": a date (YYYY-MM-DD) or ISO time',
    ]);
  });
});

describe('grantOf', () => {
  const request = (target: GrantRequest['target']): GrantRequest => ({
    name: 'team-one',
    organisationOdsCode: 'RGH',
    target,
    agreement: 'DSA-2026-0107',
    expiresAt: null,
    grantedBy: 'ig-operator',
  });

  it("gives an SDE team its project's data topic at the output version and its notices, with its own groups", () => {
    const { grant, principal } = grantOf(
      request({ kind: 'sde-project', project: 'diabetes-outcomes', version: 2 }),
      naming,
      NOW,
    );
    expect(grant).toMatchObject({
      principal: 'gt-sub-team-one',
      collaborative: null,
      sdeProject: 'diabetes-outcomes',
      topics: [
        sdeProjectTopic('diabetes-outcomes', 2, 't.grants'),
        sdeNoticeTopic('diabetes-outcomes', 't.grants'),
      ],
      groupPrefix: 'gt-sub-team-one.',
    });
    expect(
      principal.grants.map((g) => `${g.operation} ${g.patternType} ${g.resourceType} ${g.resourceName}`),
    ).toEqual([
      'READ LITERAL TOPIC t.grants.sde.diabetes-outcomes.v2',
      'READ LITERAL TOPIC t.grants.sde.diabetes-outcomes.notices.v1',
      'READ PREFIXED GROUP gt-sub-team-one.',
    ]);
    expect(grantScope(grant)).toBe('SDE project diabetes-outcomes');
  });

  it("gives a changelog subscriber its collaborative's changelog, as before", () => {
    const { grant } = grantOf(request({ kind: 'changelog', collaborative: 'OHC' }), naming, NOW);
    expect(grant).toMatchObject({
      collaborative: 'OHC',
      sdeProject: null,
      topics: ['t.grants.ohc.patient-records.v2'],
    });
    expect(grantScope(grant)).toBe('OHC');
  });
});

describe('expiredGrants', () => {
  it('lists grants whose expiry has passed, whatever they cover', () => {
    const grants = [
      { name: 'a', expiresAt: new Date('2026-12-01'), sdeProject: 'diabetes-outcomes' },
      { name: 'b', expiresAt: new Date('2026-12-05T10:00:00Z'), sdeProject: null },
      { name: 'c', expiresAt: new Date('2027-01-01'), sdeProject: 'urgent-care-flow' },
      { name: 'd', expiresAt: null, sdeProject: 'urgent-care-flow' },
    ];
    expect(expiredGrants(grants, NOW).map((g) => g.name)).toEqual(['a', 'b']);
  });
});
