import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Options } from 'prettier';

import { loadSchemaDirectory } from '../schemas/load-schema-directory';
import { SCHEMA_FOLDER_NAMESPACES } from '../schemas/read-schema-files';
import { generateRecordSchemas, generateTypes } from './generate-types';

/** Where the contract lives and where its types go, relative to the repository root. */
export const SCHEMA_DIR = 'schemas';
export const GENERATED_FILE = 'libs/events/src/generated/record-changes.ts';
export const GENERATED_CHANGELOG_FILE = 'libs/events/src/generated/changelog-schemas.ts';
export const GENERATED_AUDIT_FILE = 'libs/events/src/generated/audit-schemas.ts';
export const GENERATED_SDE_FILE = 'libs/events/src/generated/sde-schemas.ts';

/** A file npm run schemas:generate writes, and the text it must have. */
export interface GeneratedFile {
  readonly file: string;
  readonly text: string;
}

/**
 * Reads the repository's .prettierrc. It is JSON here; the Prettier entry point that resolves any config format
 * cannot run inside Jest (see generate-types.ts).
 */
function readPrettierOptions(repoRoot: string): Options {
  const file = path.join(repoRoot, '.prettierrc');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Options;
}

/** The text record-changes.ts must have for the schemas currently in the repository. */
export function generateRecordChanges(repoRoot: string): Promise<string> {
  return generateTypes(loadSchemaDirectory(path.join(repoRoot, SCHEMA_DIR)), {
    prettier: readPrettierOptions(repoRoot),
  });
}

/** Every generated file, with the text it must have for the schemas currently in the repository. */
export async function generateContract(repoRoot: string): Promise<GeneratedFile[]> {
  const schemas = loadSchemaDirectory(path.join(repoRoot, SCHEMA_DIR));
  const options = { prettier: readPrettierOptions(repoRoot) };
  return [
    { file: GENERATED_FILE, text: await generateTypes(schemas, options) },
    {
      file: GENERATED_CHANGELOG_FILE,
      text: await generateRecordSchemas(
        {
          namespaceConstant: 'CHANGELOG_NAMESPACE',
          namespace: SCHEMA_FOLDER_NAMESPACES.changelog,
          description: "the changelog topics' records",
          schemasConstant: 'CHANGELOG_SCHEMAS',
          schemas: schemas.changelog,
        },
        options,
      ),
    },
    {
      file: GENERATED_AUDIT_FILE,
      text: await generateRecordSchemas(
        {
          namespaceConstant: 'AUDIT_NAMESPACE',
          namespace: SCHEMA_FOLDER_NAMESPACES.audit,
          description: "the audit topic's records",
          schemasConstant: 'AUDIT_SCHEMAS',
          schemas: schemas.audit,
        },
        options,
      ),
    },
    {
      file: GENERATED_SDE_FILE,
      text: await generateRecordSchemas(
        {
          namespaceConstant: 'SDE_NAMESPACE',
          namespace: SCHEMA_FOLDER_NAMESPACES.sde,
          description: "the opt-out topic's and SDE projects' notice records",
          schemasConstant: 'SDE_SCHEMAS',
          schemas: schemas.sde,
        },
        options,
      ),
    },
  ];
}
