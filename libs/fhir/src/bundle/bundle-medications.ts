import type { CodedValue, InputIssue } from '@crosscare/events';
import { mapMedicationProduct } from '../map-fhir-resource';
import type { MedicationIndex } from '../mapping/medication';
import { declaredVersion } from '../mapping/record-source';
import { canonicalContent } from '../versioning';
import { entryRequest, isRecord, urlMismatches, type EntryRequest } from './entry-request';
import type { RejectedEntryPlan } from './plan-bundle';

/**
 * A POST or PUT of a Medication: not a record change but reference data ingest keeps, as it keeps a Medication sent
 * on its own, for the Bundle's other entries and later requests to name in `medicationReference`.
 */
export interface MedicationEntryPlan {
  readonly kind: 'medication';
  readonly index: number;
  readonly method: 'POST' | 'PUT';
  readonly resourceType: 'Medication';
  readonly id: string;
  /** The product: what a `medicationReference` to this Medication takes. */
  readonly code: CodedValue;
  /** canonicalContent of the resource, as for a Medication sent on its own, so that either way a re-send is the same. */
  readonly content: string;
  /** The sender's own version (meta.versionId or lastUpdated), or null when ingest is to assign one. */
  readonly declaredVersion: number | null;
  readonly ifMatch?: string;
}

/** What a Bundle's Medication entry came to, for the entries that name it: its product, or why there is none. */
export type MedicationEntryOutcome = { readonly code: CodedValue } | { readonly unusable: string };

/**
 * The Bundle's Medication entries (those whose request.url names Medication), in request order. A batch's are kept
 * before its other entries are planned, each on its own (see planBundle's medicationsInBundle). None when the body
 * is not a Bundle that planBundle plans: a request refused whole must keep nothing.
 */
export function planBundleMedications(bundle: unknown): (MedicationEntryPlan | RejectedEntryPlan)[] {
  if (!isRecord(bundle) || bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) return [];
  if (bundle.type !== 'transaction' && bundle.type !== 'batch') return [];
  return medicationEntries(bundle.entry);
}

/** As planBundleMedications, for entries already known to be an array. */
export function medicationEntries(entries: readonly unknown[]): (MedicationEntryPlan | RejectedEntryPlan)[] {
  return entries.flatMap((entry, index) => {
    if (!isRecord(entry)) return [];
    const at = `Bundle.entry[${index}]`;
    const request = entryRequest(entry, at);
    if (Array.isArray(request) || request.resourceType !== 'Medication') return [];
    return [planMedicationEntry(entry, request, index, at)];
  });
}

function planMedicationEntry(
  entry: Record<string, unknown>,
  request: EntryRequest,
  index: number,
  at: string,
): MedicationEntryPlan | RejectedEntryPlan {
  const reject = (...issues: InputIssue[]): RejectedEntryPlan => ({
    kind: 'rejected',
    index,
    issues,
  });
  const { method } = request;
  if (method === 'DELETE')
    return reject({
      code: 'not-supported',
      location: `${at}.request.method`,
      message:
        `${at}: a Medication is not deleted: ingest keeps it as reference data for the medicationReferences that ` +
        'name it; send its next version instead',
    });
  const resource = entry.resource;
  if (!isRecord(resource))
    return reject({
      code: 'required',
      location: `${at}.resource`,
      message: `${at}.resource is required for ${method}`,
    });
  const mismatches = urlMismatches(resource, 'Medication', request.id, at);
  if (mismatches.length > 0) return reject(...mismatches);
  const product = mapMedicationProduct(resource, `${at}.resource`);
  if (!product.ok) return reject(...product.issues);
  return {
    kind: 'medication',
    index,
    method,
    resourceType: 'Medication',
    id: String(resource.id),
    code: product.value,
    content: canonicalContent(resource),
    declaredVersion: declaredVersion(resource),
    ...(request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch }),
  };
}

/** What each planned Medication entry would keep, assuming it is kept: a transaction keeps all of them or none. */
export function plannedMedicationOutcomes(
  plans: readonly (MedicationEntryPlan | RejectedEntryPlan)[],
): Map<number, MedicationEntryOutcome> {
  return new Map(
    plans.map((plan) => [
      plan.index,
      plan.kind === 'medication'
        ? { code: plan.code }
        : { unusable: `Bundle.entry[${plan.index}], the Medication it names, was refused` },
    ]),
  );
}

/**
 * The Bundle's Medication entries as its other entries name them: by the entry's fullUrl and as `Medication/{id}`,
 * each with what it came to. Entries without an outcome are left out.
 */
export function bundleMedicationIndex(
  bundle: unknown,
  outcomes: ReadonlyMap<number, MedicationEntryOutcome>,
): MedicationIndex {
  const index = new Map<string, MedicationEntryOutcome>();
  if (!isRecord(bundle) || !Array.isArray(bundle.entry)) return index;
  const entries: readonly unknown[] = bundle.entry;
  for (const [i, outcome] of outcomes) {
    const entry = entries[i];
    if (!isRecord(entry)) continue;
    if (typeof entry.fullUrl === 'string') index.set(entry.fullUrl, outcome);
    const id = isRecord(entry.resource) ? entry.resource.id : undefined;
    if (typeof id === 'string') index.set(`Medication/${id}`, outcome);
  }
  return index;
}
