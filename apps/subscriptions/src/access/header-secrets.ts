import { CrosscareError } from '@crosscare/errors';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM: a key of 32 bytes. */
export const HEADER_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** The first byte of every sealed value, so a later key or cipher can be told apart from this one. */
const FORMAT_V1 = 1;

/** The key from its file's text (base64), or undefined when it is not one. */
export function parseHeaderKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return undefined;
  const key = Buffer.from(trimmed, 'base64');
  return key.length === HEADER_KEY_BYTES ? key : undefined;
}

/**
 * A subscriber's channel headers carry its secret (the receiver authenticates Crosscare by it), so Crosscare must be
 * able to send them again: sealed, not hashed. The key comes from the environment, never the database, so a copy of
 * the database alone reveals no subscriber's secret. The subscription's id is bound in as associated data: a sealed
 * value copied onto another subscription's row does not open.
 */
export class HeaderSecrets {
  constructor(private readonly key: Buffer) {
    if (key.length !== HEADER_KEY_BYTES)
      throw new HeaderSecretError(`the key must be ${HEADER_KEY_BYTES} bytes`);
  }

  seal(subscriptionId: string, headers: readonly string[]): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(subscriptionId, 'utf8'));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(headers), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT_V1), nonce, cipher.getAuthTag(), sealed]);
  }

  open(subscriptionId: string, sealed: Buffer): string[] {
    if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1)
      throw new HeaderSecretError('the sealed headers are not in a format this service knows');
    const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
    const tag = sealed.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
    decipher.setAAD(Buffer.from(subscriptionId, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      const text = Buffer.concat([
        decipher.update(sealed.subarray(1 + NONCE_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      return JSON.parse(text) as string[];
    } catch {
      // Never the key or the plaintext in the message.
      throw new HeaderSecretError('the sealed headers do not open with this key (was the key changed?)');
    }
  }
}

export class HeaderSecretError extends CrosscareError {
  constructor(message: string) {
    super(message, { retriable: false });
    this.name = 'HeaderSecretError';
  }
}
