import type { CodedValue } from '@crosscare/events';
import type { EntityManager } from 'typeorm';
import { conflict } from '../ingest-error';
import type { KeptMedication, MedicationStore } from '../storage/medication-store';
import type { SharedRecordLedger } from '../storage/shared-record-ledger';
import { decideVersion } from './record-versioning';

/** A Medication to keep, from a single write or a Bundle entry. */
export interface MedicationToKeep {
  readonly id: string;
  readonly code: CodedValue;
  /** Of its canonical content without meta: a re-send without a version is known by it. */
  readonly resourceSha256: Buffer;
  readonly declaredVersion: number | null;
  readonly ifMatch?: string;
  /** Where it is in the request, for a 409: `Medication`, `Bundle.entry[0]`. */
  readonly location: string;
  /** Where its If-Match is, for a 412: the header, or `Bundle.entry[0].request.ifMatch`. */
  readonly ifMatchLocation: string;
}

/** What keeping a Medication came to: the version now current, and whether this request changed it. */
export interface KeptMedicationOutcome {
  readonly sourceRecordId: string;
  readonly version: number;
  readonly outcome: 'kept' | 'unchanged';
}

/**
 * A Medication's version, as a FHIR server versions a resource: a declared version is kept (the same version with
 * other content, or an older one, is 409); without one, the same content is the version kept and changed content
 * the next; If-Match must name the version kept (412). Throws the refusal as an IngestError.
 */
export function decideMedicationVersion(
  medication: MedicationToKeep,
  kept: KeptMedication | undefined,
): Omit<KeptMedicationOutcome, 'sourceRecordId'> {
  const sourceRecordId = `Medication/${medication.id}`;
  const decision = decideVersion({
    sourceRecordId,
    declaredVersion: medication.declaredVersion,
    resourceSha256: medication.resourceSha256,
    current: kept && { ...kept, nhsNumber: '', removed: false },
    ifMatch: medication.ifMatch,
    ifMatchLocation: medication.ifMatchLocation,
  });
  const version = decision.assignedVersion ?? medication.declaredVersion!;
  if (!kept || version > kept.version) return { version, outcome: 'kept' };
  if (version === kept.version && kept.resourceSha256.equals(medication.resourceSha256))
    return { version, outcome: 'unchanged' };
  throw conflict(
    medication.location,
    `version ${version} of ${sourceRecordId} is not after the version kept (${kept.version}) and says ` +
      'something else; a changed Medication needs a higher version',
  );
}

/**
 * Keeps Medications as the provider's reference data (provider_medications), in the caller's database transaction:
 * under a lock on each record, held until that transaction ends, so that two requests keeping one Medication decide
 * its versions one after the other.
 */
export class MedicationKeeper {
  constructor(
    private readonly ledger: Pick<SharedRecordLedger, 'lockRecords'>,
    private readonly store: MedicationStore,
  ) {}

  /** All or none: the first refusal is thrown, and the caller's transaction rolls back what was kept before it. */
  async keep(
    tx: EntityManager,
    providerOdsCode: string,
    medications: readonly MedicationToKeep[],
  ): Promise<KeptMedicationOutcome[]> {
    if (medications.length === 0) return [];
    const records = medications.map((m) => `Medication/${m.id}`);
    await this.ledger.lockRecords(tx, providerOdsCode, records);
    const current = await this.store.current(tx, providerOdsCode, records);
    const outcomes: KeptMedicationOutcome[] = [];
    for (const medication of medications) {
      const sourceRecordId = `Medication/${medication.id}`;
      const decided = decideMedicationVersion(medication, current.get(sourceRecordId));
      if (decided.outcome === 'kept') {
        const kept = {
          version: decided.version,
          resourceSha256: medication.resourceSha256,
          code: medication.code,
        };
        await this.store.keep(tx, providerOdsCode, medication.id, kept);
        current.set(sourceRecordId, kept);
      }
      outcomes.push({ sourceRecordId, ...decided });
    }
    return outcomes;
  }
}

/** What the answer says of a Medication kept: that it is reference data, and that nothing was published. */
export function keptMedicationText(kept: KeptMedicationOutcome): string {
  return kept.outcome === 'kept'
    ? `kept version ${kept.version} of ${kept.sourceRecordId} as reference data for later medicationReferences; nothing is published for a Medication`
    : `version ${kept.version} of ${kept.sourceRecordId} is already kept; nothing changed`;
}
