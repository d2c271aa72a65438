import type { PatientRecord } from '@crosscare/projection';
import { READ_MODEL_CONTROL_SCHEMA, readStoredPatients } from '@crosscare/read-model';
import type { DataSource, EntityManager } from 'typeorm';
import { followMerges, type MergePointers } from './merge-resolution';
import {
  patientNumbers,
  patientRecordSet,
  type LocalPatient,
  type PatientRecordSet,
} from './patient-record-set';

/**
 * Where the projectors record which schema serves each read model (the projector's read-model-control migration):
 * a rebuild fills a fresh schema and then points the read model's name at it.
 */
const READ_MODEL_CONTROL_TABLE = `${READ_MODEL_CONTROL_SCHEMA}.active_read_model`;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads one collaborative's read model (the projector's tables; this service never writes them): the patient's
 * own items, and the other collaborative's published record of them. The read model is named by configuration and
 * served by whichever schema the projectors' control table points it at, so a rebuild's switch is followed on the
 * next read.
 */
export class ReadModelReader {
  constructor(
    private readonly db: DataSource,
    private readonly collaborative: string,
    /** The read model's name (RECORD_API_DATABASE_SCHEMA): its schema until a rebuild switches it. */
    private readonly readModel: string,
  ) {}

  /**
   * Everything held for the patient, merges followed. One read-only repeatable-read transaction, so the sequence
   * numbers the audit records are exactly those of the rows shown, however the projector writes meanwhile.
   */
  loadPatient(nhsNumber: string): Promise<PatientRecordSet> {
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('set transaction read only');
      await tx.query(`set local search_path to "${await this.servingSchema(tx)}"`);
      const resolution = await followMerges(nhsNumber, (n) => mergePointers(tx, n));
      let local = await localPatients(tx, resolution.path);
      let remote = await remoteRecords(tx, resolution.path);
      const more = patientNumbers(resolution, local, remote).filter((n) => !resolution.path.includes(n));
      if (more.length > 0) {
        local = [...local, ...(await localPatients(tx, more))];
        remote = [...remote, ...(await remoteRecords(tx, more))];
      }
      return patientRecordSet({ resolution, collaborative: this.collaborative, local, remote });
    });
  }

  /** Whether the serving schema's tables are there: the projector creates them, and may not have yet. */
  async isReady(): Promise<boolean> {
    const schema = await this.servingSchema(this.db.manager);
    const [row] = await this.db.query<{ ready: boolean }[]>(
      `select to_regclass($1) is not null and to_regclass($2) is not null and to_regclass($3) is not null as ready`,
      ['patient', 'record_item', 'remote_patient_record'].map((table) => `"${schema}".${table}`),
    );
    return row?.ready === true;
  }

  /** The schema now serving the read model: its own name until a rebuild switched it (or before any projector ran). */
  private async servingSchema(q: Pick<EntityManager, 'query'>): Promise<string> {
    const [control] = await q.query<{ present: boolean }[]>(`select to_regclass($1) is not null as present`, [
      READ_MODEL_CONTROL_TABLE,
    ]);
    const [row] = control?.present
      ? await q.query<{ schema: string }[]>(
          `select schema from ${READ_MODEL_CONTROL_TABLE} where name = $1`,
          [this.readModel],
        )
      : [];
    const schema = row?.schema ?? this.readModel;
    // It is spliced into search_path: anything but a plain identifier is a corrupt pointer, not something to run.
    if (!SCHEMA_NAME.test(schema))
      throw new Error(`read model ${this.readModel} points at an invalid schema name`);
    return schema;
  }
}

async function mergePointers(tx: EntityManager, nhsNumber: string): Promise<MergePointers> {
  const [row] = await tx.query<{ local: string | null; remote: string | null }[]>(
    `select (select merged_into from patient where nhs_number = $1) as local,
            (select record->>'mergedInto' from remote_patient_record where nhs_number = $1) as remote`,
    [nhsNumber],
  );
  return { local: row?.local ?? null, remote: row?.remote ?? null };
}

function localPatients(tx: EntityManager, nhsNumbers: readonly string[]): Promise<LocalPatient[]> {
  return readStoredPatients(tx, nhsNumbers);
}

async function remoteRecords(tx: EntityManager, nhsNumbers: readonly string[]): Promise<PatientRecord[]> {
  const rows = await tx.query<{ record: PatientRecord }[]>(
    `select record from remote_patient_record where nhs_number = any($1::text[])`,
    [nhsNumbers],
  );
  return rows.map((row) => row.record);
}
