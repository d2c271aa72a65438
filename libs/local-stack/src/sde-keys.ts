import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { StackPaths } from './paths';
import { ownerOnlySecret, secretsDir } from './secrets';

/**
 * The local SDE publisher's pseudonymisation keys: one file per key an approved project names, in a folder of their
 * own inside the stack's secrets (owner-only), which is what SDE_KEYS_DIR points at. A folder apart, not the secrets
 * folder itself: the publisher reads keys alone, and a project naming its key like another secret (a Kafka
 * password's file) must not make that secret its key.
 */
export function sdeKeysDir(paths: StackPaths): string {
  return path.join(secretsDir(paths), 'sde-keys');
}

/** A new key: 32 random bytes as hex text, which the publisher reads as 32 bytes. */
export function newSdeKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Makes each named key that is missing and keeps those that exist: a new key would change every pseudonym of its
 * project, and the project's consumers could no longer link a patient's rows across the change. Returns the folder.
 */
export function ensureSdeKeys(paths: StackPaths, keyNames: readonly string[]): string {
  const dir = sdeKeysDir(paths);
  for (const name of keyNames) ownerOnlySecret(dir, name, newSdeKey);
  return dir;
}

/** The variable docker-compose.yml takes a key from (as a secret's `environment:`): `sde-x` → CROSSCARE_SDE_KEY_SDE_X. */
export function composeSdeKeyVariable(keyName: string): string {
  return `CROSSCARE_SDE_KEY_${keyName.replace(/-/g, '_').toUpperCase()}`;
}

/** Each named key as docker-compose.yml takes it, from the local stack's keys (made if missing), so both agree. */
export function sdeKeyComposeEnv(paths: StackPaths, keyNames: readonly string[]): Record<string, string> {
  const dir = ensureSdeKeys(paths, keyNames);
  return Object.fromEntries(
    keyNames.map((name) => [composeSdeKeyVariable(name), ownerOnlySecret(dir, name, newSdeKey)]),
  );
}
