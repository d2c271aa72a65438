import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Options } from 'prettier';

import { loadSchemaDirectory } from '../schemas/load-schema-directory';
import { generateTypes } from './generate-types';

/** Where the contract lives and where its types go, relative to the repository root. */
export const SCHEMA_DIR = 'schemas';
export const GENERATED_FILE = 'libs/events/src/generated/record-changes.ts';

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
