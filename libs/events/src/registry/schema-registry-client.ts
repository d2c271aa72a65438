import { z } from 'zod';
import { isRetriableStatus, SchemaRegistryError } from './schema-registry-error';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const DEFAULT_TIMEOUT_MS = 5000;
/** Enough of a non-JSON error body (a proxy's HTML page) to recognise it, without flooding logs. */
const MAX_BODY_IN_MESSAGE = 200;

export interface SchemaRegistryClientOptions {
  /** Base URL; user info (https://user:password@host) becomes Basic auth and never reaches the request URL. */
  readonly url: string;
  /** Per request, including reading the body. */
  readonly timeoutMs?: number;
}

/** An Avro schema as the registry stores it (a JSON string), or the parsed JSON of one. */
export type SchemaInput = string | object;

export interface RegisteredSchema {
  readonly id: number;
  readonly version: number;
}

export interface SubjectVersion extends RegisteredSchema {
  readonly schema: string;
}

export interface CompatibilityResult {
  readonly compatible: boolean;
  /** Why not, with ?verbose=true; empty when compatible. */
  readonly messages: readonly string[];
}

const idBody = z.object({ id: z.number().int() });
const versionBody = z.object({ id: z.number().int(), version: z.number().int() });
const subjectVersionBody = versionBody.extend({ schema: z.string() });
const schemaBody = z.object({ schema: z.string() });
const compatibilityBody = z.object({ is_compatible: z.boolean(), messages: z.array(z.string()).optional() });
const subjectsBody = z.array(z.string());
const errorBody = z.object({ error_code: z.number().int().optional(), message: z.string().optional() });

type Method = 'GET' | 'POST';

/**
 * A client for the Confluent Schema Registry REST API (and Crosscare's compatible registry): just the calls
 * producers, consumers and the schemas CLI make. Every failure is a SchemaRegistryError whose `retriable` flag
 * tells a consumer whether to back off and retry or to give up on the message.
 */
export class SchemaRegistryClient {
  /** The registry's base URL without credentials: safe to log. */
  readonly url: string;
  private readonly authorization?: string;
  private readonly timeoutMs: number;

