import { randomBytes } from 'node:crypto';
import { call, startIsolatedRegistry, type IsolatedRegistry } from './testing/registry-under-test';

const record = (name: string, fields: object[]) =>
  JSON.stringify({ type: 'record', name, namespace: 'test.api', fields });
/** An allergy record's versions, named `name`: a test that asserts which subjects share a schema id names its own. */
const allergy = (name: string) => ({
  v1: record(name, [{ name: 'substance', type: 'string' }]),
  v2: record(name, [
    { name: 'substance', type: 'string' },
    { name: 'severity', type: ['null', 'string'], default: null },
  ]),
  v2WithoutDefault: record(name, [
    { name: 'substance', type: 'string' },
    { name: 'severity', type: 'string' },
  ]),
});
const { v1, v2, v2WithoutDefault } = allergy('Allergy');
const hex = () => randomBytes(4).toString('hex');
/** A subject of the calling test's own: the suite's registry is shared, so no test reads another's subjects. */
const subjectFor = (kind: string) => `api-${kind}-${hex()}`;

describe('schema registry REST API (Confluent-compatible, real Postgres)', () => {
  let registry: IsolatedRegistry;
  let url: string;

  beforeAll(async () => {
    registry = await startIsolatedRegistry('registry_api');
    url = registry.url;
  });

  /** A subject of the test's own holding v1 and v2 of the allergy record, as versions 1 and 2. */
  async function allergySubject(): Promise<string> {
    const subject = subjectFor('allergy');
    for (const schema of [v1, v2])
      expect((await call(url, 'POST', `/subjects/${subject}/versions`, { schema })).status).toBe(200);
    return subject;
  }

  afterAll(async () => {
    await registry?.close();
  });

  describe('registering and reading', () => {
    it('gives a new schema an id, the same id again for the same schema, and numbers versions per subject', async () => {
      // Schemas of this test's own: which subjects share an id is asserted below.
      const { v1, v2 } = allergy(`Allergy_${hex()}`);
      const allergies = subjectFor('allergy');
      const others = subjectFor('other');
      const first = await call(url, 'POST', `/subjects/${allergies}/versions`, { schema: v1 });
      expect(first.status).toBe(200);
      expect(first.type).toContain('application/vnd.schemaregistry.v1+json');
      const again = await call(url, 'POST', `/subjects/${allergies}/versions`, {
        schema: JSON.stringify(JSON.parse(v1), null, 4), // whitespace does not make a new schema
      });
      expect(again.body.id).toBe(first.body.id);

      const second = await call(url, 'POST', `/subjects/${allergies}/versions`, { schema: v2 });
      expect(second.body.id).not.toBe(first.body.id);
      expect((await call(url, 'GET', `/subjects/${allergies}/versions`)).body).toEqual([1, 2]);

      // Another subject registering an existing schema reuses its global id, at its own version 1.
      const elsewhere = await call(url, 'POST', `/subjects/${others}/versions`, { schema: v2 });
      expect(elsewhere.body.id).toBe(second.body.id);
      expect((await call(url, 'GET', `/schemas/ids/${second.body.id}/versions`)).body).toEqual([
        { subject: allergies, version: 2 },
        { subject: others, version: 1 },
      ]);
      expect((await call(url, 'GET', `/schemas/ids/${second.body.id}/subjects`)).body).toEqual([
        allergies,
        others,
      ]);
    });

    it('serves versions, latest, raw schemas, lookups and ids as Confluent does', async () => {
      const subject = await allergySubject();
      const other = `${subject}-other`;
      expect((await call(url, 'POST', `/subjects/${other}/versions`, { schema: v2 })).status).toBe(200);
      const latest = await call(url, 'GET', `/subjects/${subject}/versions/latest`);
      expect(latest.body).toEqual({
        subject,
        version: 2,
        id: expect.any(Number),
        schema: JSON.stringify(JSON.parse(v2)),
      });
      expect((await call(url, 'GET', `/subjects/${subject}/versions/-1`)).body.version).toBe(2);
      expect((await call(url, 'GET', `/subjects/${subject}/versions/1/schema`)).body).toEqual(JSON.parse(v1));
      expect((await call(url, 'GET', `/schemas/ids/${latest.body.id}`)).body).toEqual({
        schema: latest.body.schema,
      });
      expect((await call(url, 'GET', `/schemas/ids/${latest.body.id}/schema`)).body).toEqual(JSON.parse(v2));

      const lookup = await call(url, 'POST', `/subjects/${subject}`, { schema: v1 });
      expect(lookup.body).toMatchObject({ subject, version: 1 });
      expect((await call(url, 'GET', '/subjects')).body).toEqual(expect.arrayContaining([subject, other]));
      expect((await call(url, 'GET', `/subjects?subjectPrefix=${subject}-o`)).body).toEqual([other]);
      expect((await call(url, 'GET', '/schemas/types')).body).toEqual(['AVRO']);
    });

    it('accepts and answers the three content types, and refuses others with 415', async () => {
      const subject = await allergySubject();
      for (const type of [
        'application/vnd.schemaregistry.v1+json',
        'application/vnd.schemaregistry+json',
        'application/json',
      ]) {
        const res = await call(url, 'POST', `/subjects/${subject}`, JSON.stringify({ schema: v1 }), {
          'content-type': type,
          accept: type,
        });
        expect({ type, status: res.status, contentType: res.type.split(';')[0] }).toEqual({
          type,
          status: 200,
          contentType: type,
        });
      }
      const wrong = await call(url, 'POST', `/subjects/${subject}`, JSON.stringify({ schema: v1 }), {
        'content-type': 'text/plain',
      });
      expect(wrong.status).toBe(415);
      expect(wrong.body.error_code).toBe(415);
    });
  });

  describe('bad input gets Confluent error codes and changes nothing', () => {
    it('invalid Avro → 422 / 42201 with the parser reason', async () => {
      const bad = `/subjects/${subjectFor('bad')}/versions`;
      const res = await call(url, 'POST', bad, {
        schema: JSON.stringify({
          type: 'record',
          name: 'Bad',
          fields: [{ name: 'x', type: 'no-such-type' }],
        }),
      });
      expect(res.status).toBe(422);
      expect(res.body.error_code).toBe(42201);
      expect(res.body.message).toMatch(/no-such-type/);
      const notJson = await call(url, 'POST', bad, {
        schema: '{"type": "record", ',
      });
      expect([notJson.status, notJson.body.error_code]).toEqual([422, 42201]);
      expect((await call(url, 'GET', bad)).body.error_code).toBe(40401);
    });

    it('unknown subject → 40401, unknown version → 40402, unknown id → 40403, bad version → 42202', async () => {
      const subject = await allergySubject();
      const nobody = await call(url, 'GET', `/subjects/${subjectFor('nobody')}/versions/latest`);
      expect([nobody.status, nobody.body.error_code]).toEqual([404, 40401]);
      const version = await call(url, 'GET', `/subjects/${subject}/versions/99`);
      expect([version.status, version.body.error_code]).toEqual([404, 40402]);
      const id = await call(url, 'GET', '/schemas/ids/999999');
      expect([id.status, id.body.error_code]).toEqual([404, 40403]);
      const lookup = await call(url, 'POST', `/subjects/${subject}`, { schema: record('Unseen', []) });
      expect([lookup.status, lookup.body.error_code]).toEqual([404, 40403]);
      const bad = await call(url, 'GET', `/subjects/${subject}/versions/first`);
      expect([bad.status, bad.body.error_code]).toEqual([422, 42202]);
    });

    it('an incompatible schema → 409 / 40901 naming the field, and no version is added', async () => {
      const subject = await allergySubject();
      const res = await call(url, 'POST', `/subjects/${subject}/versions`, { schema: v2WithoutDefault });
      expect(res.status).toBe(409);
      expect(res.body.error_code).toBe(40901);
      expect(res.body.message).toMatch(/severity/);
      expect((await call(url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    });

    it('a bad compatibility level → 42203, a bad mode → 42204, malformed JSON → 400', async () => {
      const subject = await allergySubject();
      const level = await call(url, 'PUT', `/config/${subject}`, { compatibility: 'SIDEWAYS' });
      expect([level.status, level.body.error_code]).toEqual([422, 42203]);
      const mode = await call(url, 'PUT', '/mode', { mode: 'WRITEONLY' });
      expect([mode.status, mode.body.error_code]).toEqual([422, 42204]);
      const malformed = await call(url, 'POST', `/subjects/${subject}/versions`, '{"schema": ');
      expect([malformed.status, malformed.body.error_code]).toEqual([400, 400]);
      expect((await call(url, 'GET', `/config/${subject}?defaultToGlobal=true`)).body).toEqual({
        compatibilityLevel: 'BACKWARD',
      });
    });
  });

  describe('compatibility', () => {
    it('tests a schema against latest, a version, or all, verbosely naming the field', async () => {
      const subject = await allergySubject();
      const unregistered = subjectFor('new');
      const latest = await call(
        url,
        'POST',
        `/compatibility/subjects/${subject}/versions/latest?verbose=true`,
        {
          schema: v2WithoutDefault,
        },
      );
      expect(latest.body.is_compatible).toBe(false);
      expect((latest.body.messages as string[]).join(' ')).toMatch(/severity/);
      const terse = await call(url, 'POST', `/compatibility/subjects/${subject}/versions/1`, { schema: v2 });
      expect(terse.body).toEqual({ is_compatible: true });
      const newSubject = await call(url, 'POST', `/compatibility/subjects/${unregistered}/versions`, {
        schema: v1,
      });
      expect(newSubject.body).toEqual({ is_compatible: true });
    });

    it('per-subject config overrides global, with defaultToGlobal and 40408 when unset', async () => {
      const subject = subjectFor('other');
      const unset = await call(url, 'GET', `/config/${subject}`);
      expect([unset.status, unset.body.error_code]).toEqual([404, 40408]);
      expect((await call(url, 'PUT', `/config/${subject}`, { compatibility: 'none' })).body).toEqual({
        compatibility: 'NONE',
      });
      expect((await call(url, 'GET', `/config/${subject}`)).body).toEqual({ compatibilityLevel: 'NONE' });
      // NONE lets anything in.
      expect(
        (await call(url, 'POST', `/subjects/${subject}/versions`, { schema: record('Unrelated', []) }))
          .status,
      ).toBe(200);
      expect((await call(url, 'DELETE', `/config/${subject}`)).body).toEqual({ compatibilityLevel: 'NONE' });
      expect((await call(url, 'GET', `/config/${subject}?defaultToGlobal=true`)).body).toEqual({
        compatibilityLevel: 'BACKWARD',
      });

      expect((await call(url, 'PUT', '/config', { compatibility: 'FULL' })).body).toEqual({
        compatibility: 'FULL',
      });
      expect((await call(url, 'GET', '/config')).body).toEqual({ compatibilityLevel: 'FULL' });
      expect((await call(url, 'DELETE', '/config')).body).toEqual({ compatibilityLevel: 'FULL' });
      expect((await call(url, 'GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    });
  });

  describe('deleting', () => {
    it('soft-deletes versions and subjects, then deletes permanently only what was soft-deleted first', async () => {
      const name = subjectFor('delete');
      const subject = `/subjects/${name}`;
      await call(url, 'POST', `${subject}/versions`, { schema: v1 });
      await call(url, 'POST', `${subject}/versions`, { schema: v2 });

      const notSoft = await call(url, 'DELETE', `${subject}/versions/1?permanent=true`);
      expect(notSoft.body.error_code).toBe(40407);
      expect((await call(url, 'DELETE', `${subject}/versions/1`)).body).toBe(1);
      expect((await call(url, 'DELETE', `${subject}/versions/1`)).body.error_code).toBe(40406);
      expect((await call(url, 'GET', `${subject}/versions`)).body).toEqual([2]);
      expect((await call(url, 'GET', `${subject}/versions?deleted=true`)).body).toEqual([1, 2]);
      expect((await call(url, 'DELETE', `${subject}/versions/1?permanent=true`)).body).toBe(1);

      expect((await call(url, 'DELETE', `${subject}?permanent=true`)).body.error_code).toBe(40405);
      expect((await call(url, 'DELETE', subject)).body).toEqual([2]);
      expect((await call(url, 'DELETE', subject)).body.error_code).toBe(40404);
      expect((await call(url, 'GET', '/subjects')).body).not.toContain(name);
      expect((await call(url, 'GET', '/subjects?deleted=true')).body).toContain(name);
      expect((await call(url, 'DELETE', `${subject}?permanent=true`)).body).toEqual([2]);
      expect((await call(url, 'GET', '/subjects?deleted=true')).body).not.toContain(name);
      expect((await call(url, 'DELETE', subject)).body.error_code).toBe(40401);
    });
  });

  describe('mode', () => {
    it('READONLY refuses registration with 42205 until READWRITE again', async () => {
      const frozen = subjectFor('frozen');
      const unset = subjectFor('unset');
      expect((await call(url, 'GET', '/mode')).body).toEqual({ mode: 'READWRITE' });
      expect((await call(url, 'PUT', `/mode/${frozen}`, { mode: 'READONLY' })).body).toEqual({
        mode: 'READONLY',
      });
      const refused = await call(url, 'POST', `/subjects/${frozen}/versions`, { schema: v1 });
      expect([refused.status, refused.body.error_code]).toEqual([422, 42205]);
      expect((await call(url, 'GET', `/mode/${unset}`)).body.error_code).toBe(40409);
      expect((await call(url, 'GET', `/mode/${unset}?defaultToGlobal=true`)).body).toEqual({
        mode: 'READWRITE',
      });
      await call(url, 'DELETE', `/mode/${frozen}`);
      expect((await call(url, 'POST', `/subjects/${frozen}/versions`, { schema: v1 })).status).toBe(200);
    });
  });

  it('answers health and unknown routes in the registry error shape', async () => {
    expect((await call(url, 'GET', '/health')).body).toEqual({ status: 'ok', database: 'up' });
    const missing = await call(url, 'GET', '/no/such/route');
    expect([missing.status, missing.body.error_code]).toEqual([404, 404]);
  });
});
