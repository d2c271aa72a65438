import { createSchemaDataSource, openMigrated } from '@crosscare/database';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { testEvents } from '@crosscare/projection/testing';
import { databaseUrlFromEnvironment, uniqueIdentifier } from '@crosscare/testing';
import { encodeRecordItem } from '../changelog/changelog-avro';
import { readChangelogContract } from '../changelog/changelog-contract';
import { openReadModel } from '../read-model-database';
import { rows } from '../sql';
import { CreateReadModel1764200000000 } from './1764200000000-create-read-model';
import { RecordSourceCluster1764200000002 } from './1764200000002-record-source-cluster';
import { StoreItemsAsAvro1764200000003 } from './1764200000003-store-items-as-avro';

const database = { url: databaseUrlFromEnvironment(), poolSize: 2 };
const withItems = testNhsNumber(91);
const without = testNhsNumber(92);

/** A read model as a projector publishing the whole-record (v1) changelog left it. */
async function wholeRecordReadModel(schema: string, populated: boolean): Promise<void> {
  const v1 = await openMigrated(
    createSchemaDataSource({
      database,
      schema,
      migrations: [
        CreateReadModel1764200000000,
        RecordSourceCluster1764200000002,
        StoreItemsAsAvro1764200000003,
      ],
      migrationsTableName: 'read_model_migrations',
      applicationName: 'crosscare-read-model-test',
    }),
    schema,
    7_236_512_205,
  );
  try {
    if (!populated) return;
    await v1.query(`insert into patient (nhs_number, sequence) values ($1, 7), ($2, 3)`, [
      withItems,
      without,
    ]);
    const items = [
      [testEvents.AllergyRecorded({ header: { nhsNumber: withItems, sourceRecordId: 'A/1' } }), false],
      [testEvents.ProblemRecorded({ header: { nhsNumber: withItems, sourceRecordId: 'C/1' } }), false],
      [testEvents.ProblemRecorded({ header: { nhsNumber: withItems, sourceRecordId: 'C/2' } }), true],
    ] as const;
    for (const [event, removed] of items)
      await v1.query(
        `insert into record_item (provider_ods_code, source_record_id, part, nhs_number, kind, ics, collaborative,
           source_record_version, event_id, event_type, occurred_at, recorded_at, removed, item)
         values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $3, now(), now(), $9, $10)`,
        [
          event.header.providerOdsCode,
          event.header.sourceRecordId,
          event.header.eventType,
          withItems,
          event.header.eventType === 'AllergyRecorded' ? 'allergy' : 'problem',
          event.header.ics,
          event.header.collaborative,
          event.header.eventId,
          removed,
          removed ? null : encodeRecordItem(event),
        ],
      );
    await v1.query(`insert into changelog_outbox (nhs_number, sequence, payload) values ($1, 7, '\\x00')`, [
      withItems,
    ]);
    await v1.query(
      `insert into remote_patient_record (nhs_number, collaborative, sequence, updated_at, record)
       values ($1, 'OHC', 4, now(), '{}')`,
      [withItems],
    );
    await v1.query(
      `insert into consumed_offset (topic, partition, next_offset)
       values ('crosscare.ohc.patient-records.v1', 0, 40), ('crosscare.qhl.record-changes.v1', 0, 90)`,
    );
  } finally {
    await v1.destroy();
  }
}

describe('the item-level changelog (migration 1764200000004)', () => {
  const schemas: string[] = [];

  afterAll(async () => {
    if (schemas.length === 0) return;
    const db = await openReadModel(database, schemas[0], 'crosscare-read-model-test');
    for (const schema of schemas) await db.query(`drop schema if exists "${schema}" cascade`);
    await db.destroy();
  });

  it('given a read model that published the whole-record changelog, when migrated, then it counts items, drops the v1 outbox and remote view, and records that v2 still needs filling', async () => {
    const schema = uniqueIdentifier('test_v1_read_model');
    schemas.push(schema);
    await wholeRecordReadModel(schema, true);

    const readModel = await openReadModel(database, schema, 'crosscare-read-model-test');
    try {
      expect(
        await rows<{ nhs_number: string; sequence: string; item_count: string }>(
          readModel,
          `select nhs_number, sequence, item_count from patient order by nhs_number`,
        ),
      ).toEqual([
        { nhs_number: withItems, sequence: '7', item_count: '2' },
        { nhs_number: without, sequence: '3', item_count: '0' },
      ]);
      expect(await rows(readModel, `select * from changelog_outbox`)).toEqual([]);
      expect(await rows(readModel, `select to_regclass('remote_patient_record') as t`)).toEqual([
        { t: null },
      ]);
      expect(await rows(readModel, `select * from remote_patient`)).toEqual([]);
      expect(await rows(readModel, `select topic from consumed_offset`)).toEqual([
        { topic: 'crosscare.qhl.record-changes.v1' },
      ]);
      expect(await readChangelogContract(readModel)).toEqual({ version: 2, complete: false });
    } finally {
      await readModel.destroy();
    }
  });

  it('given an empty read model, when migrated, then its changelog is complete from its first change', async () => {
    const schema = uniqueIdentifier('test_v1_read_model');
    schemas.push(schema);
    await wholeRecordReadModel(schema, false);

    const readModel = await openReadModel(database, schema, 'crosscare-read-model-test');
    try {
      expect(await readChangelogContract(readModel)).toEqual({ version: 2, complete: true });
    } finally {
      await readModel.destroy();
    }
  });
});
