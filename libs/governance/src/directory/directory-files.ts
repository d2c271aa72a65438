import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

import { INPUT_FORMATS } from '../publishing/input-format';
import { RECORD_KINDS } from '../publishing/record-kind';
import type { DirectoryProblem } from './directory-error';
import { COLLABORATIVE_CODES, ICS_CODES, PROVIDER_STATUSES, PROVIDER_TYPES } from './provider';

/**
 * The shapes of the directory's files. Objects are strict so that a misspelt key (`councilcode`) is an error
 * rather than a silently missing council.
 */
const nonBlank = z.string().trim().min(1, 'must not be blank');
const onsCode = z.string().regex(/^[EWSN]\d{8}$/, 'must be an ONS code, e.g. E08000025');

export const regionsFileSchema = z
  .object({
    version: nonBlank,
    collaboratives: z.array(
      z
        .object({
          code: z.enum(COLLABORATIVE_CODES),
          name: nonBlank,
          ics: z.array(
            z
              .object({
                code: z.enum(ICS_CODES),
                name: nonBlank,
                councils: z.array(z.object({ code: onsCode, name: nonBlank }).strict()).min(1),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

/** A provider as a file states it: the collaborative is not stated, it follows from the ICS. */
const providerEntrySchema = z
  .object({
    odsCode: nonBlank,
    name: nonBlank,
    type: z.enum(PROVIDER_TYPES),
    ics: nonBlank,
    councilCode: onsCode.optional(),
    status: z.enum(PROVIDER_STATUSES),
  })
  .strict();

export const providersFileSchema = z
  .object({ version: nonBlank, providers: z.array(providerEntrySchema) })
  .strict();

export const onboardingFileSchema = z
  .object({
    wave: nonBlank,
    /** Free text for whoever reads the file (JSON has no comments). */
    comment: z.string().optional(),
    providers: z.array(providerEntrySchema),
  })
  .strict();

const uniqueList = <T extends string>(item: z.ZodType<T>) =>
  z.array(item).refine((list) => new Set(list).size === list.length, 'lists a value twice');

const providerTypePolicySchema = z
  .object({
    label: nonBlank,
    formats: uniqueList(z.enum(INPUT_FORMATS)).refine((list) => list.length > 0, 'must name a format'),
    recordKinds: uniqueList(z.enum(RECORD_KINDS)),
    /** Why a kind is given (or, for a kind not listed, withheld): the reviewed reason, kept with the data it explains. */
    rationale: z.record(z.enum(RECORD_KINDS), nonBlank).optional(),
  })
  .strict();

export const providerTypesFileSchema = z
  .object({
    version: nonBlank,
    types: z.object(
      Object.fromEntries(PROVIDER_TYPES.map((type) => [type, providerTypePolicySchema])) as Record<
        (typeof PROVIDER_TYPES)[number],
        typeof providerTypePolicySchema
      >,
    ),
  })
  .strict();

export type RegionsFile = z.infer<typeof regionsFileSchema>;
export type ProviderEntry = z.infer<typeof providerEntrySchema>;
export type ProvidersFile = z.infer<typeof providersFileSchema>;
export type OnboardingFile = z.infer<typeof onboardingFileSchema>;
export type ProviderTypesFile = z.infer<typeof providerTypesFileSchema>;

/** A parsed file and the name problems in it are reported under. */
export interface Sourced<T> {
  readonly file: string;
  readonly data: T;
}

/** How a file is named in problems: relative to the working directory when inside it, as operators run from there. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/**
 * Reads and parses one JSON file against `schema`; on failure records every problem and returns undefined, so the
 * caller can go on to report the other files' problems too.
 */
export function readDirectoryFile<T>(
  file: string,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  problems: DirectoryProblem[],
): Sourced<T> | undefined {
  const shown = displayPath(file);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = isMissing(error) ? 'file not found' : `not valid JSON: ${(error as Error).message}`;
    problems.push({ file: shown, element: '(file)', reason });
    return undefined;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { file: shown, data: parsed.data };
  for (const issue of parsed.error.issues) {
    problems.push({ file: shown, element: elementName(issue.path, json), reason: issue.message });
  }
  return undefined;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/**
 * `providers[12] (M12345).type` from a zod path: the ODS code is added because a reader searches the file for the
 * code, not for the twelfth element.
 */
export function elementName(issuePath: readonly (string | number)[], root: unknown): string {
  if (issuePath.length === 0) return '(file)';
  let name = '';
  let node: unknown = root;
  for (const key of issuePath) {
    name += typeof key === 'number' ? `[${key}]` : `${name === '' ? '' : '.'}${key}`;
    node =
      isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[key] : undefined;
    if (typeof key === 'number' && isRecord(node) && typeof node.odsCode === 'string')
      name += ` (${node.odsCode})`;
  }
  return name;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
