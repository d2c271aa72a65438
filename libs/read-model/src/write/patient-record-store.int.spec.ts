import { testNhsNumber } from '@crosscare/events/synthetic';
import { buildPatientRecord, planBatch, type PatientRecord } from '@crosscare/projection';
import { testEvents, TEST_PROVIDERS } from '@crosscare/projection/testing';
import { databaseUrlFromEnvironment, uniqueIdentifier } from '@crosscare/testing';
import type { DataSource } from 'typeorm';
import { ChangelogOutbox } from '../changelog/changelog-outbox';
import {
  encodePatientRecordHead,
  encodeRecordItem,
  PATIENT_RECORD_TYPE,
} from '../changelog/patient-record-avro';
import { fromAvroPatientRecord, type AvroPatientRecord } from '../changelog/patient-record-schema';
import { readStoredPatients } from '../read/stored-patients';
import { openReadModel } from '../read-model-database';
import { PatientRecordStore } from './patient-record-store';

const database = { url: databaseUrlFromEnvironment(), poolSize: 2 };
const surviving = testNhsNumber(81);
const retired = testNhsNumber(82);
const { ccrGpPractice, ohcAcuteTrust } = TEST_PROVIDERS;

/** Events in an order unlike the record's: kinds mixed, providers and ids descending, a removal, a merge. */
const events = [
  testEvents.ReferralMade({ header: { nhsNumber: surviving, sourceRecordId: 'ServiceRequest/z-9' } }),
  testEvents.AllergyRecorded({ header: { ...ohcAcuteTrust, nhsNumber: surviving, sourceRecordId: 'A/2' } }),
  testEvents.AllergyRecorded({ header: { nhsNumber: retired, sourceRecordId: 'A/9' } }),
  testEvents.AllergyRecorded({ header: { nhsNumber: surviving, sourceRecordId: 'A/10' } }),
  testEvents.EncounterEnded({ header: { nhsNumber: surviving, sourceRecordId: 'Encounter/e-1' } }),
  testEvents.EncounterStarted({ header: { nhsNumber: surviving, sourceRecordId: 'Encounter/e-1' } }),
  testEvents.ProblemRecorded({ header: { nhsNumber: surviving, sourceRecordId: 'Condition/c-1' } }),
  testEvents.ProblemRecorded({ header: { nhsNumber: surviving, sourceRecordId: 'Condition/c-2' } }),
  testEvents.RecordRemoved({
    header: { nhsNumber: surviving, sourceRecordId: 'Condition/c-2', sourceRecordVersion: 2 },
    removedEventType: 'ProblemRecorded',
    removedSourceRecordId: 'Condition/c-2',
  }),
  testEvents.PatientRegistered({ header: { ...ccrGpPractice, nhsNumber: surviving } }),
];

describe('PatientRecordStore and ChangelogOutbox: changelog records assembled from stored items', () => {
  const schema = uniqueIdentifier('test_store');
  const store = new PatientRecordStore();
  const changelog = new ChangelogOutbox();
  let readModel: DataSource;

  beforeAll(async () => {
    readModel = await openReadModel(database, schema, 'crosscare-projector-test');
  });

  afterAll(async () => {
    await readModel.query(`drop schema if exists "${schema}" cascade`);
    await readModel.destroy();
  });

  it('given a patient with items of several kinds and a merge, when published, then the outbox holds the record buildPatientRecord gives, whole', async () => {
    const plan = planBatch(events);
    const published = await readModel.transaction(async (tx) => {
      const survivors = await store.lockPatients(tx, plan.nhsNumbers);
      await store.writeItems(
        tx,
        plan.writes
          .filter((w) => w.nhsNumber === retired)
          .map((w) => ({ ...w, item: encodeRecordItem(w.event) })),
        survivors,
      );
      await store.applyMerge(
        tx,
        {
          retiredNhsNumber: retired,
          survivingNhsNumber: surviving,
          providerOdsCode: ccrGpPractice.providerOdsCode,
          ics: ccrGpPractice.ics,
          eventId: '0b7e4c1e-8f7a-4d59-9a55-1d1c5d0f6a01',
          occurredAt: Date.UTC(2025, 1, 1),
        },
        survivors,
      );
      await store.writeItems(
        tx,
        plan.writes
          .filter((w) => w.nhsNumber !== retired)
          .map((w) => ({ ...w, item: w.removed ? null : encodeRecordItem(w.event) })),
        survivors,
      );
      const heads = await store.nextSequences(tx, [surviving, retired]);
      await changelog.add(
        tx,
        heads.map((head) => ({
          nhsNumber: head.nhsNumber,
          sequence: head.sequence,
          head: encodePatientRecordHead({ ...head, collaborative: 'CCR' }),
        })),
      );
      const stored = await readStoredPatients(tx, [surviving, retired]);
      return { heads, stored };
    });

    const outbox = await readModel.query<{ nhs_number: string; sequence: string; payload: Buffer }[]>(
      `select nhs_number, sequence, payload from changelog_outbox order by nhs_number`,
    );
    const decoded = outbox.map((row) =>
      fromAvroPatientRecord(PATIENT_RECORD_TYPE.fromBuffer(row.payload) as AvroPatientRecord),
    );
    const expected = published.stored
      .map((patient) => buildPatientRecord({ ...patient, collaborative: 'CCR' }))
      .sort((a, b) => a.nhsNumber.localeCompare(b.nhsNumber));

    expect(decoded).toEqual(expected);
    const survivor = decoded.find((r) => r.nhsNumber === surviving) as PatientRecord;
    expect(survivor.mergedFrom).toEqual([retired]);
    expect(survivor.items.map((e) => `${e.header.eventType} ${e.header.sourceRecordId}`)).toEqual([
      `PatientRegistered ${events[9].header.sourceRecordId}`,
      'ProblemRecorded Condition/c-1',
      'AllergyRecorded A/10',
      'AllergyRecorded A/9',
      'AllergyRecorded A/2',
      'EncounterEnded Encounter/e-1',
      'EncounterStarted Encounter/e-1',
      'ReferralMade ServiceRequest/z-9',
    ]);
    expect(decoded.find((r) => r.nhsNumber === retired)).toMatchObject({ mergedInto: surviving, items: [] });
    expect(outbox.map((row) => Number(row.sequence))).toEqual(published.heads.map((h) => h.sequence));
  });
});
