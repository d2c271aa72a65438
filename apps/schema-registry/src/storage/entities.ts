import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A schema, once: ids are global and reused for every subject that registers the same canonical schema. */
@Entity({ name: 'schemas' })
export class SchemaRow {
  @PrimaryColumn('integer')
  id!: number;

  @Column('text', { name: 'schema_type' })
  schemaType!: string;

  /** The schema as first submitted, compacted: what clients get back. */
  @Column('text')
  schema!: string;

  /** sha256 of the canonical form: how an identical schema finds its id. */
  @Column('text', { unique: true })
  fingerprint!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** One version of one subject. Soft-deleted versions stay (deleted = true) until deleted permanently. */
@Entity({ name: 'subject_versions' })
export class SubjectVersionRow {
  @PrimaryColumn('text')
  subject!: string;

  @PrimaryColumn('integer')
  version!: number;

  @Column('integer', { name: 'schema_id' })
  schemaId!: number;

  @Column('boolean', { default: false })
  deleted!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** Compatibility level and mode, global (scope '') or per subject. */
@Entity({ name: 'settings' })
export class SettingRow {
  @PrimaryColumn('text')
  scope!: string;

  @PrimaryColumn('text')
  kind!: 'compatibility' | 'mode';

  @Column('text')
  value!: string;
}

export const REGISTRY_ENTITIES = [SchemaRow, SubjectVersionRow, SettingRow];
