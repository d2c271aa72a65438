import { literalMedicationRecord } from './mapping/medication';
import { literalPatientRecord } from './mapping/patient-identity';

/**
 * What "the same content" means for a resource sent without a version: the resource as canonical JSON (object keys
 * sorted, no insignificant whitespace) without `meta`, which says how the sender stored it rather than what it says.
 * References to entries of the same Bundle by fullUrl (`urn:uuid:…`, fresh in every message) are written as the
 * `Type/id` they resolve to, as a FHIR server rewrites them on storing, so the same resource sent in two Bundles is
 * the same content.
 */
export function canonicalContent(resource: unknown, bundleReferences?: ReadonlyMap<string, string>): string {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    return canonicalJson(resource, bundleReferences);
  }
  const { meta: _meta, ...content } = resource as Record<string, unknown>;
  return canonicalJson(content, bundleReferences);
}

/** Built by concatenation rather than map/join: it runs over every resource ingest receives. */
function canonicalJson(value: unknown, references: ReadonlyMap<string, string> | undefined): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i], references);
    return out + ']';
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    let out = '{';
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      const resolved =
        key === 'reference' && typeof member === 'string' ? (references?.get(member) ?? member) : member;
      out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(resolved, references);
    }
    return out + '}';
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The `Patient/{id}` records a resource refers to by relative literal reference, anywhere in it (subject, patient,
 * link.other…), for the app to look up among what the provider sent before. Over-collecting costs one more key in
 * one lookup; the mapping decides which references matter.
 */
export function patientRecordsReferenced(resource: unknown): string[] {
  return recordsReferenced(resource, literalPatientRecord);
}

/** The `Medication/{id}` records a resource refers to (medicationReference), for the app to look up. */
export function medicationRecordsReferenced(resource: unknown): string[] {
  return recordsReferenced(resource, literalMedicationRecord);
}

function recordsReferenced(resource: unknown, recordOf: (reference: string) => string | null): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, member] of Object.entries(value)) {
        if (key === 'reference' && typeof member === 'string') {
          const record = recordOf(member);
          if (record !== null) found.add(record);
        } else visit(member);
      }
    }
  };
  visit(resource);
  return [...found];
}
