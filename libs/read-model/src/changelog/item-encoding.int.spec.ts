import { createSchemaDataSource, openMigrated } from '@crosscare/database';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { testEvents } from '@crosscare/projection/testing';
import { databaseUrlFromEnvironment, rejectionOf, uniqueIdentifier } from '@crosscare/testing';
import { DataSource } from 'typeorm';
import { CreateReadModel1764200000000 } from '../migrations/1764200000000-create-read-model';
import { RecordSourceCluster1764200000002 } from '../migrations/1764200000002-record-source-cluster';
import { readStoredPatients } from '../read/stored-patients';
import { openReadModel } from '../read-model-database';
import { assertOwnItemEncoding } from './item-encoding';
import { decodeRecordItem, RECORD_ITEM_FINGERPRINT } from './changelog-avro';

const database = { url: databaseUrlFromEnvironment(), poolSize: 2 };
const nhsNumber = testNhsNumber(71);
const allergy = testEvents.AllergyRecorded({
  header: { nhsNumber, sourceRecordId: 'AllergyIntolerance/a-1' },
});
const problem = testEvents.ProblemRecorded({ header: { nhsNumber, sourceRecordId: 'Condition/c-1' } });
const removal = testEvents.RecordRemoved({ header: { nhsNumber, sourceRecordId: 'Condition/c-2' } });

/** A read model as the projector left it before items were stored as Avro: each event as JSON. */
async function legacyReadModel(schema: string): Promise<void> {
  const legacy = await openMigrated(
    createSchemaDataSource({
      database,
      schema,
      migrations: [CreateReadModel1764200000000, RecordSourceCluster1764200000002],
      migrationsTableName: 'read_model_migrations',
      applicationName: 'crosscare-read-model-test',
    }),
    schema,
    7_236_512_205,
  );
  try {
    await legacy.query(`insert into patient (nhs_number, sequence) values ($1, 2)`, [nhsNumber]);
    for (const [event, part, kind, removed] of [
      [allergy, 'AllergyRecorded', 'allergy', false],
      [problem, 'ProblemRecorded', 'problem', false],
      [removal, 'ProblemRecorded', 'problem', true],
    ] as const)
      await legacy.query(
        `insert into record_item (provider_ods_code, source_record_id, part, nhs_number, kind, ics, collaborative,
           source_record_version, event_id, event_type, occurred_at, recorded_at, removed, event)
         values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, now(), now(), $10, $11)`,
        [
          event.header.providerOdsCode,
          event.header.sourceRecordId,
          part,
          nhsNumber,
          kind,
          event.header.ics,
          event.header.collaborative,
          event.header.eventId,
          event.header.eventType,
          removed,
          JSON.stringify(event),
        ],
      );
  } finally {
    await legacy.destroy();
  }
}

describe('items stored as Avro (migration 1764200000003)', () => {
  const schema = uniqueIdentifier('test_read_model');
  let readModel: DataSource;

  beforeAll(async () => {
    await legacyReadModel(schema);
    readModel = await openReadModel(database, schema, 'crosscare-read-model-test');
  });

  afterAll(async () => {
    await readModel.query(`drop schema if exists "${schema}" cascade`);
    await readModel.destroy();
  });

  it('given items stored as JSON, when migrated, then each is its Avro item and a tombstone holds none', async () => {
    const stored = await readModel.query<{ source_record_id: string; item: Buffer | null }[]>(
      `select source_record_id, item from record_item order by source_record_id`,
    );

    expect(stored.map((row) => [row.source_record_id, row.item && decodeRecordItem(row.item)])).toEqual([
      ['AllergyIntolerance/a-1', allergy],
      ['Condition/c-1', problem],
      ['Condition/c-2', null],
    ]);
    const columns = await readModel.query<{ column_name: string }[]>(
      `select column_name from information_schema.columns where table_schema = $1 and table_name = 'record_item'`,
      [schema],
    );
    expect(columns.map((c) => c.column_name)).not.toContain('event');
  });

  it('given the migrated read model, when read as the record API does, then the events are as they were', async () => {
    const [patient] = await readStoredPatients(readModel, [nhsNumber]);

    expect(
      patient.items
        .map((item) => item.event)
        .sort((a, b) => a.header.eventType.localeCompare(b.header.eventType)),
    ).toEqual([allergy, problem]);
  });

  it('given a tombstone with an item, when stored, then the database refuses it', async () => {
    const error = await rejectionOf(
      Error,
      readModel.query(`update record_item set item = '\\x00'::bytea where removed`),
    );

    expect(error.message).toContain('record_item_tombstone_has_no_item');
  });

  it('given items encoded with another item schema, when a projector opens the read model, then it is refused with the way out', async () => {
    await expect(assertOwnItemEncoding(readModel, schema)).resolves.toBeUndefined();

    await readModel.query(`update item_encoding set fingerprint = 'an-older-projector'`);
    // Put back whatever happens: the other tests read the same read model.
    const error = await rejectionOf(Error, assertOwnItemEncoding(readModel, schema)).finally(() =>
      readModel.query(`update item_encoding set fingerprint = $1`, [RECORD_ITEM_FINGERPRINT]),
    );

    expect(error.message).toContain(
      `read model ${schema} stores items encoded with item schema an-older-projector`,
    );
    expect(error.message).toContain('npm run projector:rebuild');
  });
});
