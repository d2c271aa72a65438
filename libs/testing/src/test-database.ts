import { Pool } from 'pg';
import { uniqueIdentifier } from './names';
import { databaseUrlFromEnvironment } from './test-schema';

/**
 * A Postgres database of a test's own, on DATABASE_URL's server, that the test can take down and bring back: for
 * what a service does when its database is really gone, without stopping the server other suites share. Down means
 * every connection to it is terminated and new ones are refused (by the server, for every role, superusers too).
 */
export class TestDatabase {
  private constructor(
    readonly name: string,
    /** DATABASE_URL with this database in place of the harness's: what a service under test is given. */
    readonly databaseUrl: string,
    /** Connected to the harness's database, never to this one, so it survives takeDown(). */
    private readonly admin: Pool,
  ) {}

  static async create(kind = 'suite', serverUrl = databaseUrlFromEnvironment()): Promise<TestDatabase> {
    const name = uniqueIdentifier(`test_db_${kind}`);
    const admin = new Pool({ connectionString: serverUrl, max: 1 });
    try {
      await admin.query(`create database "${name}"`);
    } catch (error) {
      await admin.end();
      throw error;
    }
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return new TestDatabase(name, url.toString(), admin);
  }

  /** Refuses new connections first, so that none slips in between, then terminates the open ones. */
  async takeDown(): Promise<void> {
    await this.admin.query(`alter database "${this.name}" allow_connections false`);
    await this.admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [this.name],
    );
  }

  async bringBack(): Promise<void> {
    await this.admin.query(`alter database "${this.name}" allow_connections true`);
  }

  /** Drops the database, whatever still holds connections to it (a service that did not stop). */
  async drop(): Promise<void> {
    try {
      await this.admin.query(`drop database if exists "${this.name}" with (force)`);
    } finally {
      await this.admin.end();
    }
  }
}
