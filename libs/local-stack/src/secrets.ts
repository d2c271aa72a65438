import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StackPaths } from './paths';

/**
 * The local stack's secrets (Kafka and registry passwords, the CA's key): one file each under
 * `<CROSSCARE_HOME>/secrets`, a folder only its owner may enter, files only the owner may read. Generated on first
 * use and kept, so restarts and later commands agree; never printed, never in the repository (.crosscare is ignored).
 */
export function secretsDir(paths: StackPaths): string {
  return path.join(paths.home, 'secrets');
}

/** Where the named secret lives (the file may not exist yet). */
export function secretFile(paths: StackPaths, name: string): string {
  return secretFileIn(secretsDir(paths), name);
}

function secretFileIn(dir: string, name: string): string {
  if (!/^[a-z0-9][a-z0-9._-]{0,100}$/.test(name)) throw new Error(`bad secret name "${name}"`);
  return path.join(dir, name);
}

/** A URL-safe random password: 32 bytes of entropy, no characters that need quoting in JAAS or URLs. */
export function newPassword(): string {
  return randomBytes(32).toString('base64url');
}

/** The named secret, created with `make` on first use. Two commands racing keep the first one written. */
export function localSecret(paths: StackPaths, name: string, make: () => string = newPassword): string {
  return ownerOnlySecret(secretsDir(paths), name, make);
}

/**
 * The same in an owner-only folder of secrets `dir` (the secrets folder or one inside it, made if missing): a secret
 * of one kind kept apart from the others, so that a service given the folder reads those alone.
 */
export function ownerOnlySecret(dir: string, name: string, make: () => string = newPassword): string {
  const file = secretFileIn(dir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  try {
    fs.writeFileSync(file, `${make()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return fs.readFileSync(file, 'utf8').trim();
}
