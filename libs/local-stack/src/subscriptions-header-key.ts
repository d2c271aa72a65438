import { randomBytes } from 'node:crypto';
import type { StackPaths } from './paths';
import { localSecret, secretFile } from './secrets';

/** The subscription service's header-sealing key: 32 random bytes (AES-256), base64, as it reads them. */
export const HEADER_KEY_FILE_BYTES = 32;
const SECRET_NAME = 'subscriptions-header-key';

/** Made once with the stack's other secrets (owner-only) and kept, so sealed headers open after a restart. */
export function ensureSubscriptionsHeaderKey(paths: StackPaths): string {
  localSecret(paths, SECRET_NAME, () => randomBytes(HEADER_KEY_FILE_BYTES).toString('base64'));
  return secretFile(paths, SECRET_NAME);
}
