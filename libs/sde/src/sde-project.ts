import {
  DEFAULT_DIRECTORY_DATA_DIR,
  DirectoryError,
  readDirectoryFile,
  type DirectoryProblem,
} from '@crosscare/governance';
import type { EventType } from '@crosscare/events';
import * as path from 'node:path';
import { z } from 'zod';
import {
  CONTEXT_FIELDS,
  isEventType,
  RELEASE_CATALOGUE,
  type ContextField,
  type ReleasableField,
} from './release-catalogue';

export const SDE_PROJECTS_FILE = 'sde-projects.json';

/** Project ids appear in topic names, consumer groups and Avro namespaces: lower-case words joined by dashes. */
export const PROJECT_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** A key's name is a file name under SDE_KEYS_DIR: never the key itself, which is a secret. */
const KEY_NAME = /^[a-z][a-z0-9-]{2,62}$/;

export const BIRTH_DATE_PRECISIONS = ['year', 'year-month'] as const;
export const EVENT_DATE_PRECISIONS = ['day', 'month', 'year'] as const;
/** UK postcode geography, coarsest first: B (area), B15 (district), B15 2 (sector). */
export const GEOGRAPHY_LEVELS = ['area', 'district', 'sector'] as const;

export type BirthDatePrecision = (typeof BIRTH_DATE_PRECISIONS)[number];
export type EventDatePrecision = (typeof EVENT_DATE_PRECISIONS)[number];
export type GeographyLevel = (typeof GEOGRAPHY_LEVELS)[number];

const nonBlank = z.string().trim().min(1, 'must not be blank');

/** An opt-out either applies, or does not under a named exemption (e.g. section 251 support, CAG reference). */
const optOutRule = z.discriminatedUnion('applies', [
  z.object({ applies: z.literal(true) }).strict(),
  z
    .object({
      applies: z.literal(false),
      exemption: nonBlank.describe(
        'the legal basis for setting the opt-out aside, e.g. CAG 21/CAG/0012 (s251)',
      ),
    })
    .strict(),
]);

const projectSchema = z
  .object({
    id: z.string().regex(PROJECT_ID, 'lower-case letters and digits in words joined by single dashes'),
    title: nonBlank,
    purpose: nonBlank,
    lawfulBasis: nonBlank,
    agreement: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$/,
        "the data sharing agreement's reference, e.g. DSA-2026-0107",
      ),
    approvedBy: nonBlank,
    approvedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date, YYYY-MM-DD'),
    nationalDataOptOut: optOutRule,
    type1OptOut: optOutRule,
    pseudonymisationKey: z
      .string()
      .regex(KEY_NAME, "the key's name (a file under SDE_KEYS_DIR), never the key itself"),
    precision: z
      .object({
        birthDate: z.enum(BIRTH_DATE_PRECISIONS),
        eventDate: z.enum(EVENT_DATE_PRECISIONS),
        geography: z.enum(GEOGRAPHY_LEVELS),
      })
      .strict(),
    context: z.array(z.enum(CONTEXT_FIELDS)).default([]),
    events: z.record(z.string(), z.array(z.string())),
    output: z
      .object({
        version: z.number().int().min(1),
        partitions: z.number().int().min(1).max(256),
      })
      .strict(),
  })
  .strict()
  .superRefine((project, ctx) => {
    const kinds = Object.entries(project.events);
    if (kinds.length === 0)
      ctx.addIssue({ code: 'custom', path: ['events'], message: 'must approve at least one event kind' });
    for (const [kind, fields] of kinds) {
      if (!isEventType(kind)) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', kind],
          message: `${kind} is not a record-change event`,
        });
        continue;
      }
      const releasable = RELEASE_CATALOGUE[kind];
      for (const [i, field] of fields.entries()) {
        if (!releasable.some((r) => r.name === field)) {
          ctx.addIssue({
            code: 'custom',
            path: ['events', kind, i],
            message:
              `${kind}.${field} is never released (identifying, free text or not classified): releasable fields ` +
              `of ${kind} are ${releasable.map((r) => r.name).join(', ') || 'none'}`,
          });
        }
      }
      if (new Set(fields).size !== fields.length)
        ctx.addIssue({ code: 'custom', path: ['events', kind], message: 'must not repeat a field' });
    }
  });

