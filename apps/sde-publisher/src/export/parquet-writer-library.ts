import * as fs from 'node:fs';
import * as path from 'node:path';

const LIBRARY = 'hyparquet-writer';

/**
 * The Parquet writer, as the manifest and each file's created_by name it: a TRE that finds a fault in a reader or
 * writer can tell which exports it touches.
 *
 * A kind without rows gets no file: hyparquet-writer 0.17.0 writes a file without row groups with its footer's
 * empty row-group list typed as bytes, which arrow-rs (and so Polars and DataFusion) refuses ("Expected list element
 * type of Struct but got Byte"), while files with rows read everywhere. The manifest lists every approved kind, so
 * a missing file reads as "no rows", not as a failure.
 */
export const PARQUET_WRITER = (() => {
  const version = installedVersion(LIBRARY);
  return {
    library: LIBRARY,
    version,
    compression: 'SNAPPY',
    createdBy: `${LIBRARY} version ${version} (crosscare sde:export)`,
  } as const;
})();

/** From the package itself, not package.json's range: the manifest states what actually wrote the files. */
function installedVersion(name: string): string {
  // The package's exports hide its package.json, so walk up from its entry point.
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === name && parsed.version) return parsed.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the version of ${name}`);
    dir = parent;
  }
}
