import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Writes the schemas/ folder as it was at a git ref into a temporary folder and returns it, or undefined when
 * the ref has no schemas/ yet. CI uses it to register the previous commit's contract before checking this one.
 */
export function schemasAtGitRef(repoRoot: string, ref: string): string | undefined {
  const resolved = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (resolved.status !== 0) throw new Error(`git ref "${ref}" does not name a commit in ${repoRoot}`);
  const commit = resolved.stdout.trim();
  const listed = spawnSync('git', ['ls-tree', '--name-only', commit, 'schemas/events/'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (listed.status !== 0 || listed.stdout.trim() === '') return undefined;

  const target = fs.mkdtempSync(path.join(os.tmpdir(), `crosscare-schemas-${commit.slice(0, 12)}-`));
  const archive = spawnSync('git', ['archive', '--format=tar', commit, 'schemas'], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (archive.status !== 0)
    throw new Error(`git archive ${ref} schemas failed: ${archive.stderr.toString()}`);
  const untar = spawnSync('tar', ['-x', '-C', target], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`could not unpack schemas of ${ref}: ${untar.stderr.toString()}`);
  return path.join(target, 'schemas');
}
