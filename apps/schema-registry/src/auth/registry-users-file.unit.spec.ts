import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseRegistryUsersFile, RegistryUserDirectory } from './registry-users-file';
import type { RegistryUser } from './registry-users';

const hashOf = (password: string) => createHash('sha256').update(password).digest('hex');
const HASH = hashOf('secret');

describe('parseRegistryUsersFile', () => {
  it('reads one entry per line, skipping blank lines and comments', () => {
    const { users, problems } = parseRegistryUsersFile(
      `# granted readers\n\nsub-a:reader:${HASH}\r\n  sub-b:reader:${HASH}  \n`,
    );
    expect(problems).toEqual([]);
    expect([...users.values()].map((u) => [u.name, u.role])).toEqual([
      ['sub-a', 'reader'],
      ['sub-b', 'reader'],
    ]);
  });

  it('is empty when there is nothing but comments', () => {
    expect(parseRegistryUsersFile('# nobody yet\n')).toEqual({ users: new Map(), problems: [] });
  });

  it('names bad lines by their number, and takes none of the users', () => {
    const { users, problems } = parseRegistryUsersFile(
      `# header\nok:reader:${HASH}\n\nok:reader:${HASH}\nx:boss:${HASH}\na:reader:${HASH},b:reader:${HASH}\n`,
    );
    expect(problems).toEqual([
      'line 6 holds a comma: one entry per line',
      'line 4 (ok) repeats a user name',
      'line 5 (x) has a role other than reader or writer (lower case)',
    ]);
    expect(users.size).toBe(0);
  });
});

describe('RegistryUserDirectory', () => {
  let dir: string;
  let file: string;
  let clock: number;
  const env = new Map<string, RegistryUser>([
    ['admin', { name: 'admin', role: 'writer', passwordSha256: Buffer.from(HASH, 'hex') }],
  ]);
  const directory = () => new RegistryUserDirectory(env, file, 1000, () => clock);
  // A new inode each time, as an atomic replace gives, so a change within the same millisecond is still seen.
  const write = (text: string) => {
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-users-'));
    file = path.join(dir, 'users');
    clock = 0;
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sees entries added and removed, at most once per refresh interval', () => {
    write('');
    const users = directory();
    expect(users.get('sub')).toBeUndefined();

    write(`sub:reader:${HASH}\n`);
    clock = 500;
    expect(users.get('sub')).toBeUndefined(); // not checked again yet
    clock = 1000;
    expect(users.get('sub')?.role).toBe('reader');

    write('');
    clock = 2000;
    expect(users.get('sub')).toBeUndefined();
  });

  it("keeps the environment's users, whatever the file says", () => {
    write(`admin:reader:${hashOf('other')}\n`);
    const users = directory();
    expect(users.get('admin')).toBe(env.get('admin'));
    expect(users.describe()).toEqual(['admin (writer)']);
  });

  it('keeps the last good users when the file turns bad, and refuses them all when it is deleted', () => {
    write(`sub:reader:${HASH}\n`);
    const users = directory();
    write('sub:reader:not-a-hash\n');
    clock = 1000;
    expect(users.get('sub')?.role).toBe('reader');
    fs.rmSync(file);
    clock = 2000;
    expect(users.get('sub')).toBeUndefined();
    write(`sub:reader:${HASH}\n`);
    clock = 3000;
    expect(users.get('sub')?.role).toBe('reader');
  });

  it('works without a file', () => {
    const users = new RegistryUserDirectory(env);
    expect(users.get('admin')?.role).toBe('writer');
    expect(users.get('sub')).toBeUndefined();
  });
});
