import type { Observation } from '@medplum/fhirtypes';
import type { ResultIndex } from '../mapping/report-results';
import { isRecord } from './entry-request';

/**
 * The Observation entries of a transaction that its DiagnosticReport entries name as results, keyed as the reports
 * reference them (`urn:uuid:…` fullUrls, `Observation/id`). The report's event carries them, so the entries
 * themselves publish nothing: an Observation entry no report names is an observation of its own, as before.
 */
export function bundleResultIndex(entries: readonly unknown[]): ResultIndex {
  const reported = new Set<string>();
  for (const entry of entries) {
    if (!isRecord(entry) || !isRecord(entry.resource) || entry.resource.resourceType !== 'DiagnosticReport')
      continue;
    const results = entry.resource.result;
    if (!Array.isArray(results)) continue;
    for (const result of results) {
      if (isRecord(result) && typeof result.reference === 'string') reported.add(result.reference);
    }
  }
  const index = new Map<string, Observation>();
  for (const entry of entries) {
    if (!isRecord(entry) || !isRecord(entry.resource) || entry.resource.resourceType !== 'Observation')
      continue;
    const observation = entry.resource as unknown as Observation;
    const keys = [
      typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined,
      typeof observation.id === 'string' ? `Observation/${observation.id}` : undefined,
    ];
    for (const key of keys) if (key !== undefined && reported.has(key)) index.set(key, observation);
  }
  return index;
}

/** Whether a transaction entry is a result some report in it carries. */
export function isReportedResult(entry: Record<string, unknown>, results: ResultIndex | undefined): boolean {
  if (results === undefined || results.size === 0) return false;
  const resource = entry.resource;
  if (!isRecord(resource) || resource.resourceType !== 'Observation') return false;
  return (
    (typeof entry.fullUrl === 'string' && results.has(entry.fullUrl)) ||
    (typeof resource.id === 'string' && results.has(`Observation/${resource.id}`))
  );
}
