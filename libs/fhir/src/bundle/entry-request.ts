import type { InputIssue } from '@crosscare/events';
import { type FhirResourceType, isSupportedResourceType } from '../resource-types';

export type EntryMethod = 'POST' | 'PUT' | 'DELETE';

/** What a Bundle entry may name: a record type, or Medication, which ingest keeps as reference data (planMedication). */
export type EntryResourceType = FhirResourceType | 'Medication';

/** What one Bundle entry asks for: create a resource (`POST Type`), replace one (`PUT Type/id`), delete one. */
export interface EntryRequest {
  readonly method: EntryMethod;
  readonly resourceType: EntryResourceType;
  /** From the url; absent for POST, where the resource's own id names the record. */
  readonly id?: string;
  /** request.ifMatch, the ETag of the version the sender last saw (`W/"3"`): a version-aware update. */
  readonly ifMatch?: string;
}

const URL_PATTERN = /^\/?([A-Z][A-Za-z]+)(?:\/([A-Za-z0-9\-.]{1,64}))?$/;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `entry.request`; the issues say what is wrong with it. */
export function entryRequest(entry: Record<string, unknown>, at: string): EntryRequest | InputIssue[] {
  const { request } = entry;
  if (!isRecord(request)) {
    return [
      {
        code: 'required',
        location: `${at}.request`,
        message: `${at}.request with method and url is required`,
      },
    ];
  }
  const { method, url } = request;
  const issues: InputIssue[] = [];
  if (typeof method !== 'string') {
    issues.push({
      code: 'required',
      location: `${at}.request.method`,
      message: `${at}.request.method is required`,
    });
  } else if (method !== 'POST' && method !== 'PUT' && method !== 'DELETE') {
    issues.push({
      code: 'not-supported',
      location: `${at}.request.method`,
      message: `${at}.request.method ${method} is not supported: use POST, PUT or DELETE`,
    });
  }
  if (typeof url !== 'string') {
    issues.push({
      code: 'required',
      location: `${at}.request.url`,
      message: `${at}.request.url is required`,
    });
    return issues;
  }
  if (issues.length > 0) return issues;
  const parsed = requestFromUrl(method as EntryMethod, url, `${at}.request.url`);
  const { ifMatch } = request;
  if (Array.isArray(parsed) || ifMatch === undefined) return parsed;
  if (typeof ifMatch !== 'string' || method === 'POST') {
    return [
      {
        code: typeof ifMatch !== 'string' ? 'structure' : 'not-supported',
        location: `${at}.request.ifMatch`,
        message:
          typeof ifMatch !== 'string'
            ? `${at}.request.ifMatch must be a string (an ETag such as W/"3")`
            : `${at}.request.ifMatch is for PUT and DELETE: a POST creates a record, which has no version yet`,
      },
    ];
  }
  return { ...parsed, ifMatch };
}

function requestFromUrl(method: EntryMethod, url: string, location: string): EntryRequest | InputIssue[] {
  if (url.includes('?')) {
    return [
      {
        code: 'not-supported',
        location,
        message: `${location}: conditional requests (${url}) are not supported`,
      },
    ];
  }
  const match = URL_PATTERN.exec(url);
  const expected = method === 'POST' ? 'Type' : 'Type/id';
  const [, resourceType, id] = match ?? [];
  if (resourceType === undefined || (method === 'POST') !== (id === undefined)) {
    return [{ code: 'value', location, message: `${location} '${url}' must be ${expected} for ${method}` }];
  }
  if (!isSupportedResourceType(resourceType) && resourceType !== 'Medication') {
    return [
      { code: 'not-supported', location, message: `${location}: Crosscare does not take ${resourceType}` },
    ];
  }
  return id === undefined ? { method, resourceType } : { method, resourceType, id };
}

/** The url says what the entry is about; a resource that says otherwise would be shared under the wrong name. */
export function urlMismatches(
  resource: Record<string, unknown>,
  resourceType: string,
  id: string | undefined,
  at: string,
) {
  const issues: InputIssue[] = [];
  if (resource.resourceType !== resourceType) {
    issues.push({
      code: 'value',
      location: `${at}.resource.resourceType`,
      message: `${at}.request.url is for ${resourceType} but the resource is ${String(resource.resourceType)}`,
    });
  }
  if (id !== undefined && resource.id !== id) {
    issues.push({
      code: 'value',
      location: `${at}.resource.id`,
      message: `${at}.resource.id must equal the id in request.url (${id})`,
    });
  }
  return issues;
}
