import type { DataSource } from 'typeorm';
import { ChangelogOutbox } from '../changelog/changelog-outbox';
import { rows } from '../sql';
import { PatientRecordStore, type RecordHead } from './patient-record-store';

/** What the switch did to the changelog. */
export interface ReconcileOutcome {
  readonly patients: number;
  /** Patients whose record the rebuild changed: each gets one changelog record, numbered after the last published. */
  readonly republished: number;
}

/**
 * Carries the changelog's per-patient sequence numbers from the serving read model over to a rebuilt one, so
 * subscribers see no gap and no step back: a patient whose record is the same keeps its number and publishes
 * nothing; one whose record differs (the reason to rebuild is usually a projection fix) publishes its new record
 * under the next number. Patients only the old read model knew publish an empty record.
 *
 * Records are compared by a fingerprint computed in SQL over both schemas at once: the keys and event ids of the
 * current items (an event id names one event's content for good), the merge pointer and the numbers merged in.
 * Only the patients that differ are republished, so a rebuild that changed little switches quickly.
 */
export async function reconcileSequences(
  previous: DataSource,
  rebuilt: DataSource,
  collaborative: string,
  encodeHead: (head: RecordHead & { collaborative: string }) => Promise<Buffer>,
  onProgress: (done: number, total: number) => void = () => undefined,
  chunkSize = 2000,
): Promise<ReconcileOutcome> {
  const [before, after] = await Promise.all([fingerprints(previous), fingerprints(rebuilt)]);
  const numbers = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changed = numbers.filter((n) => before.get(n)?.fingerprint !== after.get(n)?.fingerprint);
  const isChanged = new Set(changed);
  const sequences = numbers.map((n) => ({
    n,
    s: (before.get(n)?.sequence ?? 0) + (isChanged.has(n) ? 1 : 0),
  }));
  const store = new PatientRecordStore();
  const changelog = new ChangelogOutbox();
  await rebuilt.transaction(async (tx) => {
    // Patients only the old read model knew get a row, so their (empty) record can be published.
    await store.lockPatients(
      tx,
      numbers.filter((n) => !after.has(n)),
    );
    await tx.query(
      `update patient p set sequence = w.s from json_to_recordset($1::json) as w(n text, s bigint)
       where p.nhs_number = w.n`,
      [JSON.stringify(sequences)],
    );
  });
  for (let start = 0; start < changed.length; start += chunkSize) {
    const chunk = changed.slice(start, start + chunkSize);
    await rebuilt.transaction(async (tx) => {
      const outbox = [];
      for (const head of await store.recordHeads(tx, chunk))
        outbox.push({
          nhsNumber: head.nhsNumber,
          sequence: head.sequence,
          head: await encodeHead({ ...head, collaborative }),
        });
      await changelog.add(tx, outbox);
    });
    onProgress(Math.min(start + chunkSize, changed.length), changed.length);
  }
  return { patients: numbers.length, republished: changed.length };
}

/** Every patient of a read model: its changelog sequence and a fingerprint of what its record holds. */
async function fingerprints(db: DataSource): Promise<Map<string, { sequence: number; fingerprint: string }>> {
  const found = await rows<{ nhs_number: string; sequence: string; fingerprint: string }>(
    db,
    `with items as (
       select nhs_number, md5(string_agg(
         provider_ods_code || chr(31) || source_record_id || chr(31) || part || chr(31) || event_id, chr(30)
         order by provider_ods_code collate "C", source_record_id collate "C", part collate "C")) as h
       from record_item where not removed group by nhs_number
     ), merged as (
       select merged_into as nhs_number, string_agg(nhs_number, ',' order by nhs_number collate "C") as f
       from patient where merged_into is not null group by merged_into
     )
     select p.nhs_number, p.sequence,
       md5(coalesce(p.merged_into, '') || chr(29) || coalesce(m.f, '') || chr(29) || coalesce(i.h, '')) as fingerprint
     from patient p left join items i using (nhs_number) left join merged m using (nhs_number)`,
  );
  return new Map(
    found.map((r) => [r.nhs_number, { sequence: Number(r.sequence), fingerprint: r.fingerprint }]),
  );
}
