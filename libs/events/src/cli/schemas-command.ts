/**
 * What `npm run schemas:register | schemas:check` do (or: npm run schemas -- <command> [options]); the entry point is
 * libs/sde/src/cli/schemas-cli.ts, which adds the approved SDE projects' row schemas after the contract (libs/events
 * cannot import libs/sde, which is built on it, so the caller hands them in).
 *
 *   register [--dir DIR] [--git-ref REF]   register every schema of DIR (default schemas/: the events, the
 *                                          changelog, audit and SDE records), or of schemas/ as it was at commit REF,
 *                                          then the caller's (the projects' row schemas, from the same commit),
 *                                          against SCHEMA_REGISTRY_URL: all of them or, if one is incompatible, none
 *   check    [--dir DIR]                   say per subject whether registering would succeed; exit 1 naming the
 *                                          subject and field when a changed schema is incompatible
 *
 * Exit codes: 0 done, 1 incompatible, a bad input file or the registry failed, 2 usage, 78 bad configuration.
 */
import { configOrExit, loadConfig, schemaRegistryVariables, toSchemaRegistryConfig } from '@crosscare/config';
import { CrosscareError, errorMessage } from '@crosscare/errors';
import * as path from 'node:path';
// The files themselves, not @crosscare/local-stack: the services bundle libs/events, and must not be judged (or
// rebuilt) by the local stack's sources; these two import nothing but node and each other.
import { stackPaths } from '../../../local-stack/src/paths';
import { envWithRegistryCredentials } from '../../../local-stack/src/registry-credentials';
import { SchemaRegistryClient } from '../registry';
import type { AvroRecordSchema } from '../schemas/avro-schema';
import {
  loadSchemaDirectory,
  registeredSchemas,
  type ComposedSchema,
} from '../schemas/load-schema-directory';
import { checkSchemas, registerSchemas, type SubjectCheck } from './schema-publisher';
import { schemasAtGitRef } from './schemas-at-git-ref';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Schemas a caller registers after the contract's, under the same rules: derived ones, such as SDE projects' rows. */
export interface AdditionalSchemas {
  /** What they are and where from, for the summary: "2 SDE project row schemas from libs/.../sde-projects.json". */
  readonly description: string;
  readonly schemas: readonly ComposedSchema<AvroRecordSchema>[];
  /** Printed under each of their incompatible subjects: what to do instead of the breaking change. */
  readonly whenIncompatible?: string;
}

/**
 * Where a caller's schemas come from: the checkout, or with --git-ref the same commit as the contract (whose files
 * may not have existed yet there: the source then answers with no schemas and says so in its description).
 */
export type AdditionalSchemaSource = (at: {
  readonly repoRoot: string;
  readonly gitRef?: string;
}) => AdditionalSchemas;

class UsageError extends CrosscareError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

function describe(check: SubjectCheck, hints: ReadonlyMap<string, string>): string {
  const label = {
    new: 'new subject',
    unchanged: 'unchanged',
    compatible: 'compatible change',
    incompatible: 'INCOMPATIBLE',
  }[check.status];
  const lines = [`  ${check.subject.padEnd(60)} ${label}`];
  for (const message of check.messages) lines.push(`      ${message}`);
  const hint = hints.get(check.subject);
  if (check.status === 'incompatible' && hint) lines.push(`      ${hint}`);
  return lines.join('\n');
}

export async function runSchemasCommand(
  argv: string[],
  sources: readonly AdditionalSchemaSource[] = [],
): Promise<number> {
  const [command, ...args] = argv;
  if (command !== 'register' && command !== 'check') {
    throw new UsageError('usage: schemas register [--dir DIR] [--git-ref REF] | check [--dir DIR]');
  }
  // Against the local stack without credentials in SCHEMA_REGISTRY_URL: its admin's, as registering needs a writer.
  const env = envWithRegistryCredentials(process.env, stackPaths());
  const config = configOrExit('schemas', () =>
    loadConfig(schemaRegistryVariables, toSchemaRegistryConfig, env),
  );
  const registry = new SchemaRegistryClient(config);

  const gitRef = option(args, '--git-ref');
  if (gitRef !== undefined && command === 'check') throw new UsageError('--git-ref is for register only');
  const dir =
    gitRef !== undefined ? schemasAtGitRef(REPO_ROOT, gitRef) : (option(args, '--dir') ?? 'schemas');
  if (dir === undefined) {
    process.stdout.write(`schemas: ${gitRef} has no schemas/events/: nothing to register\n`);
    return 0;
  }
  const source =
    gitRef !== undefined ? `schemas/ at ${gitRef}` : path.relative(process.cwd(), path.resolve(dir));
  const loaded = loadSchemaDirectory(path.resolve(dir));
  // Every input is read before the registry is asked anything: a bad file registers nothing.
  const additional = sources.map((s) => s({ repoRoot: REPO_ROOT, gitRef }));
  const schemas = [...registeredSchemas(loaded), ...additional.flatMap((a) => a.schemas)];
  const hints = new Map(
    additional.flatMap((a) =>
      a.whenIncompatible ? a.schemas.map((s) => [s.fullName, a.whenIncompatible!] as const) : [],
    ),
  );
  process.stdout.write(
    `schemas: ${loaded.events.length} event, ${loaded.changelog.length} changelog, ${loaded.audit.length} ` +
      `audit and ${loaded.sde.length} SDE schemas from ${source}, registry ${registry.url}\n`,
  );
  for (const a of additional) process.stdout.write(`schemas: then ${a.description}\n`);

  if (command === 'check') {
    const checks = await checkSchemas(registry, schemas);
    process.stdout.write(`${checks.map((c) => describe(c, hints)).join('\n')}\n`);
    const broken = checks.filter((c) => c.status === 'incompatible');
    process.stdout.write(
      broken.length === 0
        ? `schemas: all ${checks.length} subjects can be registered\n`
        : `schemas: ${broken.length} incompatible: ${broken.map((c) => c.subject).join(', ')}\n`,
    );
    return broken.length === 0 ? 0 : 1;
  }

  const { checks, registered } = await registerSchemas(registry, schemas);
  if (registered.length === 0 && checks.some((c) => c.status === 'incompatible')) {
    process.stdout.write(
      `${checks.map((c) => describe(c, hints)).join('\n')}\nschemas: nothing registered\n`,
    );
    return 1;
  }
  for (const r of registered) {
    process.stdout.write(
      `  ${r.subject.padEnd(60)} id ${String(r.id).padStart(4)}  version ${r.version}${r.changed ? '' : '  (unchanged)'}\n`,
    );
  }
  const changed = registered.filter((r) => r.changed).length;
  process.stdout.write(`schemas: ${registered.length} subjects registered (${changed} new or changed)\n`);
  return 0;
}

/** Runs the command as a process: exit 0, 1, 2 (usage) or 78 (configuration, from configOrExit). */
export function schemasCli(argv: string[], sources: readonly AdditionalSchemaSource[] = []): void {
  runSchemasCommand(argv, sources).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`schemas: ${errorMessage(error)}\n`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
