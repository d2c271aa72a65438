import type { DatabaseConfig } from '@crosscare/config';
import { createSchemaDataSource, openMigrated } from '@crosscare/database';
import { CrosscareError } from '@crosscare/errors';
import type { DataSource, EntityManager } from 'typeorm';
import { CreateReadModelControl1764200000001 } from './migrations/1764200000001-create-read-model-control';
import { rows } from './sql';

/** The schema holding the read models' switch table, shared by every projector and the record API. */
export const READ_MODEL_CONTROL_SCHEMA = 'projector_control';

const CONTROL_LOCK_KEY = 7_236_512_206;

/** Where the projectors record which schema serves each read model: a rebuild points a name at a fresh schema. */
const ACTIVE_READ_MODEL = `${READ_MODEL_CONTROL_SCHEMA}.active_read_model`;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A projector's batch found that a rebuild switched its read model to another schema. */
export class ReadModelSwitchedError extends CrosscareError {
  constructor(
    readonly readModel: string,
    readonly from: string,
    readonly to: string,
  ) {
    // Not retriable: the batch must not run again against the old schema; the projector reopens on the new one.
    super(`read model ${readModel} is now served by schema ${to}, not ${from}`, { retriable: false });
    this.name = 'ReadModelSwitchedError';
  }
}

/**
 * Which schema serves a read model, and the switch a rebuild makes. A live projector's batch reads its row FOR SHARE
 * inside the batch transaction; the rebuild's switch takes it FOR UPDATE, so while the rebuild catches up the last
 * events and switches, the live projector waits, and once switched its next batch sees the new schema and reopens.
 */
export class ReadModelControl {
  private constructor(readonly db: DataSource) {}

  static async open(
    database: DatabaseConfig,
    applicationName = 'crosscare-projector',
  ): Promise<ReadModelControl> {
    const dataSource = createSchemaDataSource({
      database: { ...database, poolSize: 2 },
      schema: READ_MODEL_CONTROL_SCHEMA,
      migrations: [CreateReadModelControl1764200000001],
      migrationsTableName: 'read_model_control_migrations',
      applicationName,
    });
    return new ReadModelControl(await openMigrated(dataSource, READ_MODEL_CONTROL_SCHEMA, CONTROL_LOCK_KEY));
  }

  /** The schema serving `name`; registers `name` as serving itself the first time it is asked. */
  async activeSchema(name: string): Promise<string> {
    await this.db.query(
      `insert into ${ACTIVE_READ_MODEL} (name, schema) values ($1, $1)
       on conflict (name) do nothing`,
      [name],
    );
    const [row] = await rows<{ schema: string }>(
      this.db,
      `select schema from ${ACTIVE_READ_MODEL} where name = $1`,
      [name],
    );
    return row.schema;
  }

  /**
   * The schema now serving `name`, as a reader (the record API) looks it up: without writing, and from any
   * connection of the database. Its own name until a rebuild switched it, or before any projector ran (the control
   * table may not exist yet).
   */
  static async servingSchema(q: Pick<EntityManager, 'query'>, name: string): Promise<string> {
    const [control] = await q.query<{ present: boolean }[]>(`select to_regclass($1) is not null as present`, [
      ACTIVE_READ_MODEL,
    ]);
    const [row] = control?.present
      ? await q.query<{ schema: string }[]>(`select schema from ${ACTIVE_READ_MODEL} where name = $1`, [name])
      : [];
    const schema = row?.schema ?? name;
    // Readers splice it into search_path: anything but a plain identifier is a corrupt pointer, not something to run.
    if (!SCHEMA_NAME.test(schema)) throw new Error(`read model ${name} points at an invalid schema name`);
    return schema;
  }

  /**
   * Inside a batch transaction (any connection of the same database): fails with ReadModelSwitchedError when `name`
   * is no longer served by `schema`, and otherwise holds a share lock on the pointer until the transaction ends.
   */
  static async assertServing(tx: EntityManager, name: string, schema: string): Promise<void> {
    const [row] = await rows<{ schema: string }>(
      tx,
      `select schema from ${ACTIVE_READ_MODEL} where name = $1 for share`,
      [name],
    );
    if (row && row.schema !== schema) throw new ReadModelSwitchedError(name, schema, row.schema);
  }

  /** Runs `work` holding the pointer's row lock (live batches wait), then points `name` at `schema`. */
  switchTo<T>(name: string, schema: string, work: (current: string) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      const [row] = await rows<{ schema: string }>(
        tx,
        `select schema from ${ACTIVE_READ_MODEL} where name = $1 for update`,
        [name],
      );
      const result = await work(row.schema);
      await tx.query(
        `update ${ACTIVE_READ_MODEL}
         set schema = $2, previous_schema = schema, switched_at = now() where name = $1`,
        [name, schema],
      );
      return result;
    });
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
