import { testNhsNumber } from '@crosscare/events/synthetic';
import {
  buildPatientRecord,
  ChangelogFold,
  parseChangelogKey,
  planBatch,
  type ChangelogMessage,
  type ItemKind,
} from '@crosscare/projection';
import { testEvents, TEST_PROVIDERS } from '@crosscare/projection/testing';
import { databaseUrlFromEnvironment, uniqueIdentifier } from '@crosscare/testing';
import type { DataSource, EntityManager } from 'typeorm';
import {
  assembleItemMessage,
  encodeRecordItem,
  PATIENT_RECORD_HEAD_TYPE,
  PATIENT_RECORD_ITEM_TYPE,
} from '../changelog/changelog-avro';
import { outboxMessagesOf, PatientChanges, type ChangelogEncoder } from '../changelog/changelog-messages';
import { ChangelogOutbox } from '../changelog/changelog-outbox';
import {
  unwrapItem,
  type AvroPatientRecordHead,
  type AvroPatientRecordItem,
} from '../changelog/changelog-schema';
import { readStoredPatients } from '../read/stored-patients';
import { rows as rowsOf } from '../sql';
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

/** The serde's bytes without the registry's frame: these tests read the outbox with avsc alone. */
const unframed: ChangelogEncoder = {
  encodeHead: (head) =>
    Promise.resolve(PATIENT_RECORD_HEAD_TYPE.toBuffer({ ...head, mergedFrom: [...head.mergedFrom] })),
  encodeItem: (identity, item) => Promise.resolve(assembleItemMessage(identity, item)),
};

interface OutboxRow {
  id: string;
  nhs_number: string;
  sequence: string;
  key: string;
  payload: Buffer | null;
}

/** An outbox row as a subscriber decodes the message the relay makes of it. */
function messageOf(row: OutboxRow): ChangelogMessage {
  const { nhsNumber, item } = parseChangelogKey(row.key);
  if (!item)
    return { type: 'head', head: PATIENT_RECORD_HEAD_TYPE.fromBuffer(row.payload!) as AvroPatientRecordHead };
  if (row.payload === null)
    return { type: 'tombstone', nhsNumber, sequence: Number(row.sequence), key: item };
  const value = PATIENT_RECORD_ITEM_TYPE.fromBuffer(row.payload) as AvroPatientRecordItem;
  return {
    type: 'item',
    nhsNumber: value.nhsNumber,
    sequence: value.sequence,
    key: { providerOdsCode: value.providerOdsCode, sourceRecordId: value.sourceRecordId, part: value.part },
    kind: value.kind as ItemKind,
    event: unwrapItem(value.item),
  };
}

