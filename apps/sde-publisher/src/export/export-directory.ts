import { errorMessage } from '@crosscare/errors';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SdeExportError } from './sde-export-error';

/** Researchers' data: the owner writes, the owner's group (the TRE's transfer service) reads, nobody else. */
export const EXPORT_DIR_MODE = 0o750;
export const EXPORT_FILE_MODE = 0o640;

/**
 * Where an export is written: a hidden directory beside --out (same file system, so the final rename is atomic),
 * renamed to --out only once every file and the manifest are complete. A failed or killed export therefore leaves
 * nothing at --out, and at most a `.<name>.partial-*` directory without a manifest, which discard() removes.
 */
export class ExportDirectory {
  private constructor(
    readonly out: string,
    readonly staging: string,
  ) {}

  /** Refuses an --out that exists and is not an empty directory: two exports are never mixed. */
  static async prepare(out: string): Promise<ExportDirectory> {
    const target = path.resolve(out);
    await requireEmptyOrAbsent(target, out);
    const parent = path.dirname(target);
    const parentStat = await fs.stat(parent).catch(() => undefined);
    if (!parentStat?.isDirectory())
      throw new SdeExportError(`--out ${out}: its parent directory ${parent} does not exist`);
    const staging = await fs.mkdtemp(path.join(parent, `.${path.basename(target)}.partial-`));
    await fs.chmod(staging, EXPORT_DIR_MODE);
    return new ExportDirectory(target, staging);
  }

  /** A file's path in the staging directory. */
  file(name: string): string {
    return path.join(this.staging, name);
  }

  async writeFile(name: string, data: string | Buffer): Promise<void> {
    const handle = await fs.open(this.file(name), 'wx', EXPORT_FILE_MODE);
    try {
      await handle.chmod(EXPORT_FILE_MODE);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Makes the export visible at --out, all at once. */
  async commit(): Promise<void> {
    await syncDirectory(this.staging);
    try {
      // rename(2) replaces an empty directory and fails on a non-empty one: if --out filled up meanwhile, it fails.
      await fs.rename(this.staging, this.out);
    } catch (error) {
      throw new SdeExportError(
        `the export could not be moved to ${this.out} (${errorMessage(error)}): has something else written there?`,
        error,
      );
    }
    await syncDirectory(path.dirname(this.out));
  }

  async discard(): Promise<void> {
    await fs.rm(this.staging, { recursive: true, force: true });
  }
}

async function requireEmptyOrAbsent(target: string, given: string): Promise<void> {
  let stat;
  try {
    stat = await fs.lstat(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (stat.isSymbolicLink())
    throw new SdeExportError(`--out ${given} is a symbolic link: give the directory itself`);
  if (!stat.isDirectory()) throw new SdeExportError(`--out ${given} exists and is not a directory`);
  const entries = await fs.readdir(target);
  if (entries.length > 0)
    throw new SdeExportError(
      `--out ${given} is not empty (${entries.length} entries): an export goes into a new or empty directory, ` +
        'never beside the files of another',
    );
}

/** The directory's entries reach the disk before the export is declared done. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
