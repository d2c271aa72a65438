// Shared by this library's unit specs (not a test itself: jest runs *.unit.spec.ts only).
import type { InputIssue } from '@crosscare/events';
import type { PublishableDraft } from '@crosscare/governance';
import { type FhirMappingOptions, mapFhirResource } from './map-fhir-resource';

export const GP = 'M85001';

/** Days since epoch of a calendar date, computed independently of the code under test. */
export const days = (isoDate: string): number => Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000;

/** Epoch millis of an ISO instant. */
export const at = (isoInstant: string): number => Date.parse(isoInstant);

export function draftsOf(resource: unknown, options: Partial<FhirMappingOptions> = {}): PublishableDraft[] {
  const result = mapFhirResource(resource, { operation: 'create', providerOdsCode: GP, ...options });
  if (!result.ok) throw new Error(`expected drafts, got issues: ${JSON.stringify(result.issues, null, 2)}`);
  return result.value;
}

export function issuesOf(
  resource: unknown,
  options: Partial<FhirMappingOptions> = {},
): readonly InputIssue[] {
  const result = mapFhirResource(resource, { operation: 'create', providerOdsCode: GP, ...options });
  if (result.ok) throw new Error(`expected issues, got drafts: ${JSON.stringify(result.value, null, 2)}`);
  return result.issues;
}
