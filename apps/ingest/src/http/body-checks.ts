import { invalidUtf8Offset, jsonTooDeepOffset, MAX_JSON_DEPTH } from '@crosscare/events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IngestError } from '../ingest-error';

/** body-parser passes a refusal thrown by `verify` on with this type, and the IngestError to answer with. */
const REFUSED = 'crosscare.body.refused';

interface RefusedBody extends Error {
  readonly type: typeof REFUSED;
  readonly refusal: IngestError;
}

/** The refusal a `verify` check made, if this body-parser error is one. */
export function refusedBody(error: unknown): IngestError | undefined {
  return (error as Partial<RefusedBody> | undefined)?.type === REFUSED
    ? (error as RefusedBody).refusal
    : undefined;
}

function refuse(status: number, code: 'structure' | 'too-costly', message: string): never {
  const error = Object.assign(new Error(message), {
    type: REFUSED,
    refusal: new IngestError(status, [{ location: '(body)', code, message }]),
  });
  throw error;
}

const isUtf8Charset = (charset: string | null) => charset === null || /^utf-?8$/i.test(charset);

/**
 * body-parser `verify` for JSON: UTF-8 only (RFC 8259, and FHIR's JSON format), well-formed, and no deeper than
 * MAX_JSON_DEPTH, all checked on the raw bytes before anything parses or validates them (validation recurses: a
 * body nested 100,000 deep overflowed its stack).
 */
export function verifyJsonBody(
  _req: IncomingMessage,
  _res: ServerResponse,
  body: Buffer,
  charset: string | null,
) {
  if (!isUtf8Charset(charset))
    refuse(415, 'structure', `JSON must be sent as UTF-8 (Content-Type charset was ${charset})`);
  checkUtf8(body);
  const deep = jsonTooDeepOffset(body, MAX_JSON_DEPTH);
  if (deep !== -1)
    refuse(
      400,
      'too-costly',
      `the JSON is nested deeper than ${MAX_JSON_DEPTH} levels (at byte offset ${deep})`,
    );
}

/**
 * body-parser `verify` for text (HL7 v2 ER7, CSV): when the charset is UTF-8, the default, the bytes must be
 * UTF-8. A declared single-byte charset (e.g. ISO-8859-1) maps every byte to a character, so there is nothing to refuse.
 */
export function verifyTextBody(
  _req: IncomingMessage,
  _res: ServerResponse,
  body: Buffer,
  charset: string | null,
) {
  if (isUtf8Charset(charset)) checkUtf8(body);
}

function checkUtf8(body: Buffer): void {
  const offset = invalidUtf8Offset(body);
  if (offset !== -1)
    refuse(
      400,
      'structure',
      `the body is not valid UTF-8: byte 0x${body[offset].toString(16).padStart(2, '0')} at byte offset ${offset} ` +
        'does not begin a well-formed character (declare the charset in Content-Type if it is not UTF-8)',
    );
}
