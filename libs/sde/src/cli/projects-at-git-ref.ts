import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The approved projects file as it was at a git ref, written to a temporary file whose path is returned; undefined
 * when the ref has no such file (a commit from before SDE projects existed). `file` is relative to the repository.
 */
export function projectsFileAtGitRef(repoRoot: string, ref: string, file: string): string | undefined {
  const resolved = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (resolved.status !== 0) throw new Error(`git ref "${ref}" does not name a commit in ${repoRoot}`);
  const commit = resolved.stdout.trim();
  const object = `${commit}:${file.split(path.sep).join('/')}`;
  const exists = spawnSync('git', ['cat-file', '-e', object], { cwd: repoRoot });
  if (exists.status !== 0) return undefined;
  const shown = spawnSync('git', ['show', object], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  if (shown.status !== 0) throw new Error(`git show ${ref}:${file} failed: ${shown.stderr.toString()}`);
  const target = fs.mkdtempSync(path.join(os.tmpdir(), `crosscare-sde-projects-${commit.slice(0, 12)}-`));
  const copy = path.join(target, path.basename(file));
  fs.writeFileSync(copy, shown.stdout);
  return copy;
}
