import type { EventType, SchemaRegistryClient } from '@crosscare/events';
import { RegistryErrorCode, SchemaRegistryError } from '@crosscare/events';
import { kindField, projectRowSchema, projectRowSubject, type SdeProject } from '@crosscare/sde';
import { Type } from 'avsc';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { exportLayouts, type KindLayout } from './export-columns';
import { EXPORT_FILE_MODE, ExportDirectory } from './export-directory';
import {
  buildManifest,
  CHECKSUMS_FILE,
  MANIFEST_FILE,
  manifestText,
  sha256Sums,
  type ExportedFile,
  type ExportManifest,
} from './export-manifest';
import { PARQUET_WRITER } from './parquet-writer-library';
import { ParquetKindFile } from './parquet-kind-file';
import { ProjectRowDecoder } from './project-row-decoder';
import { openProjectSnapshot, type ProjectSnapshot } from './project-snapshot';
import { SdeExportError } from './sde-export-error';

/**
 * Rows held per kind before they are written: memory is about 0.5 KB a held row, so at most about 10 MB per kind
 * with rows, whatever the project's size (measured in docs/sde.md). Larger groups compress a little
 * better but multiply by the number of kinds, as every kind holds its own.
 */
export const DEFAULT_ROW_GROUP_ROWS = 20_000;

export interface ExportProgress {
  /** Once, before the first row: how many rows the export will read. */
  started?(totalRows: number): void;
  /** After each page: rows read so far, and the rows in each file so far. */
  advanced?(rowsRead: number, rowsPerFile: ReadonlyMap<string, number>): void;
}

export interface ExportProjectOptions {
  /** The publisher's store (its search_path the store's schema). */
  readonly dataSource: DataSource;
  readonly registry: Pick<SchemaRegistryClient, 'schemaById' | 'lookup'>;
  readonly project: SdeProject;
  /** Must not exist, or be an empty directory. */
  readonly out: string;
  readonly rowGroupRows?: number;
  readonly pageRows?: number;
  readonly now?: () => Date;
  readonly progress?: ExportProgress;
  /** Stops between pages (Ctrl-C): the export is then discarded like any failed one. */
  readonly signal?: AbortSignal;
}

export interface ExportOutcome {
  readonly out: string;
  readonly manifest: ExportManifest;
  /** Rows of kinds the project is no longer approved for: left out, for the operator to see (never in the manifest). */
  readonly notApproved: number;
}

/**
 * `sde:export`: a project's current rows as one Parquet file per approved event kind, with a manifest and SHA256SUMS,
 * as of the offsets the publisher had consumed. Rows are read in one snapshot, decoded in today's schema and written
 * a row group at a time; everything appears at `out` at once, or nothing does.
 */
export async function exportProject(options: ExportProjectOptions): Promise<ExportOutcome> {
  const { project, registry } = options;
  const readerSchema = projectRowSchema(project);
  const reader = Type.forSchema(readerSchema as never);
  const layouts = new Map(exportLayouts(project, reader).map((l) => [l.kind as string, l]));
  const subject = projectRowSubject(project);

  const directory = await ExportDirectory.prepare(options.out);
  const files = new Map<string, ParquetKindFile>();
  let snapshot: ProjectSnapshot | undefined;
  try {
    const current = await registeredSchema(registry, subject, readerSchema);
    const decoder = new ProjectRowDecoder(reader, (id) => registry.schemaById(id));
    snapshot = await openProjectSnapshot(options.dataSource, project.id, options.pageRows);
    options.progress?.started?.(snapshot.rowCount);

    let read = 0;
    let notApproved = 0;
    for await (const page of snapshot.pages()) {
      if (options.signal?.aborted)
        throw new SdeExportError('the export was interrupted; nothing was written');
      for (const stored of page) {
        const row = await decoder.decode(stored.rowKey, stored.schemaId, stored.payload);
        const layout = layouts.get(String(row.eventType));
        if (!layout) {
          notApproved++;
          continue;
        }
        if (row[kindField(layout.kind)] === null || row[kindField(layout.kind)] === undefined)
          throw new SdeExportError(
            `row ${stored.rowKey} is a ${layout.kind} without its ${kindField(layout.kind)} fields`,
          );
        const file = files.get(layout.kind) ?? (await openKindFile(directory, layout, options, files));
        await file.append(row);
      }
      read += page.length;
      options.progress?.advanced?.(
        read,
        new Map([...files].map(([kind, f]) => [layouts.get(kind)!.file, f.rows])),
      );
    }
    const asOf = snapshot.asOf;
    await snapshot.close();

    const written: ExportedFile[] = [];
    for (const [kind, file] of files) {
      const result = await file.close();
      written.push({ name: layouts.get(kind)!.file, eventKind: kind as EventType, ...result });
    }
    const manifest = buildManifest({
      project,
      schema: { subject, ...current, writerSchemaIds: decoder.writerSchemaIds },
      generatedAt: (options.now ?? (() => new Date()))(),
      asOf,
      files: written,
      writer: PARQUET_WRITER,
    });
    const text = manifestText(manifest);
    await directory.writeFile(MANIFEST_FILE, text);
    await directory.writeFile(
      CHECKSUMS_FILE,
      sha256Sums([
        ...written,
        { name: MANIFEST_FILE, sha256: createHash('sha256').update(text).digest('hex') },
      ]),
    );
    await directory.commit();
    return { out: directory.out, manifest, notApproved };
  } catch (error) {
    await Promise.allSettled([...files.values()].map((f) => f.abandon()));
    await snapshot?.close().catch(() => undefined);
    await directory.discard();
    throw error;
  }
}

async function openKindFile(
  directory: ExportDirectory,
  layout: KindLayout,
  options: ExportProjectOptions,
  files: Map<string, ParquetKindFile>,
): Promise<ParquetKindFile> {
  // Only a kind with rows gets a file: see PARQUET_WRITER on why an empty file is not written.
  const file = await ParquetKindFile.create(directory.file(layout.file), layout, {
    rowGroupRows: options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS,
    createdBy: PARQUET_WRITER.createdBy,
    mode: EXPORT_FILE_MODE,
  });
  files.set(layout.kind, file);
  return file;
}

/** The registry id and version of the files' shape: the project's schema today, which the publisher registered. */
async function registeredSchema(
  registry: ExportProjectOptions['registry'],
  subject: string,
  schema: object,
): Promise<{ id: number; version: number }> {
  try {
    return await registry.lookup(subject, schema);
  } catch (error) {
    if (
      error instanceof SchemaRegistryError &&
      (error.errorCode === RegistryErrorCode.SubjectNotFound ||
        error.errorCode === RegistryErrorCode.SchemaNotFound)
    )
      throw new SdeExportError(
        `the project's row schema as approved today is not registered under ${subject}: the publisher registers ` +
          'it when it starts with this approval; an export only has a shape the registry knows',
        error,
      );
    throw error;
  }
}
