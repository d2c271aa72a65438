import { CrosscareError, errorMessage } from '@crosscare/errors';
import { Type } from 'avsc';
import { canonicalForm, displayForm, fingerprint } from './canonical-form';

/** The registry's 422 "invalid schema" case; `reason` is the parser's own words. */
export class InvalidAvroSchemaError extends CrosscareError {
  override readonly name = 'InvalidAvroSchemaError';

  constructor(readonly reason: string) {
    super(`Invalid schema: ${reason}`, { retriable: false });
  }
}

export interface ParsedSchema {
  readonly type: Type;
  /** Identity of the schema for id reuse (see canonical-form.ts). */
  readonly canonical: string;
  /** sha256 hex of `canonical`. */
  readonly fingerprint: string;
  /** Compact JSON in the submitter's key order: what the registry returns. */
  readonly display: string;
}

export function parseAvroSchema(text: string): ParsedSchema {
  if (text.trim() === '') throw new InvalidAvroSchemaError('empty schema text');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidAvroSchemaError(errorMessage(error));
  }
  let type: Type;
  try {
    // No logicalTypes option: logical types stay annotations on their underlying type, as the spec asks of
    // readers that do not implement them, so resolution and compatibility follow the underlying types.
    // Anonymous types and the default union wrapping are left as avsc has them.
    type = Type.forSchema(json as Parameters<typeof Type.forSchema>[0]);
  } catch (error) {
    throw new InvalidAvroSchemaError(errorMessage(error));
  }
  const canonical = canonicalForm(json);
  return { type, canonical, fingerprint: fingerprint(canonical), display: displayForm(json) };
}
