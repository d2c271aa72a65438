/**
 * npm run schemas:register | schemas:check   (or: npm run schemas -- <command> [options])
 *
 *   register [--dir DIR] [--git-ref REF]   register every schema of DIR (default schemas/: the events, the
 *                                          changelog and audit records), or of schemas/ as it was at commit REF,
 *                                          against SCHEMA_REGISTRY_URL: all of them or, if one is incompatible, none
 *   check    [--dir DIR]                   say per subject whether registering would succeed; exit 1 naming the
 *                                          subject and field when a changed schema is incompatible
 *
 * Exit codes: 0 done, 1 incompatible or the registry failed, 2 usage, 78 bad configuration.
 */
import { configOrExit, loadConfig, schemaRegistryVariables, toSchemaRegistryConfig } from '@crosscare/config';
import { CrosscareError, errorMessage } from '@crosscare/errors';
import * as path from 'node:path';
// The files themselves, not @crosscare/local-stack: the services bundle libs/events, and must not be judged (or
// rebuilt) by the local stack's sources; these two import nothing but node and each other.
import { stackPaths } from '../../../local-stack/src/paths';
import { envWithRegistryCredentials } from '../../../local-stack/src/registry-credentials';
import { SchemaRegistryClient } from '../registry';
import { loadSchemaDirectory, registeredSchemas } from '../schemas/load-schema-directory';
import { checkSchemas, registerSchemas, type SubjectCheck } from './schema-publisher';
import { schemasAtGitRef } from './schemas-at-git-ref';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

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

function describe(check: SubjectCheck): string {
  const label = {
    new: 'new subject',
    unchanged: 'unchanged',
    compatible: 'compatible change',
    incompatible: 'INCOMPATIBLE',
  }[check.status];
  const lines = [`  ${check.subject.padEnd(60)} ${label}`];
  for (const message of check.messages) lines.push(`      ${message}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
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
  const schemas = registeredSchemas(loaded);
  process.stdout.write(
    `schemas: ${loaded.events.length} event, ${loaded.changelog.length} changelog and ${loaded.audit.length} ` +
      `audit schemas from ${source}, registry ${registry.url}\n`,
  );

  if (command === 'check') {
    const checks = await checkSchemas(registry, schemas);
    process.stdout.write(`${checks.map(describe).join('\n')}\n`);
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
    process.stdout.write(`${checks.map(describe).join('\n')}\nschemas: nothing registered\n`);
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`schemas: ${errorMessage(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
