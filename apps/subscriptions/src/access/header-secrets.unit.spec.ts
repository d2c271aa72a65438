import { randomBytes } from 'node:crypto';
import { HEADER_KEY_BYTES, HeaderSecrets, parseHeaderKey } from './header-secrets';

describe('HeaderSecrets', () => {
  const key = randomBytes(HEADER_KEY_BYTES);
  const secrets = new HeaderSecrets(key);
  const headers = ['Authorization: Bearer s3cret-value', 'X-Practice: P1'];

  it('opens what it sealed, for the same subscription', () => {
    const sealed = secrets.seal('sub-1', headers);
    expect(sealed.toString('utf8')).not.toContain('s3cret-value');
    expect(secrets.open('sub-1', sealed)).toEqual(headers);
  });

  it('does not open a value sealed for another subscription', () => {
    const sealed = secrets.seal('sub-1', headers);
    expect(() => secrets.open('sub-2', sealed)).toThrow('do not open');
  });

  it('does not open under another key, and says nothing of the secret', () => {
    const sealed = secrets.seal('sub-1', headers);
    const other = new HeaderSecrets(randomBytes(HEADER_KEY_BYTES));
    expect(() => other.open('sub-1', sealed)).toThrow(/^(?!.*s3cret).*do not open/);
  });

  it('refuses a tampered value', () => {
    const sealed = secrets.seal('sub-1', headers);
    sealed[sealed.length - 1] ^= 1;
    expect(() => secrets.open('sub-1', sealed)).toThrow('do not open');
  });

  it('reads a base64 key of the right length only', () => {
    expect(parseHeaderKey(`${key.toString('base64')}\n`)).toEqual(key);
    expect(parseHeaderKey(randomBytes(16).toString('base64'))).toBeUndefined();
    expect(parseHeaderKey('not base64!')).toBeUndefined();
  });
});