/**
 * Ids defined twice, looked for in the file as written, before the full check: a refinement after it would be
 * skipped whenever another project is malformed, and the file is reported with all its problems at once.
 */
function checkUniqueIds(file: unknown, ctx: z.RefinementCtx): void {
  const projects: unknown = (file as { projects?: unknown } | null)?.projects;
  if (!Array.isArray(projects)) return; // the full check reports it
  const seen = new Set<string>();
  for (const [i, project] of projects.entries()) {
    const id: unknown = (project as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') continue;
    if (seen.has(id))
      ctx.addIssue({ code: 'custom', path: ['projects', i, 'id'], message: `${id} is defined twice` });
    seen.add(id);
  }
}

const projectsFileSchema = z.preprocess(
  (file, ctx) => {
    checkUniqueIds(file, ctx);
    return file;
  },
  z
    .object({
      version: nonBlank,
      comment: z.string().optional(),
      projects: z.array(projectSchema),
    })
    .strict(),
);

export interface OptOutRule {
  readonly applies: boolean;
  /** Why it does not apply; present exactly when applies is false. */
  readonly exemption?: string;
}

/** One approved project: its agreement, and exactly what it may receive. */
export interface SdeProject {
  readonly id: string;
  readonly title: string;
  readonly purpose: string;
  readonly lawfulBasis: string;
  readonly agreement: string;
  readonly approvedBy: string;
  readonly approvedOn: string;
  readonly nationalDataOptOut: OptOutRule;
  readonly type1OptOut: OptOutRule;
  readonly pseudonymisationKey: string;
  readonly precision: {
    readonly birthDate: BirthDatePrecision;
    readonly eventDate: EventDatePrecision;
    readonly geography: GeographyLevel;
  };
  readonly context: readonly ContextField[];
  /** Per approved event kind, its approved fields in catalogue order. */
  readonly events: ReadonlyMap<EventType, readonly ReleasableField[]>;
  readonly output: { readonly version: number; readonly partitions: number };
}

export interface LoadSdeProjectsOptions {
  /** The projects file; default `<cwd>/libs/governance/data/sde-projects.json`, beside the provider directory. */
  readonly file?: string;
}

/**
 * Reads and validates the approved projects once, at start. Throws a DirectoryError naming every problem: the
 * publisher must not run on an agreement it cannot read exactly, for a mistake would release what was not approved.
 */
export function loadSdeProjects(options: LoadSdeProjectsOptions = {}): SdeProject[] {
  const file = path.resolve(options.file ?? path.join(DEFAULT_DIRECTORY_DATA_DIR, SDE_PROJECTS_FILE));
  const problems: DirectoryProblem[] = [];
  const read = readDirectoryFile(file, projectsFileSchema, problems);
  if (!read || problems.length > 0) throw new DirectoryError(problems, 'SDE projects');
  return read.data.projects.map((p) => ({
    ...p,
    context: CONTEXT_FIELDS.filter((c) => p.context.includes(c)),
    events: new Map(
      Object.entries(p.events).map(([kind, fields]) => {
        const releasable = RELEASE_CATALOGUE[kind as EventType];
        return [kind as EventType, releasable.filter((r) => fields.includes(r.name))];
      }),
    ),
  }));
}

export function projectById(projects: readonly SdeProject[], id: string): SdeProject {
  const found = projects.find((p) => p.id === id);
  if (!found)
    throw new Error(
      `no approved SDE project ${id} (approved: ${projects.map((p) => p.id).join(', ') || 'none'})`,
    );
  return found;
}
