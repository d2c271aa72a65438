import { Schema, Type } from 'avsc';

import {
  AvroNamedSchema,
  AvroRecordSchema,
  AvroSchema,
  CROSSCARE_NAMESPACE,
  fullNameOf,
  isNamedSchema,
  shortNameOf,
} from './avro-schema';
import { checkConventions } from './check-conventions';
import { collectDefinitions, NamedDefinition } from './collect-definitions';
import { composeSchema, DefinitionIndex } from './compose-schema';
import { parseSchema } from './parse-schema';
import { readSchemaFiles, SchemaFile } from './read-schema-files';
import { SchemaDefinitionError } from './schema-definition-error';

export const HEADER_FULL_NAME = `${CROSSCARE_NAMESPACE}.RecordChangeHeader`;

/** A type of the contract, composed so that it stands alone (no references to other files). */
export interface ComposedSchema<S extends AvroNamedSchema = AvroNamedSchema> {
  /** Short name, e.g. AllergyRecorded: also the event's eventType and the file's name. */
  readonly name: string;
  /** Full name, e.g. uk.nhs.crosscare.events.AllergyRecorded: the registry subject (record-name strategy). */
  readonly fullName: string;
  readonly file: string;
  readonly schema: S;
}

export type EventSchema = ComposedSchema<AvroRecordSchema>;

export interface SchemaSet {
  /** One per file of events/, sorted by name. */
  readonly events: readonly EventSchema[];
  /** One per file of common/, sorted by name. */
  readonly sharedTypes: readonly ComposedSchema[];
}

interface ParsedFile {
  readonly source: SchemaFile;
  readonly root: NamedDefinition;
  readonly definitions: readonly NamedDefinition[];
}

function parseFile(source: SchemaFile): ParsedFile {
  const { file, kind } = source;
  const schema: AvroSchema = parseSchema(source.json, file);
  if (kind === 'events' ? !isNamedSchema(schema) || schema.type !== 'record' : !isNamedSchema(schema)) {
    throw new SchemaDefinitionError(
      file,
      kind === 'events' ? 'an event file holds one record' : 'a common file holds one named type',
    );
  }
  const definitions = collectDefinitions(schema, file);
  const root = definitions[0];
  if (shortNameOf(root.fullName) !== source.baseName) {
    throw new SchemaDefinitionError(
      file,
      `file name must equal the type's name: defines ${shortNameOf(root.fullName)}, file is ${source.baseName}.avsc`,
    );
  }
  checkConventions(definitions);
  if (kind === 'common' && definitions.length > 1) {
    throw new SchemaDefinitionError(
      file,
      `defines ${definitions[1].fullName} inside ${root.fullName}; give each shared type its own file`,
    );
  }
  if (kind === 'events') checkHeader(root);
  return { source, root, definitions };
}

/** Every consumer reads the header before knowing the event, so it must come first and be the shared one. */
function checkHeader(root: NamedDefinition): void {
  const record = root.schema as AvroRecordSchema;
  const first = record.fields[0];
  if (first?.name !== 'header') {
    throw new SchemaDefinitionError(root.file, `the first field of event ${root.fullName} must be "header"`);
  }
  if (typeof first.type !== 'string' || fullNameOf(first.type, CROSSCARE_NAMESPACE) !== HEADER_FULL_NAME) {
    throw new SchemaDefinitionError(root.file, `field "header" must reference ${HEADER_FULL_NAME} by name`);
  }
}

function indexDefinitions(files: readonly ParsedFile[]): DefinitionIndex {
  const byFullName = new Map<string, NamedDefinition>();
  const shared = new Set<string>();
  for (const { source, definitions } of files) {
    for (const definition of definitions) {
      const earlier = byFullName.get(definition.fullName);
      if (earlier !== undefined) {
        throw new SchemaDefinitionError(
          definition.file,
          `duplicate name ${definition.fullName}, already defined in ${earlier.file}`,
        );
      }
      byFullName.set(definition.fullName, definition);
      if (source.kind === 'common') shared.add(definition.fullName);
    }
  }
  return { byFullName, shared };
}

/** Compiles with avsc, the reference the serde uses, so that a schema that loads here also encodes and decodes. */
function checkCompiles(composed: ComposedSchema): void {
  try {
    // Our schema types are read-only views of the same JSON that avsc's (mutable) typings describe.
    Type.forSchema(composed.schema as unknown as Schema);
  } catch (error) {
    throw new SchemaDefinitionError(
      composed.file,
      `avsc rejects ${composed.fullName}: ${(error as Error).message}`,
    );
  }
}

function compose(file: ParsedFile, index: DefinitionIndex): ComposedSchema {
  const composed: ComposedSchema = {
    name: shortNameOf(file.root.fullName),
    fullName: file.root.fullName,
    file: file.source.file,
    schema: composeSchema(file.root, index),
  };
  checkCompiles(composed);
  return composed;
}

/**
 * Loads the event contract from dir/common/*.avsc (shared types) and dir/events/*.avsc (one event each), checks
 * the house rules and returns every event and shared type as a self-contained schema.
 */
export function loadSchemaDirectory(dir: string): SchemaSet {
  const files = readSchemaFiles(dir).map(parseFile);
  const index = indexDefinitions(files);
  return {
    events: files.filter((f) => f.source.kind === 'events').map((f) => compose(f, index) as EventSchema),
    sharedTypes: files.filter((f) => f.source.kind === 'common').map((f) => compose(f, index)),
  };
}
