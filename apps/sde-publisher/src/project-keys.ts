import { MIN_KEY_BYTES, Pseudonymiser, type SdeProject } from '@crosscare/sde';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Each project's pseudonymiser, its key read from `<keysDir>/<key name>` (raw bytes, or hex or base64 text of at
 * least 32 bytes). Every fault is named at once, never the key: a missing, short or world-readable key stops the
 * publisher, for a guessable or leaked key would make every pseudonym of the project reversible.
 */
export function loadProjectKeys(
  projects: readonly SdeProject[],
  keysDir: string,
): Map<string, Pseudonymiser> {
  const problems: string[] = [];
  const keys = new Map<string, Pseudonymiser>();
  for (const project of projects) {
    const file = path.join(keysDir, project.pseudonymisationKey);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      problems.push(
        `project ${project.id}: key ${project.pseudonymisationKey} not found in SDE_KEYS_DIR (${file})`,
      );
      continue;
    }
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      problems.push(
        `project ${project.id}: key file ${file} is readable by others (mode ${(stat.mode & 0o777).toString(8)}); ` +
          'make it owner-only (chmod 600)',
      );
      continue;
    }
    const key = keyBytes(fs.readFileSync(file));
    if (key.length < MIN_KEY_BYTES) {
      problems.push(
        `project ${project.id}: key ${project.pseudonymisationKey} holds ${key.length} bytes, at least ` +
          `${MIN_KEY_BYTES} are required`,
      );
      continue;
    }
    keys.set(project.id, new Pseudonymiser(key));
  }
  const shared = duplicates(projects.map((p) => p.pseudonymisationKey));
  for (const name of shared)
    problems.push(`key ${name} is named by more than one project: their pseudonyms would link`);
  if (problems.length > 0) throw new Error(`SDE_KEYS_DIR: ${problems.join('; ')}`);
  return keys;
}

/** A key file as a secret store writes it: 64+ hex digits, base64 text, or raw bytes. */
function keyBytes(content: Buffer): Buffer {
  const text = content.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64,}$/.test(text) && text.length % 2 === 0) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43,}={0,2}$/.test(text)) return Buffer.from(text, 'base64');
  return content;
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}
