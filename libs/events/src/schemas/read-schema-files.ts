import * as fs from 'node:fs';
import * as path from 'node:path';

import { SchemaDefinitionError } from './schema-definition-error';

export type SchemaFileKind = 'common' | 'events';

/** One parsed *.avsc file. */
export interface SchemaFile {
  readonly kind: SchemaFileKind;
  /** The path as joined from the directory given, for error messages. */
  readonly file: string;
  /** File name without .avsc: must equal the name of the type it defines. */
  readonly baseName: string;
  readonly json: unknown;
}

function readKind(dir: string, kind: SchemaFileKind): SchemaFile[] {
  const kindDir = path.join(dir, kind);
  if (!fs.existsSync(kindDir)) return [];
  return (
    fs
      .readdirSync(kindDir)
      .filter((name) => name.endsWith('.avsc'))
      // Sorted so that every machine composes and generates in the same order.
      .sort()
      .map((name) => {
        const file = path.join(kindDir, name);
        const text = fs.readFileSync(file, 'utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (error) {
          throw new SchemaDefinitionError(file, `invalid JSON: ${(error as Error).message}`);
        }
        return { kind, file, baseName: name.slice(0, -'.avsc'.length), json };
      })
  );
}

/** Reads dir/common/*.avsc and dir/events/*.avsc. */
export function readSchemaFiles(dir: string): SchemaFile[] {
  if (!fs.existsSync(dir)) throw new SchemaDefinitionError(dir, 'schema directory not found');
  const events = readKind(dir, 'events');
  if (events.length === 0)
    throw new SchemaDefinitionError(path.join(dir, 'events'), 'no *.avsc event schemas');
  return [...readKind(dir, 'common'), ...events];
}
