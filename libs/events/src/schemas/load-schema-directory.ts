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
import { composeWithContract } from './compose-with-contract';
import { parseSchema } from './parse-schema';
import { readSchemaFiles, SCHEMA_FOLDER_NAMESPACES, SchemaFile, SchemaFileKind } from './read-schema-files';
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
  /** One per file of changelog/, sorted by name: the changelog topics' values, whose items are events. */
  readonly changelog: readonly ComposedSchema<AvroRecordSchema>[];
  /** One per file of audit/, sorted by name: the audit topic's records. */
  readonly audit: readonly ComposedSchema<AvroRecordSchema>[];
  /** One per file of sde/, sorted by name: the opt-out topic's records and SDE projects' notices. */
  readonly sde: readonly ComposedSchema<AvroRecordSchema>[];
}

/**
 * Every schema registered under a subject of its own (record-name strategy: the subject is the full name), in the
 * order the schemas CLI checks and registers them: the events, then the changelog and audit records.
 */
export function registeredSchemas(schemas: SchemaSet): ComposedSchema<AvroRecordSchema>[] {
  return [...schemas.events, ...schemas.changelog, ...schemas.audit, ...schemas.sde];
}

interface ParsedFile {
  readonly source: SchemaFile;
  readonly root: NamedDefinition;
  readonly definitions: readonly NamedDefinition[];
}

function parseFile(source: SchemaFile): ParsedFile {
  const { file, kind } = source;
  const schema: AvroSchema = parseSchema(source.json, file);
  const holdsRecord = kind !== 'common';
  if (holdsRecord ? !isNamedSchema(schema) || schema.type !== 'record' : !isNamedSchema(schema)) {
    throw new SchemaDefinitionError(
      file,
      holdsRecord ? `a file of ${kind}/ holds one record` : 'a common file holds one named type',
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
  checkConventions(definitions, SCHEMA_FOLDER_NAMESPACES[kind]);
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

function compose(file: ParsedFile, composeRoot: (root: NamedDefinition) => AvroNamedSchema): ComposedSchema {
  const composed: ComposedSchema = {
    name: shortNameOf(file.root.fullName),
    fullName: file.root.fullName,
    file: file.source.file,
    schema: composeRoot(file.root),
  };
  checkCompiles(composed);
  return composed;
}

/**
 * Loads the event contract from dir/common/*.avsc (shared types) and dir/events/*.avsc (one event each), and the
 * records built from it, dir/changelog/*.avsc and dir/audit/*.avsc (one record each, which may name events and
 * shared types); checks the house rules and returns every one as a self-contained schema.
 */
export function loadSchemaDirectory(dir: string): SchemaSet {
  const files = readSchemaFiles(dir).map(parseFile);
  const index = indexDefinitions(files);
  const ofKind = (kind: SchemaFileKind) => files.filter((f) => f.source.kind === kind);
  const composeFromFiles = (root: NamedDefinition) => composeSchema(root, index);
  const events = ofKind('events').map((f) => compose(f, composeFromFiles) as EventSchema);
  const sharedTypes = ofKind('common').map((f) => compose(f, composeFromFiles));
  const contract = new Map([...events, ...sharedTypes].map((c) => [c.fullName, c.schema]));
  const composeFromContract = (root: NamedDefinition) => composeWithContract(root, contract);
  return {
    events,
    sharedTypes,
    changelog: ofKind('changelog').map(
      (f) => compose(f, composeFromContract) as ComposedSchema<AvroRecordSchema>,
    ),
    audit: ofKind('audit').map((f) => compose(f, composeFromContract) as ComposedSchema<AvroRecordSchema>),
    sde: ofKind('sde').map((f) => compose(f, composeFromContract) as ComposedSchema<AvroRecordSchema>),
  };
}
