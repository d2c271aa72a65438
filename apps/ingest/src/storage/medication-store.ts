import type { CodedValue } from '@crosscare/events';
import type { EntityManager } from 'typeorm';

/** A Medication a provider sent, as ingest keeps it: its current version and product code. */
export interface KeptMedication {
  readonly version: number;
  readonly resourceSha256: Buffer;
  readonly code: CodedValue;
}

/**
 * The Medication resources providers sent (table provider_medications), keyed by provider and `Medication/{id}`:
 * reference data for later `medicationReference`s, never published.
 */
export class MedicationStore {
  /** The current Medication of each of these records (`Medication/{id}`) the provider sent; absent: never sent. */
  async current(
    tx: EntityManager,
    providerOdsCode: string,
    records: readonly string[],
  ): Promise<Map<string, KeptMedication>> {
    const found = new Map<string, KeptMedication>();
    if (records.length === 0) return found;
    const rows = await tx.query<
      { medication_id: string; version: string; resource_sha256: Buffer; code: CodedValue }[]
    >(
      `select medication_id, version, resource_sha256, code from provider_medications
        where provider_ods_code = $1 and medication_id = any($2::text[])`,
      [providerOdsCode, records.map((record) => record.replace(/^Medication\//, ''))],
    );
    for (const r of rows) {
      found.set(`Medication/${r.medication_id}`, {
        version: Number(r.version),
        resourceSha256: r.resource_sha256,
        code: r.code,
      });
    }
    return found;
  }

  /** Keeps this version as the provider's current Medication `id`. */
  async keep(
    tx: EntityManager,
    providerOdsCode: string,
    id: string,
    medication: KeptMedication,
  ): Promise<void> {
    await tx.query(
      `insert into provider_medications (provider_ods_code, medication_id, version, resource_sha256, code)
       values ($1, $2, $3, $4, $5::jsonb)
       on conflict (provider_ods_code, medication_id) do update
         set version = excluded.version, resource_sha256 = excluded.resource_sha256, code = excluded.code,
             updated_at = now()`,
      [
        providerOdsCode,
        id,
        String(medication.version),
        medication.resourceSha256,
        JSON.stringify(medication.code),
      ],
    );
  }
}
