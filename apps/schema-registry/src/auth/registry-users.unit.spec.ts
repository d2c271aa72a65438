import { createHash } from 'node:crypto';
import { parseRegistryUsers } from './registry-users';

const hashOf = (password: string) => createHash('sha256').update(password).digest('hex');
const READER_HASH = hashOf('reader-secret');
const WRITER_HASH = hashOf('writer-secret');

describe('parseRegistryUsers (SCHEMA_REGISTRY_AUTH_USERS)', () => {
  it('reads name:role:sha256hex entries, tolerating spaces and upper-case hex', () => {
    const { users, problems } = parseRegistryUsers(
      ` consumer:reader:${READER_HASH} , ci-deploy@crosscare:writer: ${WRITER_HASH.toUpperCase()}`,
    );
    expect(problems).toEqual([]);
    expect([...users.keys()]).toEqual(['consumer', 'ci-deploy@crosscare']);
    expect(users.get('consumer')).toEqual({
      name: 'consumer',
      role: 'reader',
      passwordSha256: Buffer.from(READER_HASH, 'hex'),
    });
    expect(users.get('ci-deploy@crosscare')?.role).toBe('writer');
    expect(users.get('ci-deploy@crosscare')?.passwordSha256).toEqual(Buffer.from(WRITER_HASH, 'hex'));
  });

  it.each([
    ['an empty entry', `a:reader:${READER_HASH},,b:writer:${WRITER_HASH}`, 'entry 2 is empty'],
    ['a trailing comma', `a:reader:${READER_HASH},`, 'entry 2 is empty'],
    ['too few fields', 'a:reader', 'entry 1 is not name:role:sha256hex (it has 2 field(s)'],
    ['too many fields', `a:reader:${READER_HASH}:x`, 'entry 1 is not name:role:sha256hex (it has 4 field(s)'],
    ['no separators at all', 'justaname', 'entry 1 is not name:role:sha256hex (it has 1 field(s)'],
    ['an empty name', `:reader:${READER_HASH}`, 'entry 1 has a bad user name'],
    ['a name with a space', `a b:reader:${READER_HASH}`, 'entry 1 has a bad user name'],
    ['a name longer than 100', `${'n'.repeat(101)}:reader:${READER_HASH}`, 'entry 1 has a bad user name'],
    ['an unknown role', `a:admin:${READER_HASH}`, 'entry 1 (a) has a role other than reader or writer'],
    ['an upper-case role', `a:Writer:${READER_HASH}`, 'entry 1 (a) has a role other than reader or writer'],
    ['an empty role', `a::${READER_HASH}`, 'entry 1 (a) has a role other than reader or writer'],
    ['a hash too short', `a:reader:${READER_HASH.slice(1)}`, 'entry 1 (a) needs a password hash of 64 hex'],
    ['a hash too long', `a:reader:${READER_HASH}0`, 'entry 1 (a) needs a password hash of 64 hex'],
    ['a non-hex hash', `a:reader:${'g'.repeat(64)}`, 'entry 1 (a) needs a password hash of 64 hex'],
    ['a plain password', 'a:reader:hunter2', 'entry 1 (a) needs a password hash of 64 hex'],
    ['a repeated name', `a:reader:${READER_HASH},a:writer:${WRITER_HASH}`, 'entry 2 (a) repeats a user name'],
  ])('refuses %s, and starts with no users at all', (_, value, problem) => {
    const { users, problems } = parseRegistryUsers(value);
    expect(problems).toEqual([expect.stringContaining(problem)]);
    expect(users.size).toBe(0);
  });

  it('names every bad entry at once, and tells how to make a hash', () => {
    const { problems } = parseRegistryUsers(`good:reader:${READER_HASH},b:boss:${READER_HASH},c:writer:xyz`);
    expect(problems).toEqual([
      'entry 2 (b) has a role other than reader or writer (lower case)',
      "entry 3 (c) needs a password hash of 64 hex digits: the hex sha256 of the password, as printed by: printf %s 'password' | sha256sum",
    ]);
  });

  it('never echoes a field that may be a secret: the hash, or a password pasted in place of a name or role', () => {
    const secrets = ['hunter2-pasted', READER_HASH];
    const { problems } = parseRegistryUsers(
      [
        `hunter2-pasted`, // a password alone
        `a:hunter2-pasted:${READER_HASH}`, // in the role's place
        `hunter2-pasted:${READER_HASH}`, // no role
        `x:reader:hunter2-pasted`, // in the hash's place
        `y y:reader:${READER_HASH}`,
      ].join(','),
    );
    expect(problems).toHaveLength(5);
    for (const secret of secrets) expect(problems.join('\n')).not.toContain(secret);
  });
});
