import type { RecordChangeSource, RecordOperation } from '@crosscare/events';
import type { Meta } from '@medplum/fhirtypes';
import type { IssueLog } from '../validation/issue-log';
import { parsed } from './fhir-time';

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
 */
export function recordSource(
  resource: VersionedResource,
  at: string,
  operation: RecordOperation,
  clinicalTimes: ClinicalTimes,
  issues: IssueLog,
): Omit<RecordChangeSource, 'nhsNumber'> | null {
  const { resourceType, id, meta } = resource;
  if (!id) {
    issues.required(
      `${at}.id`,
      `${at}.id is required: it is the provider's id of the record, which later versions and deletes refer to`,
    );
  }
  const lastUpdated = parsed(meta?.lastUpdated, `${at}.meta.lastUpdated`, issues);
  const version = recordVersion(meta?.versionId, lastUpdated?.millis ?? null, at, issues);
  const occurredAt = clinicalTime(clinicalTimes, issues) ?? lastUpdated?.millis ?? null;
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
 * Versions must grow with every change of a record, so consumers keep the latest whatever order events arrive in and
 * drop re-sent duplicates. An integer versionId is the provider's own counter; otherwise lastUpdated (millis) serves.
 */
function recordVersion(
  versionId: string | undefined,
  lastUpdated: number | null,
  at: string,
  issues: IssueLog,
) {
  if (versionId !== undefined && /^\d{1,15}$/.test(versionId)) return Number(versionId);
  if (lastUpdated !== null) return lastUpdated;
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
