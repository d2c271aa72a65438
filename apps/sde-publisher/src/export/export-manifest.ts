import type { EventType } from '@crosscare/events';
import type { SdeProject } from '@crosscare/sde';
import type { SourcePosition } from './project-snapshot';
import { SdeExportError } from './sde-export-error';

export const MANIFEST_FILE = 'manifest.json';
export const CHECKSUMS_FILE = 'SHA256SUMS';
/** Raised when the manifest changes in a way a TRE's loader must notice. */
export const MANIFEST_FORMAT = 'crosscare-sde-export/1';

export interface ExportedFile {
  readonly name: string;
  readonly eventKind: EventType;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ManifestInput {
  readonly project: Pick<SdeProject, 'id' | 'title' | 'agreement' | 'output' | 'precision' | 'events'>;
  /** The project's row schema today (the files' shape) and the versions the rows were written with. */
  readonly schema: {
    readonly subject: string;
    readonly id: number;
    readonly version: number;
    readonly writerSchemaIds: readonly number[];
  };
  readonly generatedAt: Date;
  readonly asOf: readonly SourcePosition[];
  readonly files: readonly ExportedFile[];
  readonly writer: {
    readonly library: string;
    readonly version: string;
    readonly compression: string;
    /** As each file's footer names its writer. */
    readonly createdBy: string;
  };
}

/**
 * What a TRE needs to load and trust an export. Deliberately without any count of rows left out (withheld for an
 * opt-out, or of kinds no longer approved): a small number could single out the patients who opted out.
 */
export interface ExportManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly project: {
    readonly id: string;
    readonly title: string;
    readonly agreement: string;
    readonly outputVersion: number;
    readonly precision: SdeProject['precision'];
  };
  readonly schema: ManifestInput['schema'];
  readonly generatedAt: string;
  /** The publisher's next offset per source partition: the export is its state as of these. */
  readonly asOf: readonly SourcePosition[];
  /** Every approved kind; a kind without a file had no rows. */
  readonly eventKinds: readonly EventType[];
  readonly files: readonly ExportedFile[];
  readonly totalRows: number;
  readonly writer: ManifestInput['writer'];
}

/** Pure: the manifest of an export, files in name order. */
export function buildManifest(input: ManifestInput): ExportManifest {
  const { project } = input;
  const files = [...input.files].sort((a, b) => compare(a.name, b.name));
  return {
    format: MANIFEST_FORMAT,
    project: {
      id: project.id,
      title: project.title,
      agreement: project.agreement,
      outputVersion: project.output.version,
      precision: project.precision,
    },
    schema: { ...input.schema, writerSchemaIds: [...input.schema.writerSchemaIds].sort((a, b) => a - b) },
    generatedAt: input.generatedAt.toISOString(),
    asOf: [...input.asOf].sort((a, b) => compare(a.topic, b.topic) || a.partition - b.partition),
    eventKinds: [...project.events.keys()],
    files,
    totalRows: files.reduce((sum, f) => sum + f.rows, 0),
    writer: input.writer,
  };
}

/** The manifest as written: indented for people, with a final newline. */
export function manifestText(manifest: ExportManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * A SHA256SUMS file in the format `sha256sum -c` checks (hash, two spaces, name), in name order. Names are
 * restricted to the export's own plain names: sha256sum escapes others, which would not round-trip.
 */
export function sha256Sums(entries: readonly { readonly name: string; readonly sha256: string }[]): string {
  return [...entries]
    .sort((a, b) => compare(a.name, b.name))
    .map(({ name, sha256 }) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
        throw new SdeExportError(`${JSON.stringify(name)} is not a plain file name`);
      if (!/^[0-9a-f]{64}$/.test(sha256))
        throw new SdeExportError(`${name}: ${sha256} is not a SHA-256 in lower-case hex`);
      return `${sha256}  ${name}\n`;
    })
    .join('');
}

/** Code-point order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
