import { eventTypesPredicate } from '../read/event-types-predicate';
import { ACCESS_EVENT_TYPES } from '../read/patient-providers';
import { createSchemaDataSource, openMigrated } from '@crosscare/database';
import type { RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { searchIndexOf } from '@crosscare/fhir';
import { itemKindOf, partOf, planBatch, type ItemKind } from '@crosscare/projection';
import { TEST_NOW, TEST_PROVIDERS, testEvents } from '@crosscare/projection/testing';
import { databaseUrlFromEnvironment, uniqueIdentifier } from '@crosscare/testing';
import type { DataSource } from 'typeorm';
import { encodeRecordItem } from '../changelog/changelog-avro';
import type { ReadChangelogMessage } from '../changelog/changelog-serde';
import { openReadModel, READ_MODEL_MIGRATIONS } from '../read-model-database';
import { rows } from '../sql';
import { PatientRecordStore } from '../write/patient-record-store';
import { RemoteViewStore } from '../write/remote-view-store';

const database = { url: databaseUrlFromEnvironment(), poolSize: 2 };
const nhsNumber = testNhsNumber(61);
const SNOMED = 'http://snomed.info/sct';
const HOUR = 3_600_000;

const observation = testEvents.ObservationRecorded({
  header: { nhsNumber, sourceRecordId: 'Observation/o-1' },
  code: { system: SNOMED, code: '27113001', display: 'Body weight' },
  effectiveAt: TEST_NOW - 48 * HOUR,
});
const encounterStarted = testEvents.EncounterStarted({
  header: { nhsNumber, sourceRecordId: 'Encounter/e-1' },
});
const encounterEnded = testEvents.EncounterEnded({
  header: { nhsNumber, sourceRecordId: 'Encounter/e-1', sourceRecordVersion: 2 },
  endedAt: TEST_NOW - 26 * HOUR,
});
const details = testEvents.PatientRegistered({ header: { nhsNumber } });
const alert = testEvents.AlertRecorded({ header: { nhsNumber } });

interface SearchRow {
  source_record_id: string;
  part: string;
  search_resource: string | null;
  search_date: Date | null;
  search_status: string | null;
  search_codes: string[];
}

const SEARCH_COLUMNS = `source_record_id, part, search_resource, search_date, search_status, search_codes`;

/** The columns a search reads, as searchIndexOf says the event's FHIR shows it. */
function columnsOf(event: RecordChangeEvent): Omit<SearchRow, 'source_record_id' | 'part'> {
  const index = searchIndexOf(event);
  return {
    search_resource: index?.resourceType ?? null,
    search_date: index?.date === null || index === null ? null : new Date(index.date),
    search_status: index?.status ?? null,
    search_codes: index?.codes ?? [],
  };
}

const NOT_INDEXED = { search_resource: null, search_date: null, search_status: null, search_codes: [] };

const searchRows = (db: DataSource, table: string) =>
  rows<SearchRow>(db, `select ${SEARCH_COLUMNS} from ${table} order by source_record_id, part`);

describe('the record search index (migration 1764200000006)', () => {
  const schemas: string[] = [];
  let readModel: DataSource | undefined;

  /** A read model of its own, fully migrated. */
  async function freshReadModel(): Promise<DataSource> {
    const schema = uniqueIdentifier('test_search_index');
    schemas.push(schema);
    readModel = await openReadModel(database, schema, 'crosscare-read-model-test');
    return readModel;
  }

  afterEach(async () => {
    await readModel?.destroy();
    readModel = undefined;
  });

  afterAll(async () => {
    if (schemas.length === 0) return;
    const db = await openReadModel(database, schemas[0], 'crosscare-read-model-test');
    for (const schema of schemas) await db.query(`drop schema if exists "${schema}" cascade`);
    await db.destroy();
  });

  describe('PatientRecordStore.writeItems', () => {
    const store = new PatientRecordStore();

    async function write(db: DataSource, events: readonly RecordChangeEvent[]): Promise<void> {
      const plan = planBatch(events);
      await db.transaction(async (tx) => {
        const survivors = await store.lockPatients(tx, plan.nhsNumbers);
        const writes = plan.writes.map((w) => ({ ...w, item: w.removed ? null : encodeRecordItem(w.event) }));
        await store.writeItems(tx, writes, survivors);
      });
    }

    it('given an observation and an encounter, when written, then each item carries its search columns', async () => {
      const db = await freshReadModel();

      await write(db, [observation, encounterStarted, encounterEnded, details]);

      expect(await searchRows(db, 'record_item')).toEqual([
        { source_record_id: 'Encounter/e-1', part: 'EncounterEnded', ...columnsOf(encounterEnded) },
        { source_record_id: 'Encounter/e-1', part: 'EncounterStarted', ...columnsOf(encounterStarted) },
        { source_record_id: 'Observation/o-1', part: 'ObservationRecorded', ...columnsOf(observation) },
        { source_record_id: 'patient-1', part: 'PatientDetails', ...NOT_INDEXED },
      ]);
      // Spelled out once, so the test does not only compare searchIndexOf with itself.
      expect(await searchRows(db, `record_item where source_record_id <> 'patient-1'`)).toEqual([
        {
          source_record_id: 'Encounter/e-1',
          part: 'EncounterEnded',
          search_resource: 'Encounter',
          search_date: new Date(TEST_NOW - 26 * HOUR),
          search_status: 'finished',
          search_codes: [],
        },
        {
          source_record_id: 'Encounter/e-1',
          part: 'EncounterStarted',
          search_resource: 'Encounter',
          search_date: new Date(TEST_NOW - 30 * HOUR),
          search_status: 'in-progress',
          search_codes: ['29857009', `${SNOMED}|29857009`],
        },
        {
          source_record_id: 'Observation/o-1',
          part: 'ObservationRecorded',
          search_resource: 'Observation',
          search_date: new Date(TEST_NOW - 48 * HOUR),
          search_status: 'final',
          search_codes: ['27113001', `${SNOMED}|27113001`],
        },
      ]);
    });

    it('given indexed items, when a later version changes one and another is removed, then the change is indexed and the tombstone clears its columns', async () => {
      const db = await freshReadModel();
      await write(db, [observation, encounterStarted, encounterEnded]);
      const amended = testEvents.ObservationRecorded({
        header: { nhsNumber, sourceRecordId: 'Observation/o-1', sourceRecordVersion: 2 },
        code: { system: '', code: 'LOCAL-WT', display: null },
        effectiveAt: TEST_NOW - 47 * HOUR,
        valueQuantity: null,
      });
      const removal = testEvents.RecordRemoved({
        header: {
          ...TEST_PROVIDERS.ohcAcuteTrust,
          nhsNumber,
          sourceRecordId: 'Encounter/e-1',
          sourceRecordVersion: 3,
        },
        removedEventType: 'EncounterStarted',
        removedSourceRecordId: 'Encounter/e-1',
      });

      await write(db, [amended, removal]);

      expect(await searchRows(db, 'record_item')).toEqual([
        { source_record_id: 'Encounter/e-1', part: 'EncounterEnded', ...NOT_INDEXED },
        { source_record_id: 'Encounter/e-1', part: 'EncounterStarted', ...NOT_INDEXED },
        {
          source_record_id: 'Observation/o-1',
          part: 'ObservationRecorded',
          search_resource: 'Observation',
          search_date: new Date(TEST_NOW - 47 * HOUR),
          search_status: 'unknown',
          search_codes: ['LOCAL-WT', '|LOCAL-WT'],
        },
      ]);
    });
  });

  describe('RemoteViewStore.apply', () => {
    const remote = new RemoteViewStore();
    const itemMessage = (event: RecordChangeEvent, sequence: number): ReadChangelogMessage => ({
      type: 'item',
      nhsNumber,
      sequence,
      key: {
        providerOdsCode: event.header.providerOdsCode,
        sourceRecordId: event.header.sourceRecordId,
        part: partOf(event.header.eventType) as string,
      },
      kind: itemKindOf(event.header.eventType) as ItemKind,
      event,
      storedItem: encodeRecordItem(event),
    });

    it("given the other side's items, when applied, then each carries its search columns, event type, version and acceptance time", async () => {
      const db = await freshReadModel();
      const amended = testEvents.ObservationRecorded({
        header: { nhsNumber, sourceRecordId: 'Observation/o-1', sourceRecordVersion: 4 },
        effectiveAt: TEST_NOW - 10 * HOUR,
      });

      await db.transaction((tx) =>
        remote.apply(tx, [
          itemMessage(observation, 1),
          itemMessage(encounterEnded, 1),
          itemMessage(alert, 1),
          itemMessage(amended, 2),
        ]),
      );

      expect(await searchRows(db, 'remote_record_item')).toEqual([
        { source_record_id: 'Encounter/e-1', part: 'EncounterEnded', ...columnsOf(encounterEnded) },
        { source_record_id: 'Flag/ra-1', part: 'AlertRecorded', ...NOT_INDEXED },
        { source_record_id: 'Observation/o-1', part: 'ObservationRecorded', ...columnsOf(amended) },
      ]);
      expect(
        await rows(
          db,
          `select source_record_id, event_type, source_record_version::int as version, recorded_at
           from remote_record_item order by source_record_id`,
        ),
      ).toEqual([
        {
          source_record_id: 'Encounter/e-1',
          event_type: 'EncounterEnded',
          version: 2,
          recorded_at: new Date(encounterEnded.header.recordedAt),
        },
        {
          source_record_id: 'Flag/ra-1',
          event_type: 'AlertRecorded',
          version: 1,
          recorded_at: new Date(alert.header.recordedAt),
        },
        {
          source_record_id: 'Observation/o-1',
          event_type: 'ObservationRecorded',
          version: 4,
          recorded_at: new Date(amended.header.recordedAt),
        },
      ]);
    });
  });

  describe('the backfill of a read model written before it', () => {
    /** A read model migrated up to 1764200000005, with local and remote items stored as that release stored them. */
    async function readModelBeforeTheIndex(): Promise<string> {
      const schema = uniqueIdentifier('test_search_backfill');
      schemas.push(schema);
      const before = await openMigrated(
        createSchemaDataSource({
          database,
          schema,
          migrations: READ_MODEL_MIGRATIONS.slice(0, -1),
          migrationsTableName: 'read_model_migrations',
          applicationName: 'crosscare-read-model-test',
        }),
        schema,
        7_236_512_205,
      );
      try {
        expect(before.migrations.at(-1)?.name).toBe('ChangelogCorrelationId1764200000005');
        const local: [RecordChangeEvent, boolean][] = [
          [observation, false],
          [encounterEnded, false],
          [encounterStarted, true],
          [details, false],
        ];
        for (const [event, removed] of local) await insertLocal(before, event, removed);
        // More than one chunk (5,000) of one observation under other record ids, to cross a chunk's boundary.
        await before.query(
          `insert into record_item (provider_ods_code, source_record_id, part, nhs_number, kind, ics, collaborative,
             source_record_version, event_id, event_type, occurred_at, recorded_at, removed, item)
           select provider_ods_code, 'Observation/bulk-' || lpad(g::text, 5, '0'), part, nhs_number, kind, ics,
             collaborative, source_record_version, event_id, event_type, occurred_at, recorded_at, removed, item
           from record_item, generate_series(1, 5100) g where source_record_id = 'Observation/o-1'`,
        );
        for (const event of [observation, alert])
          await before.query(
            `insert into remote_record_item (nhs_number, provider_ods_code, source_record_id, part, kind, sequence, item)
             values ($1, $2, $3, $4, $5, 1, $6)`,
            [
              nhsNumber,
              event.header.providerOdsCode,
              event.header.sourceRecordId,
              partOf(event.header.eventType),
              itemKindOf(event.header.eventType),
              encodeRecordItem(event),
            ],
          );
      } finally {
        await before.destroy();
      }
      return schema;
    }

    /** An item as the projector stored it before the index: no search columns to fill. */
    async function insertLocal(db: DataSource, event: RecordChangeEvent, removed: boolean) {
      const { header } = event;
      await db.query(
        `insert into record_item (provider_ods_code, source_record_id, part, nhs_number, kind, ics, collaborative,
           source_record_version, event_id, event_type, occurred_at, recorded_at, removed, item)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $14, to_timestamp($10 / 1000.0), to_timestamp($11 / 1000.0),
           $12, $13)`,
        [
          header.providerOdsCode,
          header.sourceRecordId,
          partOf(header.eventType),
          nhsNumber,
          itemKindOf(header.eventType),
          header.ics,
          header.collaborative,
          header.sourceRecordVersion,
          header.eventId,
          header.occurredAt,
          header.recordedAt,
          removed,
          removed ? null : encodeRecordItem(event),
          header.eventType,
        ],
      );
    }

    it('given items stored before the index, when migrated, then every item is indexed and tombstones are not', async () => {
      const schema = await readModelBeforeTheIndex();

      const db = await openReadModel(database, schema, 'crosscare-read-model-test');
      readModel = db;

      expect(
        await searchRows(db, `record_item where source_record_id not like 'Observation/bulk-%'`),
      ).toEqual([
        { source_record_id: 'Encounter/e-1', part: 'EncounterEnded', ...columnsOf(encounterEnded) },
        { source_record_id: 'Encounter/e-1', part: 'EncounterStarted', ...NOT_INDEXED },
        { source_record_id: 'Observation/o-1', part: 'ObservationRecorded', ...columnsOf(observation) },
        { source_record_id: 'patient-1', part: 'PatientDetails', ...NOT_INDEXED },
      ]);
      const [bulk] = await rows<{ n: string; indexed: string }>(
        db,
        `select count(*) as n, count(*) filter (where search_resource = 'Observation'
           and search_date = to_timestamp($1 / 1000.0) and search_codes = $2::text[]) as indexed
         from record_item where source_record_id like 'Observation/bulk-%'`,
        [observation.effectiveAt, searchIndexOf(observation)?.codes],
      );
      expect(bulk).toEqual({ n: '5100', indexed: '5100' });
      expect(await searchRows(db, 'remote_record_item')).toEqual([
        { source_record_id: 'Flag/ra-1', part: 'AlertRecorded', ...NOT_INDEXED },
        { source_record_id: 'Observation/o-1', part: 'ObservationRecorded', ...columnsOf(observation) },
      ]);
      expect(
        await rows(
          db,
          `select event_type, source_record_version::int as version, recorded_at from remote_record_item
           order by source_record_id`,
        ),
      ).toEqual([
        { event_type: 'AlertRecorded', version: 1, recorded_at: new Date(alert.header.recordedAt) },
        {
          event_type: 'ObservationRecorded',
          version: observation.header.sourceRecordVersion,
          recorded_at: new Date(observation.header.recordedAt),
        },
      ]);
    });

    it('given the migration, when reverted, then the columns and indexes go and the patient index is back', async () => {
      const schema = await readModelBeforeTheIndex();
      const db = await openReadModel(database, schema, 'crosscare-read-model-test');
      readModel = db;

      await db.undoLastMigration();

      expect(await indexesOf(db, ['record_item', 'remote_record_item'])).toEqual([
        'record_item_patient',
        'record_item_pkey',
        'remote_record_item_pkey',
      ]);
      const columns = await rows<{ table_name: string; column_name: string }>(
        db,
        `select table_name, column_name from information_schema.columns
         where table_schema = $1 and table_name in ('record_item', 'remote_record_item')`,
        [schema],
      );
      expect(
        columns
          .filter((c) => c.table_name === 'record_item')
          .map((c) => c.column_name)
          .sort(),
      ).toEqual([
        'collaborative',
        'event_id',
        'event_type',
        'ics',
        'item',
        'kind',
        'nhs_number',
        'occurred_at',
        'part',
        'provider_ods_code',
        'recorded_at',
        'removed',
        'source_record_id',
        'source_record_version',
      ]);
      expect(
        columns
          .filter((c) => c.table_name === 'remote_record_item')
          .map((c) => c.column_name)
          .sort(),
      ).toEqual(['item', 'kind', 'nhs_number', 'part', 'provider_ods_code', 'sequence', 'source_record_id']);
    });
  });

  describe('the indexes', () => {
    it('given a patient, when their observations are listed newest first, then record_item_search is read', async () => {
      const db = await freshReadModel();

      const plan = await db.transaction(async (tx) => {
        await tx.query(`set local enable_seqscan = off`);
        return rows<{ 'QUERY PLAN': string }>(
          tx,
          `explain select provider_ods_code, source_record_id, part, search_date from record_item
           where nhs_number = $1 and search_resource = 'Observation' and not removed
           order by search_date desc nulls last, provider_ods_code, source_record_id, part limit 20`,
          [nhsNumber],
        );
      });

      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toContain('record_item_search');
      expect(text).not.toContain('Sort');
    });

    it("given the other side's items, when listed by type newest first, then remote_record_item_search is read", async () => {
      const db = await freshReadModel();

      const plan = await db.transaction(async (tx) => {
        await tx.query(`set local enable_seqscan = off`);
        return rows<{ 'QUERY PLAN': string }>(
          tx,
          `explain select provider_ods_code, source_record_id, part from remote_record_item
           where nhs_number = $1 and search_resource = 'Encounter'
           order by search_date desc nulls last, provider_ods_code, source_record_id, part limit 20`,
          [nhsNumber],
        );
      });

      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('remote_record_item_search');
    });

    it('given a patient, when their providers are listed, then the (nhs_number, provider_ods_code) indexes answer', async () => {
      const db = await freshReadModel();

      expect(await indexesOf(db, ['record_item', 'remote_record_item'])).toEqual([
        'record_item_access',
        'record_item_patient_provider',
        'record_item_pkey',
        'record_item_search',
        'remote_record_item_access',
        'remote_record_item_pkey',
        'remote_record_item_search',
      ]);
      const plan = await db.transaction(async (tx) => {
        await tx.query(`set local enable_seqscan = off`);
        return rows<{ 'QUERY PLAN': string }>(
          tx,
          `explain select distinct provider_ods_code from record_item where nhs_number = any($1::text[])`,
          [[nhsNumber]],
        );
      });
      expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('record_item_patient_provider');
    });

    it("given the access check, when it reads a patient's registrations, referrals and sharing statements, then the access indexes answer", async () => {
      const db = await freshReadModel();
      const plan = await db.transaction(async (tx) => {
        await tx.query(`set local enable_seqscan = off`);
        const local = await rows<{ 'QUERY PLAN': string }>(
          tx,
          `explain select item from record_item
           where nhs_number = any($1::text[]) and not removed and ${eventTypesPredicate(ACCESS_EVENT_TYPES)}`,
          [[nhsNumber]],
        );
        const remote = await rows<{ 'QUERY PLAN': string }>(
          tx,
          `explain select item from remote_record_item
           where nhs_number = any($1::text[]) and ${eventTypesPredicate(ACCESS_EVENT_TYPES)}`,
          [[nhsNumber]],
        );
        return [...local, ...remote];
      });
      const text = plan.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toContain('record_item_access');
      expect(text).toContain('remote_record_item_access');
    });
  });
});

async function indexesOf(db: DataSource, tables: readonly string[]): Promise<string[]> {
  const found = await rows<{ indexname: string }>(
    db,
    `select indexname from pg_indexes where schemaname = current_schema() and tablename = any($1::text[])
     order by indexname collate "C"`,
    [tables],
  );
  return found.map((row) => row.indexname);
}
