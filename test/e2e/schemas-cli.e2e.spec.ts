import { EVENT_TYPES } from '@crosscare/events';
import { REPO_ROOT } from '@crosscare/local-stack';
import { loadSdeProjects, projectRowSchema, projectRowSubject } from '@crosscare/sde';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  authUserEntry,
  call,
  startIsolatedRegistry,
  type IsolatedRegistry,
} from '../../apps/schema-registry/src/testing/registry-under-test';

const PROJECTS = loadSdeProjects();
const PROJECT_SUBJECTS = PROJECTS.map((p) => projectRowSubject(p));

/** `npm run schemas:register | schemas:check` as CI and a deploy run them, against a real registry. */
describe('schemas CLI', () => {
  let registry: IsolatedRegistry;
  const changed = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-schemas-'));
  const localAdminPassword = randomBytes(18).toString('base64url');

  // Async on purpose: the registry under test answers from this same process.
  function schemas(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number | null; out: string }> {
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        [require.resolve('tsx/cli'), 'libs/sde/src/cli/schemas-cli.ts', ...args],
        {
          cwd: REPO_ROOT,
          env,
        },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => resolve({ code, out }));
    });
  }
  const cli = (...args: string[]) => schemas({ ...process.env, SCHEMA_REGISTRY_URL: registry.url }, ...args);

  beforeAll(async () => {
    // Also the local stack's admin user, whose password a test below leaves where stack:up would.
    registry = await startIsolatedRegistry('schemas_cli', {
      SCHEMA_REGISTRY_AUTH_USERS: authUserEntry('crosscare-admin', 'writer', localAdminPassword),
    });
    // A changed contract: one breaking change (a field without a default), one compatible (an optional field).
    fs.cpSync(path.join(REPO_ROOT, 'schemas'), changed, { recursive: true });
    const edit = (file: string, field: object) => {
      const full = path.join(changed, 'events', file);
      const schema = JSON.parse(fs.readFileSync(full, 'utf8')) as { fields: object[] };
      schema.fields.push(field);
      fs.writeFileSync(full, JSON.stringify(schema, null, 2));
    };
    edit('AllergyRecorded.avsc', {
      name: 'reviewedBy',
      type: 'string',
      doc: 'Who last reviewed the allergy.',
    });
    edit('ReferralMade.avsc', {
      name: 'urgencyNote',
      type: ['null', 'string'],
      default: null,
      doc: 'Why the referrer chose this priority.',
    });
  });

  afterAll(async () => {
    fs.rmSync(changed, { recursive: true, force: true });
    await registry?.close();
  });

  it('registers every event, the changelog, audit and SDE records, then each approved project’s rows, once', async () => {
    // A registry of its own: "new subject" and the exact list of subjects hold only before any other test registers.
    const registryOfItsOwn = await startIsolatedRegistry('schemas_cli_contract', {});
    const own = (...args: string[]) =>
      schemas({ ...process.env, SCHEMA_REGISTRY_URL: registryOfItsOwn.url }, ...args);
    try {
      const check = await own('check');
      expect(check.code).toBe(0);
      expect(check.out).toContain('uk.nhs.crosscare.events.AllergyRecorded');
      expect(check.out).toMatch(/uk\.nhs\.crosscare\.changelog\.PatientRecordHead\s+new subject/);
      expect(check.out).toMatch(/uk\.nhs\.crosscare\.changelog\.PatientRecordItem\s+new subject/);
      expect(check.out).toMatch(/uk\.nhs\.crosscare\.audit\.RecordAccessed\s+new subject/);
      expect(check.out).toMatch(/uk\.nhs\.crosscare\.sde\.diabetes_outcomes\.v1\.ProjectRow\s+new subject/);
      expect(check.out).toContain(
        'schemas: then 2 SDE project row schemas (diabetes-outcomes v1, urgent-care-flow v1) from ' +
          'libs/governance/data/sde-projects.json',
      );

      const contract = [
        ...EVENT_TYPES.map((type) => `uk.nhs.crosscare.events.${type}`),
        'uk.nhs.crosscare.changelog.PatientRecordHead',
        'uk.nhs.crosscare.changelog.PatientRecordItem',
        'uk.nhs.crosscare.audit.AccessAlertRaised',
        'uk.nhs.crosscare.audit.RecordAccessed',
        'uk.nhs.crosscare.audit.SubscriberGrantChanged',
        'uk.nhs.crosscare.sde.OptOutChanged',
        'uk.nhs.crosscare.sde.SdeNotice',
        ...PROJECT_SUBJECTS,
      ];
      const first = await own('register');
      expect(first.code).toBe(0);
      expect(first.out).toContain(
        `schemas: ${contract.length} subjects registered (${contract.length} new or changed)`,
      );
      const subjects = (await call(registryOfItsOwn.url, 'GET', '/subjects')).body as string[];
      expect([...subjects].sort()).toEqual([...contract].sort());
      // The project's rows after the contract: the publisher finds exactly what the projects file derives.
      expect(first.out.indexOf(PROJECT_SUBJECTS[0])).toBeGreaterThan(
        first.out.indexOf('uk.nhs.crosscare.sde.SdeNotice'),
      );
      const looked = await call(registryOfItsOwn.url, 'POST', `/subjects/${PROJECT_SUBJECTS[0]}`, {
        schema: JSON.stringify(projectRowSchema(PROJECTS[0])),
      });
      expect(looked.status).toBe(200);

      const again = await own('register');
      expect(again.code).toBe(0);
      expect(again.out).toContain('(0 new or changed)');
      // The contract at HEAD is what is on disk unless this checkout has uncommitted schema edits.
      const atHead = await own('register', '--git-ref', 'HEAD');
      expect(atHead.code).toBe(0);
    } finally {
      await registryOfItsOwn.close();
    }
  });

  it('check exits 1 naming the subject and field of an incompatible change; register then writes nothing', async () => {
    // The contract as it is today, registered (again, if another test did: nothing new).
    expect((await cli('register')).code).toBe(0);
    const check = await cli('check', '--dir', changed);
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/uk\.nhs\.crosscare\.events\.AllergyRecorded\s+INCOMPATIBLE/);
    expect(check.out).toMatch(/field 'reviewedBy'.*no default/);
    expect(check.out).toMatch(/uk\.nhs\.crosscare\.events\.ReferralMade\s+compatible change/);
    // The changelog's item message carries AllergyRecorded in its union, so the breaking change breaks it too.
    expect(check.out).toMatch(/uk\.nhs\.crosscare\.changelog\.PatientRecordItem\s+INCOMPATIBLE/);
    expect(check.out).toMatch(/uk\.nhs\.crosscare\.changelog\.PatientRecordHead\s+unchanged/);
    expect(check.out).toMatch(/uk\.nhs\.crosscare\.audit\.RecordAccessed\s+unchanged/);
    expect(check.out).toContain(
      'schemas: 2 incompatible: uk.nhs.crosscare.events.AllergyRecorded, uk.nhs.crosscare.changelog.PatientRecordItem',
    );

    const register = await cli('register', '--dir', changed);
    expect(register.code).toBe(1);
    expect(register.out).toContain('schemas: nothing registered');
    // All or nothing: the compatible ReferralMade change was not registered either.
    expect(
      (await call(registry.url, 'GET', '/subjects/uk.nhs.crosscare.events.ReferralMade/versions')).body,
    ).toEqual([1]);
  });

  it('refuses a project whose rows changed incompatibly, naming it and saying to raise output.version', async () => {
    // What a consumer of diabetes-outcomes v1 holds, were it registered without `occurred`: the rows derived now
    // require that field, which old rows lack, so the registry (BACKWARD) refuses them under the same subject.
    const registryOfItsOwn = await startIsolatedRegistry('schemas_cli_rows', {});
    try {
      const [project] = PROJECTS;
      const current = projectRowSchema(project) as { fields: { name: string }[] };
      const older = { ...current, fields: current.fields.filter((f) => f.name !== 'occurred') };
      const registered = await call(
        registryOfItsOwn.url,
        'POST',
        `/subjects/${projectRowSubject(project)}/versions`,
        {
          schema: JSON.stringify(older),
        },
      );
      expect(registered.status).toBe(200);

      const env = { ...process.env, SCHEMA_REGISTRY_URL: registryOfItsOwn.url };
      const check = await schemas(env, 'check');
      expect(check.code).toBe(1);
      expect(check.out).toMatch(/uk\.nhs\.crosscare\.sde\.diabetes_outcomes\.v1\.ProjectRow\s+INCOMPATIBLE/);
      expect(check.out).toMatch(/occurred/);
      expect(check.out).toContain("raise the project's output.version");
      const register = await schemas(env, 'register');
      expect(register.code).toBe(1);
      expect(register.out).toContain('schemas: nothing registered');
      const subjects = (await call(registryOfItsOwn.url, 'GET', '/subjects')).body as string[];
      expect(subjects).toEqual([projectRowSubject(project)]);
    } finally {
      await registryOfItsOwn.close();
    }
  });

  it('stops on a projects file it cannot read, naming the file and the fault, and registers nothing', async () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-projects-')), 'sde-projects.json');
    const file = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'libs/governance/data/sde-projects.json'), 'utf8'),
    ) as { projects: { events: Record<string, string[]> }[] };
    file.projects[0].events.PatientRegistered.push('nhsNumber');
    fs.writeFileSync(bad, JSON.stringify(file));
    const before = (await call(registry.url, 'GET', '/subjects')).body as string[];
    const result = await schemas(
      { ...process.env, SCHEMA_REGISTRY_URL: registry.url, SDE_PROJECTS_FILE: bad },
      'register',
    );
    expect(result.code).toBe(1);
    expect(result.out).toContain('the approved SDE projects');
    expect(result.out).toContain('PatientRegistered.nhsNumber is never released');
    expect((await call(registry.url, 'GET', '/subjects')).body).toEqual(before);
  });

  it('with --git-ref, registers a commit from before SDE projects existed without them, saying so', async () => {
    const added = spawnSync(
      'git',
      ['log', '--diff-filter=A', '--format=%H', '--', 'libs/governance/data/sde-projects.json'],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    const firstWithProjects = added.stdout.trim().split('\n').pop();
    expect(firstWithProjects).toMatch(/^[0-9a-f]{40}$/);
    const registryOfItsOwn = await startIsolatedRegistry('schemas_cli_ref', {});
    try {
      const env = { ...process.env, SCHEMA_REGISTRY_URL: registryOfItsOwn.url };
      const before = await schemas(env, 'register', '--git-ref', `${firstWithProjects}~1`);
      expect(before.code).toBe(0);
      expect(before.out).toContain(`no SDE project row schemas: ${firstWithProjects}~1 has no`);
      const subjects = (await call(registryOfItsOwn.url, 'GET', '/subjects')).body as string[];
      expect(subjects.filter((s) => s.endsWith('.ProjectRow'))).toEqual([]);

      const withProjects = await schemas(env, 'register', '--git-ref', 'HEAD');
      expect(withProjects.code).toBe(0);
      expect(withProjects.out).toContain('from libs/governance/data/sde-projects.json at HEAD');
    } finally {
      await registryOfItsOwn.close();
    }
  });

  it('without credentials it is refused with 401, SCHEMA_REGISTRY_URL named; with a local admin secret it uses it', async () => {
    // A home of its own: the developer's local stack secrets must not answer for the test.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-home-'));
    try {
      const anonymous = { ...process.env, SCHEMA_REGISTRY_URL: registry.baseUrl, CROSSCARE_HOME: home };
      const refused = await schemas(anonymous, 'check');
      expect(refused.code).toBe(1);
      expect(refused.out).toContain('answered 401');
      expect(refused.out).toContain('SCHEMA_REGISTRY_URL carries no credentials');

      // The local stack's admin secret, where stack:up leaves it.
      const secrets = path.join(home, 'secrets');
      fs.mkdirSync(secrets, { mode: 0o700 });
      fs.writeFileSync(path.join(secrets, 'registry-crosscare-admin'), `${localAdminPassword}\n`, {
        mode: 0o600,
      });
      const local = await schemas(anonymous, 'check');
      expect(local.code).toBe(0);
      expect(local.out).not.toContain(localAdminPassword);

      fs.writeFileSync(path.join(secrets, 'registry-crosscare-admin'), 'not-the-password\n');
      const wrong = await schemas(anonymous, 'check');
      expect(wrong.code).toBe(1);
      expect(wrong.out).toContain('the credentials in SCHEMA_REGISTRY_URL were refused');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('a bad SCHEMA_REGISTRY_URL stops it with exit 78 and the variable named', async () => {
    const result = await schemas({ ...process.env, SCHEMA_REGISTRY_URL: 'ftp://registry' }, 'check');
    expect(result.code).toBe(78);
    expect(result.out).toContain('SCHEMA_REGISTRY_URL');
  });
});
