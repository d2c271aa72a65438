import { createHash } from 'node:crypto';
import { authenticate, parseBasicAuthorization } from './basic-credentials';
import type { RegistryUser } from './registry-users';

const basic = (userAndPassword: string) => `Basic ${Buffer.from(userAndPassword).toString('base64')}`;
const user = (name: string, role: RegistryUser['role'], password: string): RegistryUser => ({
  name,
  role,
  passwordSha256: createHash('sha256').update(password).digest(),
});
const users = new Map([
  ['consumer', user('consumer', 'reader', 'r3ad-only')],
  ['ci', user('ci', 'writer', 'p@ss:with:colons é')],
]);

describe('parseBasicAuthorization', () => {
  it('splits at the first colon: the password may contain more', () => {
    expect(parseBasicAuthorization(basic('ci:p@ss:with:colons'))).toEqual({
      name: 'ci',
      password: 'p@ss:with:colons',
    });
    expect(parseBasicAuthorization(basic('ci:'))).toEqual({ name: 'ci', password: '' });
  });

  it('accepts any case of the scheme and extra spaces, as RFC 7235 allows', () => {
    const token = Buffer.from('a:b').toString('base64');
    expect(parseBasicAuthorization(`basic ${token}`)).toEqual({ name: 'a', password: 'b' });
    expect(parseBasicAuthorization(`BASIC  ${token} `)).toEqual({ name: 'a', password: 'b' });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', `Bearer ${Buffer.from('a:b').toString('base64')}`],
    ['no token', 'Basic '],
    ['not base64', 'Basic a:b'],
    ['no colon inside', basic('just-a-name')],
  ])('gives nothing for %s', (_, header) => {
    expect(parseBasicAuthorization(header)).toBeUndefined();
  });
});

describe('authenticate', () => {
  it('returns the user whose password hashes to the configured sha256', () => {
    expect(authenticate(basic('consumer:r3ad-only'), users)?.role).toBe('reader');
    expect(authenticate(basic('ci:p@ss:with:colons é'), users)?.role).toBe('writer');
  });

  it.each([
    ['a wrong password', basic('consumer:r3ad-onlY')],
    ['an empty password', basic('consumer:')],
    ["another user's password", basic('consumer:p@ss:with:colons é')],
    ['an unknown user', basic('nobody:r3ad-only')],
    ['a name in another case', basic('Consumer:r3ad-only')],
    [
      'the hash itself as the password',
      basic(`consumer:${users.get('consumer')!.passwordSha256.toString('hex')}`),
    ],
    ['no credentials', undefined],
    ['a malformed header', 'Basic !!!'],
  ])('refuses %s', (_, header) => {
    expect(authenticate(header, users)).toBeUndefined();
  });
});
