import { type CareSetting, type InputIssue, mapped, type MappingResult, rejected } from '@crosscare/events';
import type { PublishableDraft } from '@crosscare/governance';
import { mapResourceAt } from '../map-fhir-resource';
import type { EarlierMedications, MedicationIndex } from '../mapping/medication';
import type { EarlierPatients, PatientIndex } from '../mapping/patient-identity';
import type { ResultIndex } from '../mapping/report-results';
import type { FhirResourceType } from '../resource-types';
import { bundlePatientIndex } from './bundle-patient-index';
import { bundleResultIndex, isReportedResult } from './bundle-result-index';
import { canonicalContent, medicationRecordsReferenced, patientRecordsReferenced } from '../versioning';
import {
  bundleMedicationIndex,
  medicationEntries,
  plannedMedicationOutcomes,
  type MedicationEntryPlan,
} from './bundle-medications';
import { entryRequest, isRecord, urlMismatches } from './entry-request';

export interface BundlePlanOptions {
  readonly providerOdsCode: string;
  readonly careSetting?: CareSetting;
  /** Patient resources the provider sent before, for literal `Patient/{id}` references. */
  readonly earlierPatients?: EarlierPatients;
  /** Medication resources the provider sent before, for `medicationReference` to `Medication/{id}`. */
  readonly earlierMedications?: EarlierMedications;
  /**
   * The Bundle's Medication entries as the app kept them, for `medicationReference` to them: a batch keeps its
   * Medications first, each on its own, and passes what each came to. When absent, every valid Medication entry
   * resolves, as in a transaction, which keeps them all or none.
   */
  readonly medicationsInBundle?: MedicationIndex;
  /** Versions Crosscare assigned, by record (`Type/id`), for resources that declare none. */
  readonly assignedVersions?: ReadonlyMap<string, number>;
  /** When the Bundle was received (epoch ms): the time of a resource that gives none. */
  readonly receivedAt?: number;
}

/** A POST or PUT entry: the drafts its resource maps to. */
export interface WriteEntryPlan {
  readonly kind: 'write';
  readonly index: number;
  readonly method: 'POST' | 'PUT';
  readonly resourceType: FhirResourceType;
  readonly id: string;
  readonly drafts: PublishableDraft[];
  readonly ifMatch?: string;
}

/**
 * A DELETE entry. Only the app knows which NHS number and version it shared for `resourceType/id`, so it turns this
 * into a RecordRemoved (see fhirDeleteDraft) or a not-found.
 */
export interface DeleteEntryPlan {
  readonly kind: 'delete';
  readonly index: number;
  readonly resourceType: FhirResourceType;
  readonly id: string;
  readonly ifMatch?: string;
}

/** A batch entry that failed on its own; the other entries of the batch go ahead. */
export interface RejectedEntryPlan {
  readonly kind: 'rejected';
  readonly index: number;
  readonly issues: readonly InputIssue[];
}

export type BundleEntryPlan = WriteEntryPlan | DeleteEntryPlan | RejectedEntryPlan;

/**
 * Entries in request order: the record changes and deletes in `entries`, the Medications to keep in `medications`
 * (a Medication entry that cannot be kept is a rejected entry in `entries`). A transaction plan never holds a rejected
 * entry: one bad entry rejects the whole Bundle.
 */
export interface BundlePlan {
  readonly type: 'transaction' | 'batch';
  readonly entries: readonly BundleEntryPlan[];
  readonly medications: readonly MedicationEntryPlan[];
}

/** How many entries a Bundle has, for the app's size limit before any mapping work; 0 when it is not a Bundle. */
export function bundleEntryCount(bundle: unknown): number {
  return isRecord(bundle) && Array.isArray(bundle.entry) ? bundle.entry.length : 0;
}

/**
 * A transaction or batch Bundle → what each entry means. A transaction is all-or-nothing, and its entries may
 * reference its Patient entries by fullUrl; a batch's entries stand alone and fail alone. Entries of either may name
 * the Bundle's Medication entries in `medicationReference` (by fullUrl or `Medication/{id}`).
 */
export function planBundle(bundle: unknown, options: BundlePlanOptions): MappingResult<BundlePlan> {
  if (!isRecord(bundle) || bundle.resourceType !== 'Bundle') {
    return rejected({ code: 'structure', location: 'Bundle', message: 'expected a Bundle resource' });
  }
  const { type, entry } = bundle;
  if (type !== 'transaction' && type !== 'batch') {
    return rejected({
      code: type === undefined ? 'required' : 'not-supported',
      location: 'Bundle.type',
      message: `Bundle.type must be transaction or batch${typeof type === 'string' ? `, not ${type}` : ''}`,
    });
  }
  if (entry !== undefined && !Array.isArray(entry)) {
    return rejected({
      code: 'structure',
      location: 'Bundle.entry',
      message: 'Bundle.entry must be an array',
    });
  }
  const entries: readonly unknown[] = entry ?? [];
  const patients = type === 'transaction' ? bundlePatientIndex(entries) : undefined;
  const results = type === 'transaction' ? bundleResultIndex(entries) : undefined;
  const medicationPlans = medicationEntries(entries);
  const medicationPlan = new Map(medicationPlans.map((plan) => [plan.index, plan]));
  const withMedications: BundlePlanOptions = {
    ...options,
    medicationsInBundle:
      options.medicationsInBundle ??
      bundleMedicationIndex(bundle, plannedMedicationOutcomes(medicationPlans)),
  };
  const planned = entries.map(
    (item, index) => medicationPlan.get(index) ?? planEntry(item, index, withMedications, patients, results),
  );
  const plan: BundlePlan = {
    type,
    entries: planned.filter((p): p is BundleEntryPlan => p.kind !== 'medication'),
    medications: planned.filter((p): p is MedicationEntryPlan => p.kind === 'medication'),
  };
  if (type === 'batch') return mapped(plan);

  const issues = [...planned.flatMap((p) => (p.kind === 'rejected' ? p.issues : [])), ...duplicates(planned)];
  return issues.length > 0 ? rejected(...issues) : mapped(plan);
}

