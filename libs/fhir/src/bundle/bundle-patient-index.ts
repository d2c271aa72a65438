import type { Patient } from '@medplum/fhirtypes';
import { nhsNumberIfValid, type PatientIndex } from '../mapping/patient-identity';
import { isRecord } from './entry-request';

/**
 * NHS numbers of a transaction's Patient entries, so its other entries may reference them as FHIR transactions do
 * (`urn:uuid:…` fullUrls, `Patient/id`). A Patient entry without a valid NHS number is not indexed: it is reported
 * on its own entry, and anything referencing it is reported as unidentified.
 */
export function bundlePatientIndex(entries: readonly unknown[]): PatientIndex {
  const index = new Map<string, string>();
  for (const entry of entries) {
    if (!isRecord(entry) || !isRecord(entry.resource) || entry.resource.resourceType !== 'Patient') continue;
    const patient = entry.resource as unknown as Patient;
    const nhsNumber = Array.isArray(patient.identifier) ? nhsNumberIfValid(patient.identifier) : null;
    if (nhsNumber === null) continue;
    if (typeof entry.fullUrl === 'string') index.set(entry.fullUrl, nhsNumber);
    if (typeof patient.id === 'string') index.set(`Patient/${patient.id}`, nhsNumber);
  }
  return index;
}
