import type { DataSource, EntityManager } from 'typeorm';
import { SchemaRow, SettingRow, SubjectVersionRow } from './entities';

export interface StoredVersion {
  readonly subject: string;
  readonly version: number;
  readonly id: number;
  readonly schemaType: string;
  readonly schema: string;
  readonly fingerprint: string;
  readonly deleted: boolean;
}

export type SettingKind = SettingRow['kind'];
export const GLOBAL_SCOPE = '';

// Every write, on every replica, takes this transaction-scoped advisory lock first. Registrations are rare (CI
// and deploys), so serialising them costs nothing and makes "same schema → same id" and gap-free ids/versions
// trivially true across replicas.
const WRITE_LOCK_KEY = 7_236_512_002;

/** The registry's data access: plain queries over one EntityManager (a transaction's, or the shared one). */
export class RegistryStore {
  constructor(private readonly em: EntityManager) {}

  async versions(subject: string, includeDeleted: boolean): Promise<StoredVersion[]> {
    const rows = await this.em
      .createQueryBuilder(SubjectVersionRow, 'v')
      .innerJoin(SchemaRow, 's', 's.id = v.schema_id')
      .select([
        'v.subject as subject',
        'v.version as version',
        'v.deleted as deleted',
        's.id as id',
        's.schema_type as schema_type',
        's.schema as schema',
        's.fingerprint as fingerprint',
      ])
      .where('v.subject = :subject', { subject })
      .andWhere(includeDeleted ? 'true' : 'v.deleted = false')
      .orderBy('v.version', 'ASC')
      .getRawMany<{
        subject: string;
        version: number;
        deleted: boolean;
        id: number;
        schema_type: string;
        schema: string;
        fingerprint: string;
      }>();
    return rows.map((r) => ({
      subject: r.subject,
      version: r.version,
      id: r.id,
      schemaType: r.schema_type,
      schema: r.schema,
      fingerprint: r.fingerprint,
      deleted: r.deleted,
    }));
  }

  schemaById(id: number): Promise<SchemaRow | null> {
    return this.em.findOneBy(SchemaRow, { id });
  }

  schemaByFingerprint(fingerprint: string): Promise<SchemaRow | null> {
    return this.em.findOneBy(SchemaRow, { fingerprint });
  }

  /** Where a schema id is used: (subject, version) pairs, ordered. */
  async usesOfSchema(id: number, includeDeleted: boolean): Promise<{ subject: string; version: number }[]> {
    const rows = await this.em.find(SubjectVersionRow, {
      where: includeDeleted ? { schemaId: id } : { schemaId: id, deleted: false },
      order: { subject: 'ASC', version: 'ASC' },
    });
    return rows.map((r) => ({ subject: r.subject, version: r.version }));
  }

  async subjects(includeDeleted: boolean, prefix: string): Promise<string[]> {
    const query = this.em
      .createQueryBuilder(SubjectVersionRow, 'v')
      .select('distinct v.subject', 'subject')
      .where(includeDeleted ? 'true' : 'v.deleted = false')
      .orderBy('subject', 'ASC');
    if (prefix) query.andWhere('starts_with(v.subject, :prefix)', { prefix });
    const rows = await query.getRawMany<{ subject: string }>();
    return rows.map((r) => r.subject);
  }

  async nextSchemaId(): Promise<number> {
    const row = await this.em
      .createQueryBuilder(SchemaRow, 's')
      .select('coalesce(max(s.id), 0) + 1', 'next')
      .getRawOne<{ next: number }>();
    return Number(row?.next ?? 1);
  }

  /** Versions keep counting past soft-deleted ones, as in Confluent; a permanently deleted subject starts again. */
  async nextVersion(subject: string): Promise<number> {
    const row = await this.em
      .createQueryBuilder(SubjectVersionRow, 'v')
      .select('coalesce(max(v.version), 0) + 1', 'next')
      .where('v.subject = :subject', { subject })
      .getRawOne<{ next: number }>();
    return Number(row?.next ?? 1);
  }

  async insertSchema(row: Pick<SchemaRow, 'id' | 'schemaType' | 'schema' | 'fingerprint'>): Promise<void> {
    await this.em.insert(SchemaRow, row);
  }

  async insertVersion(subject: string, version: number, schemaId: number): Promise<void> {
    await this.em.insert(SubjectVersionRow, { subject, version, schemaId, deleted: false });
  }

  async softDelete(subject: string, versions: number[]): Promise<void> {
    if (versions.length === 0) return;
    await this.em
      .createQueryBuilder()
      .update(SubjectVersionRow)
      .set({ deleted: true })
      .where('subject = :subject and version in (:...versions)', { subject, versions })
      .execute();
  }

  async hardDelete(subject: string, versions: number[]): Promise<void> {
    if (versions.length === 0) return;
    await this.em
      .createQueryBuilder()
      .delete()
      .from(SubjectVersionRow)
      .where('subject = :subject and version in (:...versions)', { subject, versions })
      .execute();
  }

  async setting(scope: string, kind: SettingKind): Promise<string | undefined> {
    const row = await this.em.findOneBy(SettingRow, { scope, kind });
    return row?.value;
  }

  async putSetting(scope: string, kind: SettingKind, value: string): Promise<void> {
    await this.em.upsert(SettingRow, { scope, kind, value }, ['scope', 'kind']);
  }

  async deleteSetting(scope: string, kind: SettingKind): Promise<void> {
    await this.em.delete(SettingRow, { scope, kind });
  }
}

/** Opens stores: `read()` for queries, `write(fn)` for a transaction that holds the registry-wide write lock. */
export class RegistryRepository {
  constructor(readonly dataSource: DataSource) {}

  read(): RegistryStore {
    return new RegistryStore(this.dataSource.manager);
  }

  write<T>(work: (store: RegistryStore) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (em) => {
      await em.query('select pg_advisory_xact_lock($1)', [WRITE_LOCK_KEY]);
      return work(new RegistryStore(em));
    });
  }

  async ping(): Promise<void> {
    await this.dataSource.query('select 1');
  }

  /** How many schemas are stored (each id once), for /metrics. */
  countSchemas(): Promise<number> {
    return this.dataSource.manager.count(SchemaRow);
  }
}