  constructor(options: SchemaRegistryClientOptions) {
    const base = new URL(options.url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new TypeError(`Schema registry URL must be http or https, not ${base.protocol}`);
    }
    if (base.username || base.password) {
      const user = decodeURIComponent(base.username);
      const password = decodeURIComponent(base.password);
      this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      base.username = '';
      base.password = '';
    }
    base.search = '';
    base.hash = '';
    // A registry behind a path prefix (https://gateway/registry) keeps it: paths are appended, not resolved.
    this.url = base.toString().replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Registers the schema under the subject (or finds it already there) and returns its global id. */
  async register(subject: string, schema: SchemaInput): Promise<number> {
    const path = `/subjects/${enc(subject)}/versions`;
    return (await this.request('POST', path, idBody, { schema: asString(schema) })).id;
  }

  /** The id and version of a schema already registered under the subject; 40401 or 40403 when it is not. */
  async lookup(subject: string, schema: SchemaInput): Promise<RegisteredSchema> {
    const path = `/subjects/${enc(subject)}`;
    const { id, version } = await this.request('POST', path, versionBody, { schema: asString(schema) });
    return { id, version };
  }

  /** The schema (a JSON string) with this global id; 40403 when there is none. */
  async schemaById(id: number): Promise<string> {
    return (await this.request('GET', `/schemas/ids/${id}`, schemaBody)).schema;
  }

  async latest(subject: string): Promise<SubjectVersion> {
    const path = `/subjects/${enc(subject)}/versions/latest`;
    const { id, version, schema } = await this.request('GET', path, subjectVersionBody);
    return { id, version, schema };
  }

  /** Whether the schema could be registered under the subject, tested against one version (default latest). */
  async checkCompatibility(
    subject: string,
    schema: SchemaInput,
    version: 'latest' | number | 'all' = 'latest',
  ): Promise<CompatibilityResult> {
    // 'all': the versions the subject's level names (the latest, or every one for *_TRANSITIVE levels).
    const versions = version === 'all' ? '' : `/${enc(String(version))}`;
    const path = `/compatibility/subjects/${enc(subject)}/versions${versions}?verbose=true`;
    const result = await this.request('POST', path, compatibilityBody, { schema: asString(schema) });
    return { compatible: result.is_compatible, messages: result.messages ?? [] };
  }

  async subjects(): Promise<string[]> {
    return this.request('GET', '/subjects', subjectsBody);
  }

  /** What to do about a 401: the URL comes from SCHEMA_REGISTRY_URL wherever Crosscare makes a client. */
  private hint(status: number): string {
    if (status !== 401) return '';
    return this.authorization
      ? ' (the credentials in SCHEMA_REGISTRY_URL were refused: check its user name and password)'
      : ' (SCHEMA_REGISTRY_URL carries no credentials and the registry requires them: give them as user info, ' +
          'http(s)://user:password@host; the local stack keeps its passwords in .crosscare/secrets/registry-*)';
  }

  private async request<T>(method: Method, path: string, expected: z.ZodType<T>, body?: object): Promise<T> {
    const headers: Record<string, string> = { Accept: CONTENT_TYPE };
    if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (this.authorization) headers.Authorization = this.authorization;
    const what = `Schema registry ${method} ${path}`;

    let status = 0;
    let text = '';
    for (let attempt = 1; ; attempt++) {
      try {
        // One signal for the whole exchange, so a registry that sends headers and then stalls also times out.
        const response = await fetch(this.url + path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = response.status;
        text = await response.text();
        break;
      } catch (error) {
        // A kept-alive connection the registry closed as it was reused: every registry call is idempotent (a lookup,
        // a read, or a register that answers the same id again), so one fresh attempt is safe and usually enough.
        if (attempt === 1 && isStaleConnection(error)) continue;
        throw new SchemaRegistryError(`${what}: ${describeFailure(error, this.timeoutMs)}`, {
          retriable: true,
          cause: error,
        });
      }
    }

    const json = parseJson(text);
    if (status < 200 || status >= 300) {
      const { errorCode, message } = describeErrorBody(json, text);
      const code = errorCode === undefined ? '' : ` (error ${errorCode})`;
      throw new SchemaRegistryError(`${what} answered ${status}${code}: ${message}${this.hint(status)}`, {
        status,
        errorCode,
        retriable: isRetriableStatus(status),
      });
    }

    const parsed = expected.safeParse(json);
    if (parsed.success) return parsed.data;
    // Something other than a registry answered (a proxy, a misrouted URL): asking again will not help.
    throw new SchemaRegistryError(`${what} answered ${status} with an unexpected body`, {
      status,
      retriable: false,
      cause: parsed.error,
    });
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function asString(schema: SchemaInput): string {
  return typeof schema === 'string' ? schema : JSON.stringify(schema);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeErrorBody(json: unknown, text: string): { errorCode?: number; message: string } {
  const parsed = errorBody.safeParse(json);
  const errorCode = parsed.success ? parsed.data.error_code : undefined;
  const message = (parsed.success ? parsed.data.message : undefined) ?? text.slice(0, MAX_BODY_IN_MESSAGE);
  return { errorCode, message: message || 'no message' };
}

/**
 * Property checks rather than instanceof: fetch's errors come from Node's own realm, which is not the caller's
 * under Jest and other sandboxes.
 */
function describeFailure(error: unknown, timeoutMs: number): string {
  const name = property(error, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = property(property(error, 'cause'), 'code');
  return `could not reach the registry${typeof code === 'string' ? ` (${code})` : ''}`;
}

function isStaleConnection(error: unknown): boolean {
  const code = property(property(error, 'cause'), 'code');
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}

function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
