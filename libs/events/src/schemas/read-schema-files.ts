import * as fs from 'node:fs';
import * as path from 'node:path';

import { CROSSCARE_NAMESPACE } from './avro-schema';
import { SchemaDefinitionError } from './schema-definition-error';

/**
 * The folders of schemas/, each holding the types of one namespace: the event contract (shared types in common/,
 * one record change per file in events/), then the records built from it that are published on other topics.
 */
export const SCHEMA_FOLDER_NAMESPACES = {
  common: CROSSCARE_NAMESPACE,
  events: CROSSCARE_NAMESPACE,
  /** The changelog topics' values, the record a projector publishes per patient. */
  changelog: 'uk.nhs.crosscare.changelog',
  /** The record API's audit topic. */
  audit: 'uk.nhs.crosscare.audit',
  /** Secondary use: the opt-out topic's records and the notices SDE projects receive beside their data. */
  sde: 'uk.nhs.crosscare.sde',
} as const;

export type SchemaFileKind = keyof typeof SCHEMA_FOLDER_NAMESPACES;

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

/** Reads dir/common, dir/events, dir/changelog, dir/audit and dir/sde (*.avsc each), in that order. */
export function readSchemaFiles(dir: string): SchemaFile[] {
  if (!fs.existsSync(dir)) throw new SchemaDefinitionError(dir, 'schema directory not found');
  const events = readKind(dir, 'events');
  if (events.length === 0)
    throw new SchemaDefinitionError(path.join(dir, 'events'), 'no *.avsc event schemas');
  return [
    ...readKind(dir, 'common'),
    ...events,
    ...readKind(dir, 'changelog'),
    ...readKind(dir, 'audit'),
    ...readKind(dir, 'sde'),
  ];
}
