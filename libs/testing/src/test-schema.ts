import { Pool, type PoolClient } from 'pg';
import { uniqueIdentifier } from './names';

/**
 * A fresh Postgres schema for one suite, on DATABASE_URL: every connection from `pool` has it as its search_path,
 * so the code under test creates and reads its tables there, unaware of other suites. drop() removes it all.
 */
export class TestSchema {
  private constructor(
    readonly name: string,
    readonly databaseUrl: string,
    readonly pool: Pool,
  ) {}

  static async create(kind = 'suite', databaseUrl = databaseUrlFromEnvironment()): Promise<TestSchema> {
    const name = uniqueIdentifier(`test_${kind}`);
    const admin = new Pool({ connectionString: databaseUrl, max: 1 });
    try {
      await admin.query(`create schema "${name}"`);
    } finally {
      await admin.end();
    }
    const pool = new Pool({ connectionString: databaseUrl, max: 5, options: `-c search_path="${name}"` });
    return new TestSchema(name, databaseUrl, pool);
  }

  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: unknown[] = []) {
    return this.pool.query<R>(sql, params);
  }

  connect(): Promise<PoolClient> {
    return this.pool.connect();
  }

  async drop(): Promise<void> {
    await this.pool.query(`drop schema if exists "${this.name}" cascade`);
    await this.pool.end();
  }
}

export function databaseUrlFromEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run integration tests through their jest config');
  return url;
}
