import { createHash } from 'node:crypto';
import type { SearchCursor } from './search-parameters';

/**
 * 96 bits of the search's hash: enough that a page link from another search is refused rather than matched by
 * chance. It is not a secret (anyone can hash a search): a cursor is only a position, and access is checked on
 * every page, so the binding only stops a cursor being carried into another search silently. What is hashed is the
 * caller's `search` string: the whole search (cursorBinding in search-parameters), its path as well as its query.
 */
const BINDING_LENGTH = 16;

/** Far above any real cursor; a longer token is refused before it is decoded. */
const MAX_TOKEN_LENGTH = 2048;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function binding(search: string): string {
  return createHash('sha256').update(search, 'utf8').digest('base64url').slice(0, BINDING_LENGTH);
}

/** The `_cursor` of the next page: base64url of a JSON array, so the token stays short in a link. */
export function encodeCursor(cursor: SearchCursor, search: string): string {
  const fields = [binding(search), cursor.date, cursor.providerOdsCode, cursor.sourceRecordId, cursor.part];
  return Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
}

/** Where the previous page ended, or null when the token is malformed or was made for a different search. */
export function decodeCursor(token: string, search: string): SearchCursor | null {
  if (token.length > MAX_TOKEN_LENGTH || !BASE64URL.test(token)) return null;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(fields) || fields.length !== 5) return null;
  const [bound, date, providerOdsCode, sourceRecordId, part] = fields as unknown[];
  if (bound !== binding(search)) return null;
  if (date !== null && !(typeof date === 'number' && Number.isFinite(date))) return null;
  if (typeof providerOdsCode !== 'string' || typeof sourceRecordId !== 'string' || typeof part !== 'string') {
    return null;
  }
  return { date, providerOdsCode, sourceRecordId, part };
}
