import { rejectionOf } from '@crosscare/testing';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SchemaRegistryClient } from './schema-registry-client';
import { SchemaRegistryError } from './schema-registry-error';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

type Answer = { status: number; body?: unknown; raw?: string } | 'hang' | 'drop';

/** A registry on 127.0.0.1:0 that records each request and answers with whatever the test queued. */
class FakeRegistry {
  readonly seen: Seen[] = [];
  private answers: Answer[] = [];
  private server!: Server;

  async start(): Promise<string> {
    this.answers = [];
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(...answers: Answer[]): void {
    this.answers.push(...answers);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    this.seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    });
    const answer = this.answers.shift() ?? {
      status: 500,
      body: { error_code: 50001, message: 'no answer queued' },
    };
    if (answer === 'hang') return;
    if (answer === 'drop') {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, { 'Content-Type': CONTENT_TYPE });
    res.end(answer.raw ?? JSON.stringify(answer.body));
  }
}

const SCHEMA = { type: 'record', name: 'PatientUpdated', namespace: 'uk.nhs.crosscare', fields: [] };

const failure = (promise: Promise<unknown>): Promise<SchemaRegistryError> =>
  rejectionOf(SchemaRegistryError, promise);

describe('SchemaRegistryClient', () => {
  const registry = new FakeRegistry();
  let baseUrl: string;
  let client: SchemaRegistryClient;

  beforeEach(async () => {
    baseUrl = await registry.start();
    registry.seen.length = 0;
    client = new SchemaRegistryClient({ url: baseUrl, timeoutMs: 1000 });
  });

  afterEach(() => registry.stop());

  describe('requests', () => {
    it('given a schema object, registers it as a JSON string under the encoded subject', async () => {
      registry.answer({ status: 200, body: { id: 7 } });

      const id = await client.register('uk.nhs/crosscare PatientUpdated', SCHEMA);

      expect(id).toBe(7);
      const [request] = registry.seen;
      expect(request?.method).toBe('POST');
      expect(request?.url).toBe('/subjects/uk.nhs%2Fcrosscare%20PatientUpdated/versions');
      expect(request?.headers['content-type']).toBe(CONTENT_TYPE);
      expect(request?.headers.accept).toBe(CONTENT_TYPE);
      expect(request?.headers.authorization).toBeUndefined();
      expect(request?.body).toEqual({ schema: JSON.stringify(SCHEMA) });
    });

    it('given a schema string, looks it up and sends the string unchanged', async () => {
      registry.answer({ status: 200, body: { subject: 's', id: 3, version: 2, schema: '"string"' } });

      const found = await client.lookup('s', '"string"');

      expect(found).toEqual({ id: 3, version: 2 });
      expect(registry.seen[0]).toMatchObject({
        method: 'POST',
        url: '/subjects/s',
        body: { schema: '"string"' },
      });
    });

    it('given a connection the registry drops unanswered, asks once more on a fresh one', async () => {
      registry.answer('drop', { status: 200, body: { schema: '"int"' } });

      expect(await client.schemaById(42)).toBe('"int"');
      expect(registry.seen).toHaveLength(2);
    });

    it('given a registry that drops the connection twice, fails as unreachable and retriable', async () => {
      registry.answer('drop', 'drop');

      const error = await failure(client.schemaById(42));

      expect(error.retriable).toBe(true);
      expect(error.message).toMatch(/could not reach the registry/);
      expect(registry.seen).toHaveLength(2);
    });

    it('fetches a schema by id with GET and no body', async () => {
      registry.answer({ status: 200, body: { schema: '"int"' } });

      expect(await client.schemaById(42)).toBe('"int"');
      expect(registry.seen[0]?.method).toBe('GET');
      expect(registry.seen[0]?.url).toBe('/schemas/ids/42');
      expect(registry.seen[0]?.headers['content-type']).toBeUndefined();
    });

    it('fetches the latest version of a subject', async () => {
      registry.answer({ status: 200, body: { subject: 's', id: 9, version: 4, schema: '"long"' } });

      expect(await client.latest('s')).toEqual({ id: 9, version: 4, schema: '"long"' });
      expect(registry.seen[0]?.url).toBe('/subjects/s/versions/latest');
    });

    it('checks compatibility verbosely against latest by default, and against a given version', async () => {
      registry.answer(
        { status: 200, body: { is_compatible: false, messages: ['field x has no default'] } },
        { status: 200, body: { is_compatible: true } },
      );

      const latest = await client.checkCompatibility('s', SCHEMA);
      const v3 = await client.checkCompatibility('s', SCHEMA, 3);

      expect(latest).toEqual({ compatible: false, messages: ['field x has no default'] });
      expect(v3).toEqual({ compatible: true, messages: [] });
      expect(registry.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST /compatibility/subjects/s/versions/latest?verbose=true',
        'POST /compatibility/subjects/s/versions/3?verbose=true',
      ]);
    });

    it('lists subjects', async () => {
      registry.answer({ status: 200, body: ['a', 'b'] });

      expect(await client.subjects()).toEqual(['a', 'b']);
      expect(registry.seen[0]).toMatchObject({ method: 'GET', url: '/subjects' });
    });

    it('given a base URL with a path prefix and trailing slash, keeps the prefix', async () => {
      registry.answer({ status: 200, body: [] });
      const prefixed = new SchemaRegistryClient({ url: `${baseUrl}/registry/` });

      await prefixed.subjects();

      expect(registry.seen[0]?.url).toBe('/registry/subjects');
    });
  });

  describe('credentials', () => {
    it('given user info in the URL, sends Basic auth and keeps it out of the URL', async () => {
      registry.answer({ status: 200, body: [] });
      const secured = new SchemaRegistryClient({ url: baseUrl.replace('//', '//svc%40ics:p%3Ass@') });

      await secured.subjects();

      expect(registry.seen[0]?.headers.authorization).toBe(
        `Basic ${Buffer.from('svc@ics:p:ss').toString('base64')}`,
      );
      expect(secured.url).toBe(baseUrl);
    });

    it('given a failure, never names the credentials in the error', async () => {
      registry.answer({ status: 401, body: { error_code: 401, message: 'Unauthorized' } });
      const secured = new SchemaRegistryClient({ url: baseUrl.replace('//', '//svc:hunter2@') });

      const error = await failure(secured.subjects());

      expect(error.message).not.toContain('hunter2');
      expect(error.message).not.toContain('svc');
      expect(error.message).toContain('the credentials in SCHEMA_REGISTRY_URL were refused');
      expect(error.retriable).toBe(false);
    });

    it('given a 401 without credentials, says SCHEMA_REGISTRY_URL needs them', async () => {
      registry.answer({ status: 401, body: { error_code: 40101, message: 'Unauthorized' } });

      const error = await failure(client.subjects());

      expect(error).toMatchObject({ status: 401, errorCode: 40101, retriable: false });
      expect(error.message).toContain(
        'answered 401 (error 40101): Unauthorized (SCHEMA_REGISTRY_URL carries no',
      );
      expect(error.message).toContain('http(s)://user:password@host');
    });
  });

  describe('errors', () => {
    it('given a Confluent error body, keeps status and error_code and quotes method, path and message', async () => {
      registry.answer({ status: 404, body: { error_code: 40401, message: "Subject 'x.Y' not found." } });

      const error = await failure(client.lookup('x.Y', SCHEMA));

      expect(error).toMatchObject({ status: 404, errorCode: 40401, retriable: false });
      expect(error.message).toBe(
        "Schema registry POST /subjects/x.Y answered 404 (error 40401): Subject 'x.Y' not found.",
      );
    });

    it.each([
      [409, 409],
      [409, 40901],
    ])(
      'given an incompatible schema (%i, error %i), is not retriable and says incompatible',
      async (status, code) => {
        registry.answer({ status, body: { error_code: code, message: 'incompatible' } });

        const error = await failure(client.register('s', SCHEMA));

        expect(error.retriable).toBe(false);
        expect(error.isIncompatible).toBe(true);
      },
    );

    it.each([
      [422, false],
      [400, false],
      [403, false],
      [429, true],
      [500, true],
      [503, true],
    ])('given status %i, retriable is %s', async (status, retriable) => {
      registry.answer({ status, body: { error_code: status * 100 + 1, message: 'nope' } });

      const error = await failure(client.schemaById(1));

      expect(error.status).toBe(status);
      expect(error.retriable).toBe(retriable);
    });

    it('given an error that is not JSON (a proxy page), quotes the start of it', async () => {
      registry.answer({ status: 502, raw: '<html>Bad Gateway</html>' });

      const error = await failure(client.subjects());

      expect(error).toMatchObject({ status: 502, errorCode: undefined, retriable: true });
      expect(error.message).toContain('answered 502: <html>Bad Gateway</html>');
    });

    it('given a success with a body of the wrong shape, fails without retry', async () => {
      registry.answer({ status: 200, body: { identifier: 'seven' } });

      const error = await failure(client.register('s', SCHEMA));

      expect(error).toMatchObject({ status: 200, retriable: false });
      expect(error.message).toContain('POST /subjects/s/versions answered 200 with an unexpected body');
    });

    it('given a registry that does not answer in time, fails as retriable naming the timeout', async () => {
      registry.answer('hang');
      const impatient = new SchemaRegistryClient({ url: baseUrl, timeoutMs: 50 });

      const error = await failure(impatient.schemaById(5));

      expect(error).toMatchObject({ status: undefined, retriable: true });
      expect(error.message).toBe('Schema registry GET /schemas/ids/5: no answer within 50 ms');
    });

    it('given nothing listening, fails as retriable with the network error as cause', async () => {
      await registry.stop();
      const unreachable = new SchemaRegistryClient({ url: baseUrl });

      const error = await failure(unreachable.subjects()).finally(() => registry.start());

      expect(error.retriable).toBe(true);
      expect(error.message).toBe(
        'Schema registry GET /subjects: could not reach the registry (ECONNREFUSED)',
      );
      expect(error.cause).toHaveProperty('message', 'fetch failed');
    });
  });

  it('given a URL that is not http or https, refuses it at construction', () => {
    expect(() => new SchemaRegistryClient({ url: 'ftp://registry' })).toThrow('must be http or https');
  });
});
