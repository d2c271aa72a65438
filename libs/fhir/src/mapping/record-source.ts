import type { RecordChangeSource } from '@crosscare/events';
import type { Meta } from '@medplum/fhirtypes';
import type { IssueLog } from '../validation/issue-log';
import { parsed, parseFhirTime } from './fhir-time';
import type { MappingContext } from './mapping-context';

/** A resource's clinical time candidates, most specific first, with where each sits for error messages. */
export type ClinicalTimes = readonly (readonly [value: string | undefined, location: string])[];

interface VersionedResource {
  readonly resourceType: string;
  readonly id?: string;
  readonly meta?: Meta;
}

/**
 * The header fields every draft of a resource shares, except the NHS number: which record (`Type/id`), which version
 * of it, and when it happened. Null once any is missing; the issues say which.
 *
 * A resource that declares no version (no integer meta.versionId, no meta.lastUpdated) takes the version the app
 * assigned, as a FHIR server versions what it stores. A resource that says nothing of when it changed (no clinical
 * time, no lastUpdated) changed, as far as anyone can tell, when it was received: a FHIR server stamps lastUpdated
 * with that time, so its receipt time serves.
 */
export function recordSource(
  resource: VersionedResource,
  at: string,
  context: Pick<MappingContext, 'operation' | 'issues' | 'assignedVersion' | 'receivedAt'>,
  clinicalTimes: ClinicalTimes,
): Omit<RecordChangeSource, 'nhsNumber'> | null {
  const { issues, operation } = context;
  const { resourceType, id, meta } = resource;
  if (!id) {
    issues.required(
      `${at}.id`,
      `${at}.id is required: it is the provider's id of the record, which later versions and deletes refer to`,
    );
  }
  const lastUpdated = parsed(meta?.lastUpdated, `${at}.meta.lastUpdated`, issues);
  const version =
    declaredVersionOf(meta?.versionId, lastUpdated?.millis ?? null) ??
    context.assignedVersion ??
    missingVersion(meta?.versionId, at, issues);
  const occurredAt = clinicalTime(clinicalTimes, issues) ?? lastUpdated?.millis ?? context.receivedAt ?? null;
  if (occurredAt === null && lastUpdated === null) {
    const times = clinicalTimes.map(([, location]) => location).join(', ');
    issues.required(
      `${at}.meta.lastUpdated`,
      `${at}.meta.lastUpdated is required${times ? ` when there is no clinical time (${times})` : ''}: ` +
        'Crosscare needs to know when the change happened',
    );
  }
  if (!id || version === null || occurredAt === null) return null;
  return { sourceRecordId: `${resourceType}/${id}`, sourceRecordVersion: version, operation, occurredAt };
}

/**
 * The version a resource declares, or null when it declares none and Crosscare assigns it. Versions must grow with
 * every change of a record, so consumers keep the latest whatever order events arrive in and drop re-sent
 * duplicates. An integer versionId is the provider's own counter; otherwise lastUpdated (millis) serves.
 */
export function declaredVersion(resource: unknown): number | null {
  if (typeof resource !== 'object' || resource === null) return null;
  const meta = (resource as { meta?: unknown }).meta;
  if (typeof meta !== 'object' || meta === null) return null;
  const { versionId, lastUpdated } = meta as { versionId?: unknown; lastUpdated?: unknown };
  const millis = typeof lastUpdated === 'string' ? (parseFhirTime(lastUpdated)?.millis ?? null) : null;
  return declaredVersionOf(typeof versionId === 'string' ? versionId : undefined, millis);
}

function declaredVersionOf(versionId: string | undefined, lastUpdated: number | null): number | null {
  if (versionId !== undefined && /^\d{1,15}$/.test(versionId)) return Number(versionId);
  return lastUpdated;
}

/** Without a version of its own or one assigned (a caller that assigns none), the resource cannot be versioned. */
function missingVersion(versionId: string | undefined, at: string, issues: IssueLog): null {
  if (versionId !== undefined) {
    issues.invalid(
      `${at}.meta.versionId`,
      `${at}.meta.versionId '${versionId}' is not an integer, and there is no meta.lastUpdated to version the record by`,
    );
  } else {
    issues.required(
      `${at}.meta.versionId`,
      `${at}.meta.versionId (an integer) or meta.lastUpdated is required: the version makes re-sends idempotent and ` +
        'lets a later version win over an earlier one',
    );
  }
  return null;
}

function clinicalTime(candidates: ClinicalTimes, issues: IssueLog): number | null {
  const present = candidates.find(([value]) => value !== undefined);
  if (!present) return null;
  return parsed(present[0], present[1], issues)?.millis ?? null;
}