describe('PatientRecordStore and ChangelogOutbox: each change publishes its items and a head', () => {
  const store = new PatientRecordStore();
  const outbox = new ChangelogOutbox();
  // Each test's own read model and subscriber: a test that needs the record stored stores it itself.
  let schema: string;
  let fold: ChangelogFold;
  let readModel: DataSource;

  beforeEach(async () => {
    schema = uniqueIdentifier('test_store');
    fold = new ChangelogFold();
    readModel = await openReadModel(database, schema, 'crosscare-projector-test');
  });

  afterEach(async () => {
    await readModel.query(`drop schema if exists "${schema}" cascade`);
    await readModel.destroy();
  });

  /** Publishes what `work` changed, and folds the outbox's new messages (then empties it, as the relay would). */
  async function change(
    work: (tx: EntityManager, changes: PatientChanges) => Promise<void>,
  ): Promise<OutboxRow[]> {
    await readModel.transaction(async (tx) => {
      const changes = new PatientChanges();
      await work(tx, changes);
      const heads = await store.nextSequences(tx, changes);
      await outbox.add(tx, await outboxMessagesOf(heads, changes, 'CCR', unframed));
    });
    const rows = await rowsOf<OutboxRow>(
      readModel,
      `delete from changelog_outbox returning id, nhs_number, sequence, key, payload`,
    );
    rows.sort(
      (a, b) => Number((a as unknown as { id: string }).id) - Number((b as unknown as { id: string }).id),
    );
    for (const row of rows) expect(fold.apply(messageOf(row))).toEqual({ duplicate: false });
    return rows;
  }

  const storedRecord = async (nhsNumber: string) => {
    const [patient] = await readStoredPatients(readModel.manager, [nhsNumber]);
    return buildPatientRecord({ ...patient, collaborative: 'CCR' });
  };

  /** `events` stored and published in one change: the surviving patient's record of eight items, at sequence 1. */
  const storeTheRecord = () => {
    const plan = planBatch(events);
    return change(async (tx, changes) => {
      const survivors = await store.lockPatients(tx, plan.nhsNumbers);
      const stored = (retiredOnes: boolean) =>
        plan.writes
          .filter((w) => (w.nhsNumber === retired) === retiredOnes)
          .map((w) => ({ ...w, item: w.removed ? null : encodeRecordItem(w.event) }));
      await store.writeItems(tx, stored(true), survivors, changes);
      const merge = {
        retiredNhsNumber: retired,
        survivingNhsNumber: surviving,
        providerOdsCode: ccrGpPractice.providerOdsCode,
        ics: ccrGpPractice.ics,
        eventId: '0b7e4c1e-8f7a-4d59-9a55-1d1c5d0f6a01',
        occurredAt: Date.UTC(2025, 1, 1),
      };
      expect(await store.applyMerge(tx, merge, survivors, changes)).toBeUndefined();
      await store.writeItems(tx, stored(false), survivors, changes);
    });
  };

  it('given items of several kinds, a removal and a merge, when published, then a subscriber folds exactly the stored records', async () => {
    const rows = await storeTheRecord();

    for (const nhsNumber of [surviving, retired])
      expect(fold.record(nhsNumber)).toEqual(await storedRecord(nhsNumber));
    expect(fold.record(surviving)?.mergedFrom).toEqual([retired]);
    expect(
      fold.record(surviving)?.items.map((e) => `${e.header.eventType} ${e.header.sourceRecordId}`),
    ).toEqual([
      `PatientRegistered ${events[9].header.sourceRecordId}`,
      'ProblemRecorded Condition/c-1',
      'AllergyRecorded A/10',
      'AllergyRecorded A/9',
      'AllergyRecorded A/2',
      'EncounterEnded Encounter/e-1',
      'EncounterStarted Encounter/e-1',
      'ReferralMade ServiceRequest/z-9',
    ]);
    expect(fold.record(retired)).toMatchObject({ mergedInto: surviving, items: [] });
    // The retired number's allergy: set under the survivor; set under the retired number, then deleted by the merge
    // (the outbox holds each patient's messages together, patients in number order).
    expect(
      rows.filter((r) => r.key.includes('A%2F9')).map((r) => [r.nhs_number, r.payload === null]),
    ).toEqual([
      [surviving, false],
      [retired, false],
      [retired, true],
    ]);
    // Each patient's messages end with its head; every message of a change carries the head's sequence.
    for (const nhsNumber of [surviving, retired]) {
      const own = rows.filter((r) => r.nhs_number === nhsNumber);
      expect(own.at(-1)?.key).toBe(nhsNumber);
      expect(new Set(own.map((r) => r.sequence))).toEqual(new Set(['1']));
    }
  });

  it('given a long record, when one item is added and then one removed, then each change publishes that item and a head, no more', async () => {
    await storeTheRecord();
    const added = testEvents.AllergyRecorded({ header: { nhsNumber: surviving, sourceRecordId: 'A/new' } });
    const addRows = await change(async (tx, changes) => {
      const survivors = await store.lockPatients(tx, [surviving]);
      const [write] = planBatch([added]).writes;
      await store.writeItems(tx, [{ ...write, item: encodeRecordItem(added) }], survivors, changes);
    });
    expect(addRows.map((r) => [r.key, r.sequence])).toEqual([
      [`${surviving}|${ccrGpPractice.providerOdsCode}|A%2Fnew|AllergyRecorded`, '2'],
      [surviving, '2'],
    ]);
    expect(messageOf(addRows[1])).toMatchObject({ head: { itemCount: 9, changeItems: 1, sequence: 2 } });

    const removal = testEvents.RecordRemoved({
      header: { nhsNumber: surviving, sourceRecordId: 'A/new', sourceRecordVersion: 2 },
      removedEventType: 'AllergyRecorded',
      removedSourceRecordId: 'A/new',
    });
    const removeRows = await change(async (tx, changes) => {
      const survivors = await store.lockPatients(tx, [surviving]);
      const [write] = planBatch([removal]).writes;
      await store.writeItems(tx, [{ ...write, item: null }], survivors, changes);
    });
    expect(removeRows.map((r) => [r.key, r.payload === null])).toEqual([
      [`${surviving}|${ccrGpPractice.providerOdsCode}|A%2Fnew|AllergyRecorded`, true],
      [surviving, false],
    ]);
    expect(messageOf(removeRows[1])).toMatchObject({ head: { itemCount: 8, changeItems: 1, sequence: 3 } });
    expect(fold.record(surviving)).toEqual(await storedRecord(surviving));
  });

  it('given a removal of an item never seen, when applied, then nothing is published for it', async () => {
    await storeTheRecord();
    const unseen = testEvents.RecordRemoved({
      header: { nhsNumber: surviving, sourceRecordId: 'A/never', sourceRecordVersion: 5 },
      removedEventType: 'AllergyRecorded',
      removedSourceRecordId: 'A/never',
    });
    const rows = await change(async (tx, changes) => {
      const survivors = await store.lockPatients(tx, [surviving]);
      await store.writeItems(
        tx,
        planBatch([unseen]).writes.map((w) => ({ ...w, item: null })),
        survivors,
        changes,
      );
    });
    expect(rows).toEqual([]);
  });
});
