/**
 * Who may call the registry, from SCHEMA_REGISTRY_AUTH_USERS: `name:role:sha256hex` entries separated by commas.
 * The environment holds only the sha256 of each password, so a leaked environment does not hand out logins.
 */

export type RegistryRole = 'reader' | 'writer';

export interface RegistryUser {
  readonly name: string;
  /** A writer may also read. */
  readonly role: RegistryRole;
  /** sha256 of the password: 32 bytes. */
  readonly passwordSha256: Buffer;
}

export type RegistryUsers = ReadonlyMap<string, RegistryUser>;

export interface ParsedRegistryUsers {
  readonly users: RegistryUsers;
  /** One line per bad entry; empty when every entry is good. */
  readonly problems: readonly string[];
}

// No ':' (HTTP basic auth ends the user name at the first colon), no ',' or whitespace (the list's separators).
const USER_NAME = /^[A-Za-z0-9._@-]{1,100}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const ROLES: readonly string[] = ['reader', 'writer'] satisfies RegistryRole[];

const HASH_HOWTO = "the hex sha256 of the password, as printed by: printf %s 'password' | sha256sum";

/**
 * Parses the users list. Problems name an entry by its position, and by its user name once that is known to be
 * well-formed: never by its hash, nor by a field that might be a password pasted in the wrong place.
 */
export function parseRegistryUsers(value: string): ParsedRegistryUsers {
  const users = new Map<string, RegistryUser>();
  const seen = new Set<string>();
  const problems: string[] = [];
  value.split(',').forEach((raw, index) => {
    const at = `entry ${index + 1}`;
    const entry = raw.trim();
    if (entry === '') {
      problems.push(`${at} is empty (remove the extra comma)`);
      return;
    }
    const fields = entry.split(':').map((f) => f.trim());
    if (fields.length !== 3) {
      problems.push(`${at} is not name:role:sha256hex (it has ${fields.length} field(s) separated by ':')`);
      return;
    }
    const [name, role, hash] = fields;
    if (!USER_NAME.test(name)) {
      problems.push(`${at} has a bad user name: use 1-100 letters, digits, '.', '_', '@' or '-'`);
      return;
    }
    const who = `${at} (${name})`;
    const before = problems.length;
    if (seen.has(name)) problems.push(`${who} repeats a user name`);
    seen.add(name);
    if (!ROLES.includes(role)) problems.push(`${who} has a role other than reader or writer (lower case)`);
    if (!SHA256_HEX.test(hash)) problems.push(`${who} needs a password hash of 64 hex digits: ${HASH_HOWTO}`);
    if (problems.length === before) {
      users.set(name, { name, role: role as RegistryRole, passwordSha256: Buffer.from(hash, 'hex') });
    }
  });
  // All or nothing: a registry must not start with some of its users silently missing.
  return { users: problems.length === 0 ? users : new Map(), problems };
}
