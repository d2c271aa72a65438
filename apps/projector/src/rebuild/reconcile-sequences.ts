import { rows } from '@crosscare/read-model';
import { patientRecordFingerprint, type PatientRecord } from '@crosscare/projection';
import type { DataSource } from 'typeorm';
import { PatientRecordStore } from '../read-model/patient-record-store';

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
 */
export async function reconcileSequences(
  previous: DataSource,
  rebuilt: DataSource,
  collaborative: string,
  encode: (record: PatientRecord) => Promise<Buffer>,
  onProgress: (done: number, total: number) => void = () => undefined,
  chunkSize = 2000,
): Promise<ReconcileOutcome> {
  const store = new PatientRecordStore();
  const numbers = await allPatients(previous, rebuilt);
  let republished = 0;
  for (let start = 0; start < numbers.length; start += chunkSize) {
    const chunk = numbers.slice(start, start + chunkSize);
    const before = new Map(
      (await store.patientRecords(previous.manager, collaborative, chunk)).map((r) => [r.nhsNumber, r]),
    );
    await rebuilt.transaction(async (tx) => {
      await store.lockPatients(tx, chunk);
      const after = new Map(
        (await store.patientRecords(tx, collaborative, chunk)).map((r) => [r.nhsNumber, r]),
      );
      const sequences: { n: string; s: number }[] = [];
      const outbox: { nhsNumber: string; sequence: number; payload: Buffer }[] = [];
      for (const nhsNumber of chunk) {
        const old = before.get(nhsNumber);
        const now = after.get(nhsNumber) as PatientRecord;
        const unchanged =
          old !== undefined && patientRecordFingerprint(old) === patientRecordFingerprint(now);
        const sequence = (old?.sequence ?? 0) + (unchanged ? 0 : 1);
        sequences.push({ n: nhsNumber, s: sequence });
        if (!unchanged) outbox.push({ nhsNumber, sequence, payload: await encode({ ...now, sequence }) });
      }
      await tx.query(
        `update patient p set sequence = w.s from json_to_recordset($1::json) as w(n text, s bigint)
         where p.nhs_number = w.n`,
        [JSON.stringify(sequences)],
      );
      await store.addToOutbox(tx, outbox);
      republished += outbox.length;
    });
    onProgress(Math.min(start + chunkSize, numbers.length), numbers.length);
  }
  return { patients: numbers.length, republished };
}

async function allPatients(previous: DataSource, rebuilt: DataSource): Promise<string[]> {
  const [a, b] = await Promise.all([
    rows<{ nhs_number: string }>(previous, `select nhs_number from patient`),
    rows<{ nhs_number: string }>(rebuilt, `select nhs_number from patient`),
  ]);
  return [...new Set([...a, ...b].map((r) => r.nhs_number))].sort();
}
