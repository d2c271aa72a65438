import { progressBar, type ProgressBar } from '@crosscare/cli';
import { configOrExit } from '@crosscare/config';
import { createSchemaDataSource } from '@crosscare/database';
import { errorMessage } from '@crosscare/errors';
import { SchemaRegistryClient } from '@crosscare/events';
import { loadSdeProjects, projectById, type SdeProject } from '@crosscare/sde';
import * as path from 'node:path';
import { EXIT_USAGE, EXPORT_USAGE, parseExportArgs, UsageError } from '../export/export-args';
import { loadExportConfig } from '../export/export-config';
import { exportProject } from '../export/export-project';

/**
 * npm run sde:export -- --project <id> --out <dir>: an approved project's current rows from the publisher's store,
 * as Parquet files with a manifest and SHA256SUMS, for a trusted research environment to take. Progress on stdout;
 * reads the store in one read-only transaction and changes nothing in it.
 */
async function main(): Promise<number> {
  let args;
  try {
    args = parseExportArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sde:export: ${error.message}\n${EXPORT_USAGE}\n`);
    return EXIT_USAGE;
  }
  const config = configOrExit('sde:export', () => loadExportConfig());
  let project: SdeProject;
  try {
    project = projectById(loadSdeProjects(), args.project);
  } catch (error) {
    process.stderr.write(`sde:export: ${errorMessage(error)}\n`);
    return EXIT_USAGE;
  }
  // npm runs scripts from the repository's root; a relative --out means the caller's directory.
  const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), args.out);

  // Read only, so no migrations: a schema without the publisher's tables is reported, not created.
  const dataSource = createSchemaDataSource({
    database: { ...config.database, poolSize: 2 },
    schema: config.databaseSchema,
    migrations: [],
    migrationsTableName: 'sde_migrations',
    applicationName: 'crosscare-sde-export',
  });
  await dataSource.initialize();
  const interrupt = new AbortController();
  const stop = () => interrupt.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let bar: ProgressBar | undefined;
  try {
    const outcome = await exportProject({
      dataSource,
      registry: new SchemaRegistryClient(config.schemaRegistry),
      project,
      out,
      signal: interrupt.signal,
      progress: {
        started: (total) => (bar = progressBar(`Exporting ${project.id}`, total)),
        advanced: (read, perFile) =>
          bar?.update(read, `(${perFile.size} file${perFile.size === 1 ? '' : 's'})`),
      },
    });
    const { manifest } = outcome;
    bar?.done(`${manifest.totalRows} rows in ${manifest.files.length} files`);
    for (const file of manifest.files)
      process.stdout.write(
        `  ${file.name.padEnd(40)} ${String(file.rows).padStart(10)} rows ${size(file.bytes)}\n`,
      );
    const empty = manifest.eventKinds.filter((kind) => !manifest.files.some((f) => f.eventKind === kind));
    if (empty.length > 0) process.stdout.write(`  no rows (no file): ${empty.join(', ')}\n`);
    if (outcome.notApproved > 0)
      process.stderr.write(
        `sde:export: ${outcome.notApproved} stored rows are of kinds ${project.id} is no longer approved for and ` +
          'were left out\n',
      );
    process.stdout.write(
      `exported ${project.id} (${project.agreement}) to ${outcome.out} as of ${manifest.asOf.length} source ` +
        `partitions; verify with: (cd ${outcome.out} && sha256sum -c SHA256SUMS)\n`,
    );
    return 0;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await dataSource.destroy();
  }
}

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`sde:export failed: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
