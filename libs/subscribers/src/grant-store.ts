import type { DatabaseConfig } from '@crosscare/config';
import { createSchemaDataSource, openMigrated } from '@crosscare/database';
import type { DataSource } from 'typeorm';
import { CreateSubscriberGrants1764300000000 } from './migrations/1764300000000-create-subscriber-grants';
import { SdeProjectGrants1765000000000 } from './migrations/1765000000000-sde-project-grants';
import type { SubscriberGrant } from './subscriber-grant';

export const DEFAULT_GRANTS_SCHEMA = 'subscriber_access';
const MIGRATION_LOCK_KEY = 7_236_512_131;

export type GrantChange = 'GRANTED' | 'REVOKED' | 'EXPIRED';

export interface StoredGrant extends SubscriberGrant {
  readonly revokedAt: Date | null;
  readonly revokedBy: string | null;
  readonly revokeReason: string | null;
}

/** One change to a grant, as the register keeps it. */
export interface GrantHistoryEntry {
  readonly change: GrantChange;
  readonly changedBy: string;
  readonly changedAt: Date;
  /** What the grant covered when it changed: a collaborative's changelog or an SDE project, exactly one. */
  readonly collaborative: string | null;
  readonly sdeProject: string | null;
}

interface GrantRow {
  name: string;
  principal: string;
  organisation_ods_code: string;
  collaborative: string | null;
  sde_project: string | null;
  topics: string[];
  group_prefix: string;
  agreement: string;
  expires_at: Date | null;
  granted_by: string;
  granted_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

const toGrant = (r: GrantRow): StoredGrant => ({
  name: r.name,
  principal: r.principal,
  organisationOdsCode: r.organisation_ods_code,
  collaborative: r.collaborative as StoredGrant['collaborative'],
  sdeProject: r.sde_project,
  topics: r.topics,
  groupPrefix: r.group_prefix,
  agreement: r.agreement,
  expiresAt: r.expires_at,
  grantedBy: r.granted_by,
  grantedAt: r.granted_at,
  revokedAt: r.revoked_at,
  revokedBy: r.revoked_by,
  revokeReason: r.revoke_reason,
});

/** The register of subscriber grants in Postgres (its own schema, migrated on open). */
export class GrantStore {
  private constructor(private readonly db: DataSource) {}

  static async open(database: DatabaseConfig, schema = DEFAULT_GRANTS_SCHEMA): Promise<GrantStore> {
    const dataSource = createSchemaDataSource({
      database,
      schema,
      migrations: [CreateSubscriberGrants1764300000000, SdeProjectGrants1765000000000],
      migrationsTableName: 'subscriber_access_migrations',
      applicationName: 'crosscare-subscribers',
    });
    return new GrantStore(await openMigrated(dataSource, schema, MIGRATION_LOCK_KEY));
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  /** A new grant, or a renewal of a revoked or lapsed one under the same name. */
  async recordGrant(grant: SubscriberGrant): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into subscriber_grants (name, principal, organisation_ods_code, collaborative, sde_project, topics,
           group_prefix, agreement, expires_at, granted_by, granted_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (name) do update set principal = excluded.principal,
           organisation_ods_code = excluded.organisation_ods_code, collaborative = excluded.collaborative,
           sde_project = excluded.sde_project, topics = excluded.topics, group_prefix = excluded.group_prefix, agreement = excluded.agreement,
           expires_at = excluded.expires_at, granted_by = excluded.granted_by, granted_at = excluded.granted_at,
           revoked_at = null, revoked_by = null, revoke_reason = null`,
        [
          grant.name,
          grant.principal,
          grant.organisationOdsCode,
          grant.collaborative,
          grant.sdeProject,
          grant.topics,
          grant.groupPrefix,
          grant.agreement,
          grant.expiresAt,
          grant.grantedBy,
          grant.grantedAt,
        ],
      );
      await tx.query(
        `insert into subscriber_grant_history (name, change, changed_by, changed_at, agreement, expires_at,
           collaborative, sde_project)
         values ($1, 'GRANTED', $2, $3, $4, $5, $6, $7)`,
        [
          grant.name,
          grant.grantedBy,
          grant.grantedAt,
          grant.agreement,
          grant.expiresAt,
          grant.collaborative,
          grant.sdeProject,
        ],
      );
    });
  }

  async recordRevocation(name: string, change: 'REVOKED' | 'EXPIRED', by: string, at: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      type Revoked = Pick<GrantRow, 'agreement' | 'expires_at' | 'collaborative' | 'sde_project'>;
      const [updated] = await tx.query<[Revoked[], number]>(
        `update subscriber_grants set revoked_at = $2, revoked_by = $3, revoke_reason = $4
         where name = $1 and revoked_at is null returning agreement, expires_at, collaborative, sde_project`,
        [name, at, by, change],
      );
      const [row] = updated;
      if (!row) return;
      await tx.query(
        `insert into subscriber_grant_history (name, change, changed_by, changed_at, agreement, expires_at,
           collaborative, sde_project)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [name, change, by, at, row.agreement, row.expires_at, row.collaborative, row.sde_project],
      );
    });
  }

  async find(name: string): Promise<StoredGrant | undefined> {
    const rows = await this.db.query<GrantRow[]>('select * from subscriber_grants where name = $1', [name]);
    return rows[0] ? toGrant(rows[0]) : undefined;
  }

  /** Every grant, active first, then by name. */
  async list(): Promise<StoredGrant[]> {
    const rows = await this.db.query<GrantRow[]>(
      'select * from subscriber_grants order by revoked_at is not null, name',
    );
    return rows.map(toGrant);
  }

  async history(name: string): Promise<GrantHistoryEntry[]> {
    const rows = await this.db.query<
      Array<
        Pick<GrantRow, 'collaborative' | 'sde_project'> & {
          change: GrantChange;
          changed_by: string;
          changed_at: Date;
        }
      >
    >(
      `select change, changed_by, changed_at, collaborative, sde_project from subscriber_grant_history
       where name = $1 order by id`,
      [name],
    );
    return rows.map((r) => ({
      change: r.change,
      changedBy: r.changed_by,
      changedAt: r.changed_at,
      collaborative: r.collaborative,
      sdeProject: r.sde_project,
    }));
  }
}
