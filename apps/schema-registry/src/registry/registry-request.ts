import { invalidRequest, invalidSubject, invalidVersion } from './registry-error';

/** The body of POST /subjects/{s}/versions, POST /subjects/{s} and POST /compatibility/...: Confluent's fields. */
export interface SchemaRequest {
  readonly schema: string;
  readonly schemaType: string;
  readonly references: readonly unknown[];
  /** Only honoured in IMPORT mode, where a migration keeps the ids and versions of another registry. */
  readonly id?: number;
  readonly version?: number;
}

export function parseSchemaRequest(body: unknown): SchemaRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object such as {"schema": "..."}');
  }
  const { schema, schemaType, references, id, version } = body as Record<string, unknown>;
  if (typeof schema !== 'string') {
    throw invalidRequest('The request body needs "schema": the schema as a JSON-encoded string');
  }
  if (schemaType !== undefined && schemaType !== null && typeof schemaType !== 'string') {
    throw invalidRequest('"schemaType" must be a string such as "AVRO"');
  }
  if (references !== undefined && references !== null && !Array.isArray(references)) {
    throw invalidRequest('"references" must be an array');
  }
  for (const [name, value] of [
    ['id', id],
    ['version', version],
  ] as const) {
    if (value !== undefined && value !== null && !(Number.isInteger(value) && (value as number) > 0)) {
      throw invalidRequest(`"${name}" must be a positive whole number`);
    }
  }
  return {
    schema,
    schemaType: typeof schemaType === 'string' && schemaType !== '' ? schemaType.toUpperCase() : 'AVRO',
    references: Array.isArray(references) ? references : [],
    id: typeof id === 'number' && id > 0 ? id : undefined,
    version: typeof version === 'number' && version > 0 ? version : undefined,
  };
}

export type VersionSelector = number | 'latest';

const MAX_VERSION = 2 ** 31 - 1;

/** "latest", "-1" (Confluent's alias for latest) or 1..2^31-1; anything else is 42202. */
export function parseVersion(raw: string): VersionSelector {
  if (raw === 'latest' || raw === '-1') return 'latest';
  if (/^\d{1,10}$/.test(raw)) {
    const n = Number(raw);
    if (n >= 1 && n <= MAX_VERSION) return n;
  }
  throw invalidVersion(raw);
}

/** Subjects are free text in Confluent; refuse only what would break logs, URLs or storage. */
export function checkSubject(subject: string): string {
  // eslint-disable-next-line no-control-regex
  if (subject.length === 0 || subject.length > 255 || /[\u0000-\u001f\u007f]/.test(subject)) {
    throw invalidSubject(subject.replace(/[^\x20-\x7e]/g, '?'));
  }
  return subject;
}

export function flag(value: unknown): boolean {
  return value === 'true' || value === '1' || value === '';
}
