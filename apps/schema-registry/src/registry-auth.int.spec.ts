import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { SchemaRegistryClient, SchemaRegistryError } from '@crosscare/events';
import {
  addRegistryReader,
  ensureRegistryUsersFile,
  removeRegistryReader,
  stackPaths,
  type StackPaths,
} from '@crosscare/local-stack';
import { uniqueName } from '@crosscare/testing';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  authUserEntry,
  basicAuth,
  call,
  startIsolatedRegistry,
  type IsolatedRegistry,
} from './testing/registry-under-test';

/**
 * Least privilege over HTTP basic auth: services read, only the deploy identity writes, health probes need
 * nothing, and readers granted at run time (the users file, as the local stack's subscriber grants write it) come
 * and go without a restart. Real Postgres, the registry in process, and the clients Crosscare and the Confluent
 * ecosystem use.
 */
describe('schema registry authentication (reader and writer roles, real Postgres)', () => {
  // Random passwords, one with the characters a URL must escape, so user info in SCHEMA_REGISTRY_URL is tested too.
  const reader = { name: 'orders-consumer', password: randomBytes(18).toString('base64url') };
  const writer = { name: 'ci-deploy', password: `p@ss:w/rd é ${randomBytes(9).toString('hex')}` };
  const subscriber = { name: 'subscriber.orders', password: randomBytes(18).toString('base64url') };
  const MAX_BODY_BYTES = 8192;

  let registry: IsolatedRegistry;
  let home: string;
  let paths: StackPaths;
  let url: string;
  let writes: jest.SpyInstance[] = [];

  const namespace = `test.${uniqueName('auth').replace(/[^a-z0-9]/g, '')}`;
  const schemaOf = (name: string, extra: object[] = []) =>
    JSON.stringify({
      type: 'record',
      name,
      namespace,
      fields: [{ name: 'nhsNumber', type: 'string' }, ...extra],
    });
  const allergy = schemaOf('AllergyRecorded');
  const asReader = basicAuth(reader.name, reader.password);
  const asWriter = basicAuth(writer.name, writer.password);
  const allergySubject = `${namespace}.AllergyRecorded`;
  /** The allergy schema as version 1, registered by the writer: tests that read it register it (again: same id). */
  const registerAllergy = async () => {
    const registered = await call(
      url,
      'POST',
      `/subjects/${allergySubject}/versions`,
      { schema: allergy },
      asWriter,
    );
    expect(registered.status).toBe(200);
  };

  beforeAll(async () => {
    // Everything the registry logs, to show no password or Authorization header is ever among it.
    writes = [jest.spyOn(process.stdout, 'write'), jest.spyOn(process.stderr, 'write')];
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-auth-'));
    paths = stackPaths(home);
    registry = await startIsolatedRegistry('registry_auth', {
      SCHEMA_REGISTRY_AUTH_USERS: [
        authUserEntry(reader.name, 'reader', reader.password),
        authUserEntry(writer.name, 'writer', writer.password),
      ].join(','),
      SCHEMA_REGISTRY_AUTH_USERS_FILE: ensureRegistryUsersFile(paths),
      SCHEMA_REGISTRY_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      LOG_LEVEL: 'warn',
    });
    url = registry.baseUrl; // anonymous unless a test says who it is
  });

  afterAll(async () => {
    await registry?.close();
    writes.forEach((spy) => spy.mockRestore());
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('answers health probes without credentials', async () => {
    expect(await call(url, 'GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await call(url, 'GET', '/')).toMatchObject({ status: 200, body: {} });
  });

  it('refuses a caller without credentials with 401, a Basic challenge and Confluent’s error body', async () => {
    for (const [method, route, body] of [
      ['GET', '/subjects'],
      ['GET', '/schemas/ids/1'],
      ['GET', '/config'],
      ['GET', '/no/such/route'], // no hint which routes exist
      ['POST', `/subjects/${namespace}.AllergyRecorded/versions`, { schema: allergy }],
      ['POST', `/subjects/${namespace}.AllergyRecorded`, { schema: allergy }],
      ['PUT', '/config', { compatibility: 'NONE' }],
      ['PUT', '/mode', { mode: 'READONLY' }],
      ['DELETE', '/subjects/anything'],
    ] as const) {
      const res = await call(url, method, route, body);
      expect({ method, route, status: res.status, body: res.body }).toEqual({
        method,
        route,
        status: 401,
        body: { error_code: 40101, message: 'Unauthorized' },
      });
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="crosscare-schema-registry"');
      expect(res.type).toContain('application/vnd.schemaregistry.v1+json');
    }
  });

  it('refuses wrong passwords, unknown users and other schemes alike, with 401', async () => {
    for (const headers of [
      basicAuth(reader.name, `${reader.password}x`),
      basicAuth(writer.name, reader.password),
      basicAuth('nobody', reader.password),
      { authorization: `Bearer ${reader.password}` },
    ]) {
      const res = await call(url, 'GET', '/subjects', undefined, headers);
      expect([res.status, res.body.error_code]).toEqual([401, 40101]);
    }
  });

  it('authenticates before reading the body: no credentials → 401, not 413 or 415', async () => {
    const big = JSON.stringify({ schema: 'x'.repeat(MAX_BODY_BYTES * 2) });
    expect((await call(url, 'POST', `/subjects/${namespace}.Big/versions`, big)).status).toBe(401);
    const plain = await call(url, 'POST', `/subjects/${namespace}.Big/versions`, '{}', {
      'content-type': 'text/plain',
    });
    expect(plain.status).toBe(401);
    expect((await call(url, 'POST', `/subjects/${namespace}.Big/versions`, big, asWriter)).status).toBe(413);
  });

  it('lets the writer register, and the reader read, look up and test compatibility', async () => {
    const subject = `${namespace}.AllergyRecorded`;
    const registered = await call(
      url,
      'POST',
      `/subjects/${subject}/versions`,
      { schema: allergy },
      asWriter,
    );
    expect(registered.status).toBe(200);
    const id = registered.body.id as number;

    expect((await call(url, 'GET', `/schemas/ids/${id}`, undefined, asReader)).body).toEqual({
      schema: allergy,
    });
    expect((await call(url, 'GET', '/subjects', undefined, asReader)).body).toContain(subject);
    expect(
      (await call(url, 'GET', `/subjects/${subject}/versions/latest`, undefined, asReader)).body,
    ).toMatchObject({ id, version: 1 });
    expect((await call(url, 'GET', '/config', undefined, asReader)).status).toBe(200);
    expect((await call(url, 'GET', '/mode', undefined, asReader)).status).toBe(200);
    expect(
      (await call(url, 'POST', `/subjects/${subject}`, { schema: allergy }, asReader)).body,
    ).toMatchObject({
      id,
      version: 1,
    });
    const compatible = await call(
      url,
      'POST',
      `/compatibility/subjects/${subject}/versions/latest`,
      { schema: schemaOf('AllergyRecorded', [{ name: 'note', type: ['null', 'string'], default: null }]) },
      asReader,
    );
    expect(compatible.body).toEqual({ is_compatible: true });
  });

  it('refuses the reader every write with 403 / 40301 naming the user, and changes nothing', async () => {
    await registerAllergy();
    const subject = allergySubject;
    const subjectsBefore = (await call(url, 'GET', '/subjects', undefined, asWriter)).body as string[];
    const v2 = schemaOf('AllergyRecorded', [{ name: 'note', type: ['null', 'string'], default: null }]);
    const refused = await call(url, 'POST', `/subjects/${subject}/versions`, { schema: v2 }, asReader);
    expect([refused.status, refused.body]).toEqual([
      403,
      {
        error_code: 40301,
        message: `User ${reader.name} may not POST /subjects/${subject}/versions: writer role required`,
      },
    ]);
    for (const [method, path, body] of [
      ['POST', `/subjects/${namespace}.New/versions`, { schema: allergy }],
      ['PUT', '/config', { compatibility: 'NONE' }],
      ['PUT', `/config/${subject}`, { compatibility: 'NONE' }],
      ['DELETE', '/config'],
      ['DELETE', `/config/${subject}`],
      ['PUT', '/mode', { mode: 'READONLY' }],
      ['PUT', `/mode/${subject}`, { mode: 'READONLY' }],
      ['DELETE', `/mode/${subject}`],
      ['DELETE', `/subjects/${subject}/versions/1`],
      ['DELETE', `/subjects/${subject}/versions/1?permanent=true`],
      ['DELETE', `/subjects/${subject}`],
      ['DELETE', `/subjects/${subject}?permanent=true`],
    ] as const) {
      const res = await call(url, method, path, body, asReader);
      expect({ method, path, status: res.status, code: res.body.error_code }).toEqual({
        method,
        path,
        status: 403,
        code: 40301,
      });
    }

    expect((await call(url, 'GET', `/subjects/${subject}/versions`, undefined, asWriter)).body).toEqual([1]);
    expect(subjectsBefore).toContain(subject);
    expect((await call(url, 'GET', '/subjects', undefined, asWriter)).body).toEqual(subjectsBefore);
    expect((await call(url, 'GET', '/config', undefined, asWriter)).body).toEqual({
      compatibilityLevel: 'BACKWARD',
    });
    expect((await call(url, 'GET', '/mode', undefined, asWriter)).body).toEqual({ mode: 'READWRITE' });
  });

  it('lets the writer do every write: register, change compatibility and mode, delete', async () => {
    const subject = `${namespace}.AdminOnly`;
    const as = (method: string, route: string, body?: object) => call(url, method, route, body, asWriter);
    expect(
      (await as('POST', `/subjects/${subject}/versions`, { schema: schemaOf('AdminOnly') })).status,
    ).toBe(200);
    expect((await as('PUT', `/config/${subject}`, { compatibility: 'FULL' })).body).toEqual({
      compatibility: 'FULL',
    });
    expect((await as('DELETE', `/config/${subject}`)).status).toBe(200);
    expect((await as('PUT', `/mode/${subject}`, { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' });
    expect((await as('DELETE', `/mode/${subject}`)).status).toBe(200);
    expect((await as('PUT', '/config', { compatibility: 'FULL' })).body).toEqual({ compatibility: 'FULL' });
    expect((await as('DELETE', '/config')).status).toBe(200);
    expect((await as('PUT', '/mode', { mode: 'READWRITE' })).body).toEqual({ mode: 'READWRITE' });
    expect((await as('DELETE', `/subjects/${subject}/versions/1`)).body).toBe(1);
    expect((await as('DELETE', `/subjects/${subject}?permanent=true`)).body).toEqual([1]);
    expect((await as('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await as('GET', '/subjects')).body).not.toContain(subject);
  });

  it('lets a reader granted at run time (users file) read, never write, until it is revoked', async () => {
    await registerAllergy();
    const asSubscriber = basicAuth(subscriber.name, subscriber.password);
    const subject = allergySubject;
    const status = async () => (await call(url, 'GET', '/subjects', undefined, asSubscriber)).status;
    const eventually = async (expected: number) => {
      const deadline = Date.now() + 10_000;
      let last = await status();
      while (last !== expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        last = await status();
      }
      return last;
    };
    expect(await status()).toBe(401);

    addRegistryReader(paths, subscriber.name, subscriber.password);
    expect(await eventually(200)).toBe(200);
    expect(
      (await call(url, 'GET', `/subjects/${subject}/versions/latest`, undefined, asSubscriber)).status,
    ).toBe(200);
    const refused = await call(
      url,
      'POST',
      `/subjects/${subject}/versions`,
      { schema: allergy },
      asSubscriber,
    );
    expect([refused.status, refused.body.error_code]).toEqual([403, 40301]);
    const client = new SchemaRegistry({
      host: url,
      auth: { username: subscriber.name, password: subscriber.password },
    });
    expect(await client.getLatestSchemaId(subject)).toBeGreaterThan(0);
    // The file holds a hash of the password, never the password.
    expect(fs.readFileSync(ensureRegistryUsersFile(paths), 'utf8')).not.toContain(subscriber.password);

    expect(removeRegistryReader(paths, subscriber.name)).toBe(true);
    expect(await eventually(401)).toBe(401);
    // The others are untouched.
    expect((await call(url, 'GET', '/subjects', undefined, asReader)).status).toBe(200);
  });

  it('works with @kafkajs/confluent-schema-registry: the writer registers and encodes, a reader decodes', async () => {
    const writerClient = new SchemaRegistry({
      host: url,
      auth: { username: writer.name, password: writer.password },
    });
    const schema = schemaOf('ReferralMade');
    const { id } = await writerClient.register({ type: SchemaType.AVRO, schema });
    const encoded = await writerClient.encode(id, { nhsNumber: '9990000018' });

    // A fresh client has no cache: it fetches the writer schema by id.
    const readerClient = new SchemaRegistry({
      host: url,
      auth: { username: reader.name, password: reader.password },
    });
    expect(await readerClient.decode(encoded)).toEqual({ nhsNumber: '9990000018' });
    expect(await readerClient.getLatestSchemaId(`${namespace}.ReferralMade`)).toBe(id);

    const refusal = await readerClient
      .register({ type: SchemaType.AVRO, schema: schemaOf('NotAllowed') })
      .then(
        () => undefined,
        (error: unknown) => error as { status?: number },
      );
    expect(refusal?.status).toBe(403);

    const anonymous = new SchemaRegistry({ host: url });
    const unauthenticated = await anonymous.getSchema(id).then(
      () => undefined,
      (error: unknown) => error as { status?: number },
    );
    expect(unauthenticated?.status).toBe(401);
  });

  it('works with libs/events SchemaRegistryClient given credentials in the URL', async () => {
    const port = new URL(url).port;
    const withUser = (u: { name: string; password: string }) =>
      new SchemaRegistryClient({
        url: `http://${encodeURIComponent(u.name)}:${encodeURIComponent(u.password)}@127.0.0.1:${port}`,
      });
    const writerClient = withUser(writer);
    const readerClient = withUser(reader);
    const schema = schemaOf('DischargeSummaryFiled');
    const subject = `${namespace}.DischargeSummaryFiled`;

    const id = await writerClient.register(subject, schema);
    expect(await readerClient.schemaById(id)).toBe(schema);
    expect(await readerClient.lookup(subject, schema)).toEqual({ id, version: 1 });
    expect(await readerClient.latest(subject)).toMatchObject({ id, version: 1 });
    expect((await readerClient.checkCompatibility(subject, schema)).compatible).toBe(true);

    const v2 = schemaOf('DischargeSummaryFiled', [{ name: 'ward', type: ['null', 'string'], default: null }]);
    const refused = await readerClient.register(subject, v2).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SchemaRegistryError);
    expect(refused).toMatchObject({ status: 403, errorCode: 40301, retriable: false });
    expect((await readerClient.latest(subject)).version).toBe(1);
    const wrong = await withUser({ ...reader, password: 'wrong' })
      .schemaById(id)
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ status: 401, errorCode: 40101, retriable: false });
  });

  it('never logs a password, a hash or an Authorization header, yet does log refused writes', async () => {
    // Requests of this test's own, whichever others ran before it: a write, a read, a refused write, a wrong password.
    await registerAllergy();
    expect((await call(url, 'GET', `/subjects/${allergySubject}/versions`, undefined, asReader)).status).toBe(
      200,
    );
    const refused = await call(
      url,
      'POST',
      `/subjects/${namespace}.Logged/versions`,
      { schema: allergy },
      asReader,
    );
    expect(refused.status).toBe(403);
    const wrong = basicAuth(reader.name, `${reader.password}-wrong`);
    expect((await call(url, 'GET', '/subjects', undefined, wrong)).status).toBe(401);

    const output = writes.flatMap((spy) => spy.mock.calls.map((args: unknown[]) => String(args[0]))).join('');
    expect(output).toContain(`from reader ${reader.name}`);
    for (const secret of [
      reader.password,
      writer.password,
      subscriber.password,
      asReader.authorization,
      asWriter.authorization,
    ]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(secret.split(' ').pop());
    }
    expect(output).not.toContain(authUserEntry(reader.name, 'reader', reader.password).split(':')[2]);
  });
});
