import type { Observation } from '@medplum/fhirtypes';

/**
 * The Observation entries of one transaction Bundle that its DiagnosticReport entries report as results, keyed by
 * how a report may reference them: the entry's fullUrl (`urn:uuid:…`) and `Observation/{id}`. A report carries its
 * results inside its own event, so these entries publish nothing of their own.
 */
export type ResultIndex = ReadonlyMap<string, Observation>;
