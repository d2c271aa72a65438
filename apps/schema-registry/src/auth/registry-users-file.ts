import { Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import { parseRegistryUsers, type RegistryUser, type RegistryUsers } from './registry-users';

/**
 * SCHEMA_REGISTRY_AUTH_USERS_FILE: more users, one `name:role:sha256hex` entry per line (blank lines and lines
 * starting with # are skipped), for principals added and removed while the registry runs: a subscriber grant
 * appends a reader, a revoke removes it. The registry notices a change within REFRESH_MS, without a restart.
 */
export interface ParsedRegistryUsersFile {
  readonly users: RegistryUsers;
  /** Name a line by number and, once well-formed, by user name: never by a hash. */
  readonly problems: readonly string[];
}

/** How often, at most, the file is checked for a change: a revoked reader is refused within this long. */
export const USERS_FILE_REFRESH_MS = 1000;

export function parseRegistryUsersFile(text: string): ParsedRegistryUsersFile {
  const entries: string[] = [];
  const lineNumbers: number[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    entries.push(line);
    lineNumbers.push(index + 1);
  });
  if (entries.length === 0) return { users: new Map(), problems: [] };
  // A comma inside a line would split it into two entries: refuse it instead of reading a different list.
  const problems = entries.flatMap((entry, i) =>
    entry.includes(',') ? [`line ${lineNumbers[i]} holds a comma: one entry per line`] : [],
  );
  const parsed = parseRegistryUsers(entries.join(','));
  problems.push(
    ...parsed.problems.map((p) =>
      p.replace(/^entry (\d+)/, (_, n: string) => `line ${lineNumbers[Number(n) - 1]}`),
    ),
  );
  return { users: problems.length === 0 ? parsed.users : new Map(), problems };
}

/** The file's users, or why it cannot be used (unreadable, or a bad line): never its content. */
export function readRegistryUsersFile(file: string): ParsedRegistryUsersFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return { users: new Map(), problems: [`${file} cannot be read (${code})`] };
  }
  const parsed = parseRegistryUsersFile(text);
  return { users: parsed.users, problems: parsed.problems.map((p) => `${file}: ${p}`) };
}

/** Who may call: the users from the environment and those of the users file as it is now. */
export interface UserDirectory {
  get(name: string): RegistryUser | undefined;
}

/**
 * The environment's users, fixed, and the file's, re-read when its modification time, size or inode changes
 * (checked at most every USERS_FILE_REFRESH_MS). A file that vanishes grants nothing more (fail closed); one that
 * turns unreadable or bad is logged and its last good users are kept, so a half-edited file does not lock every
 * subscriber out (writers replace it atomically). A name in both places is the environment's: the file cannot
 * change an operator's user.
 */
export class RegistryUserDirectory implements UserDirectory {
  private readonly logger = new Logger('SchemaRegistry');
  private fileUsers: RegistryUsers = new Map();
  private stamp = '';
  private checkedAt = -Infinity;

  constructor(
    private readonly envUsers: RegistryUsers = new Map(),
    private readonly file?: string,
    private readonly refreshMs = USERS_FILE_REFRESH_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.refresh(true);
  }

  get(name: string): RegistryUser | undefined {
    const fixed = this.envUsers.get(name);
    if (fixed) return fixed;
    this.refresh();
    return this.fileUsers.get(name);
  }

  /** Names and roles of everyone who may call now, for the start-up log: never a hash. */
  describe(): string[] {
    this.refresh(true);
    const file = [...this.fileUsers.values()].filter((u) => !this.envUsers.has(u.name));
    return [...this.envUsers.values(), ...file].map((u) => `${u.name} (${u.role})`);
  }

  private refresh(force = false): void {
    if (this.file === undefined) return;
    const now = this.now();
    if (!force && now - this.checkedAt < this.refreshMs) return;
    this.checkedAt = now;
    let stamp: string;
    try {
      const stat = fs.statSync(this.file);
      stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch (error) {
      stamp = `missing:${(error as NodeJS.ErrnoException).code}`;
    }
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    if (stamp === 'missing:ENOENT') {
      if (this.fileUsers.size > 0) this.logger.warn(`users file ${this.file} is gone: its users are refused`);
      this.fileUsers = new Map();
      return;
    }
    const parsed = readRegistryUsersFile(this.file);
    if (parsed.problems.length > 0) {
      this.logger.warn(`users file not reloaded, keeping its last good users: ${parsed.problems.join('; ')}`);
      return;
    }
    this.fileUsers = parsed.users;
  }
}