function planEntry(
  entry: unknown,
  index: number,
  options: BundlePlanOptions,
  patients: PatientIndex | undefined,
  results: ResultIndex | undefined,
): BundleEntryPlan {
  const at = `Bundle.entry[${index}]`;
  const reject = (...issues: InputIssue[]): RejectedEntryPlan => ({ kind: 'rejected', index, issues });
  if (!isRecord(entry))
    return reject({ code: 'structure', location: at, message: `${at} must be an object` });
  const request = entryRequest(entry, at);
  if (Array.isArray(request)) return reject(...request);
  const { method, resourceType } = request;
  // Not reached: planBundle plans Medication entries first (bundle-medications.ts), as the others may name them.
  if (resourceType === 'Medication')
    return reject({
      code: 'not-supported',
      location: `${at}.request.url`,
      message: `${at} is a Medication entry`,
    });
  const ifMatch = request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch };
  if (method === 'DELETE') return { kind: 'delete', index, resourceType, id: request.id ?? '', ...ifMatch };

  const resource = entry.resource;
  if (!isRecord(resource)) {
    return reject({
      code: 'required',
      location: `${at}.resource`,
      message: `${at}.resource is required for ${method}`,
    });
  }
  const urlIssues = urlMismatches(resource, request.resourceType, request.id, at);
  if (urlIssues.length > 0) return reject(...urlIssues);
  const { assignedVersions, ...common } = options;
  const result = mapResourceAt(
    resource,
    {
      operation: method === 'POST' ? 'create' : 'update',
      ...common,
      patientsInBundle: patients,
      resultsInBundle: results,
      assignedVersion: assignedVersions?.get(`${resourceType}/${String(resource.id)}`),
    },
    `${at}.resource`,
  );
  if (!result.ok) return reject(...result.issues);
  // A report's result is checked as any Observation, but published inside its report's event only.
  return {
    kind: 'write',
    index,
    method,
    resourceType,
    id: String(resource.id),
    drafts: isReportedResult(entry, results) ? [] : result.value,
    ...ifMatch,
  };
}

/** A transaction changes each record at most once; two entries for one record leave its outcome undefined. */
function duplicates(entries: readonly (BundleEntryPlan | MedicationEntryPlan)[]): InputIssue[] {
  const seen = new Map<string, number>();
  const issues: InputIssue[] = [];
  for (const entry of entries) {
    if (entry.kind === 'rejected') continue;
    const key = `${entry.resourceType}/${entry.id}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, entry.index);
    else {
      issues.push({
        code: 'value',
        location: `Bundle.entry[${entry.index}]`,
        message: `Bundle.entry[${entry.index}] changes ${key} again (first in Bundle.entry[${first}])`,
      });
    }
  }
  return issues;
}

/** A POST or PUT entry's resource as ingest versions it, before the Bundle is planned. */
export interface BundleWrite {
  readonly index: number;
  /** `Type/id`. */
  readonly recordId: string;
  readonly resource: Record<string, unknown>;
  /** canonicalContent of the resource, its Bundle references written as the records they name. */
  readonly content: string;
  readonly ifMatch?: string;
}

/**
 * The write entries of a Bundle that names records (a resource with resourceType and id), for the app to version
 * before planning: which records, their content, and which Patient and Medication records they refer to. Medication
 * entries are not among them (bundle-medications.ts). Malformed entries are left to planBundle, which reports them.
 */
export function bundleWrites(bundle: unknown): {
  writes: BundleWrite[];
  patientRecords: string[];
  medicationRecords: string[];
} {
  if (!isRecord(bundle) || !Array.isArray(bundle.entry))
    return { writes: [], patientRecords: [], medicationRecords: [] };
  const entries: unknown[] = bundle.entry;
  // A transaction's entries name each other by fullUrl; a batch's may name only its Medication entries so.
  const targets = new Map<string, string>();
  for (const entry of entries) {
    if (!isRecord(entry) || !isRecord(entry.resource) || typeof entry.fullUrl !== 'string') continue;
    const { resourceType, id } = entry.resource;
    if (bundle.type !== 'transaction' && resourceType !== 'Medication') continue;
    if (typeof resourceType === 'string' && typeof id === 'string')
      targets.set(entry.fullUrl, `${resourceType}/${id}`);
  }
  const writes: BundleWrite[] = [];
  const patientRecords = new Set<string>();
  const medicationRecords = new Set<string>();
  entries.forEach((entry, index) => {
    if (!isRecord(entry) || !isRecord(entry.resource) || !isRecord(entry.request)) return;
    const { resource, request } = entry;
    if (request.method !== 'POST' && request.method !== 'PUT') return;
    if (typeof resource.resourceType !== 'string' || typeof resource.id !== 'string') return;
    // A Medication is versioned where it is kept (provider_medications), not in the ledger.
    if (resource.resourceType === 'Medication') return;
    patientRecordsReferenced(resource).forEach((record) => patientRecords.add(record));
    medicationRecordsReferenced(resource).forEach((record) => medicationRecords.add(record));
    writes.push({
      index,
      recordId: `${resource.resourceType}/${resource.id}`,
      resource,
      content: canonicalContent(resource, targets),
      ...(typeof request.ifMatch === 'string' ? { ifMatch: request.ifMatch } : {}),
    });
  });
  return { writes, patientRecords: [...patientRecords], medicationRecords: [...medicationRecords] };
}
