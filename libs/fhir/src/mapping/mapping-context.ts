import type {
  CareSetting,
  EventType,
  RecordChangeDraft,
  RecordChangeEventMap,
  RecordChangeSource,
  RecordOperation,
} from '@crosscare/events';
import type { IssueLog } from '../validation/issue-log';
import type { EarlierMedications, MedicationIndex } from './medication';
import type { EarlierPatients, PatientIndex } from './patient-identity';
import type { ResultIndex } from './report-results';

/** What a resource mapper needs besides the resource: where it sits, who sent it, and where to log problems. */
export interface MappingContext {
  /** FHIRPath of the resource in the request: its type, or `Bundle.entry[i].resource`. */
  readonly at: string;
  readonly operation: Extract<RecordOperation, 'CREATE' | 'UPDATE'>;
  readonly providerOdsCode: string;
  readonly careSetting?: CareSetting;
  readonly patients?: PatientIndex;
  /** Patient resources the provider sent before, for literal `Patient/{id}` references. */
  readonly earlierPatients?: EarlierPatients;
  /** Medication resources the provider sent before, for `medicationReference` to `Medication/{id}`. */
  readonly earlierMedications?: EarlierMedications;
  /** Medication entries of the same Bundle, for `medicationReference` by fullUrl or `Medication/{id}`. */
  readonly medicationsInBundle?: MedicationIndex;
  /** The version Crosscare assigned, for a resource that declares none (see declaredVersion). */
  readonly assignedVersion?: number;
  /** When ingest received the resource (epoch ms): the change's time when the resource gives none. */
  readonly receivedAt?: number;
  /** Observation entries of the same transaction Bundle that a DiagnosticReport entry reports. */
  readonly results?: ResultIndex;
  readonly issues: IssueLog;
}

export function draft<T extends EventType>(
  type: T,
  source: RecordChangeSource,
  body: Omit<RecordChangeEventMap[T], 'header'>,
): RecordChangeDraft<T> {
  return { type, source, body };
}
