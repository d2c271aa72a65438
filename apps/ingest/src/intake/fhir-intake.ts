import {
  bundleEntryCount,
  bundleWrites,
  canonicalContent,
  declaredVersion,
  isSupportedResourceType,
  mapFhirResource,
  mapMedicationProduct,
  medicationRecordsReferenced,
  patientRecordsReferenced,
  planBundle,
  type BundleEntryPlan,
  type EarlierMedications,
  type EarlierPatients,
  type FhirResourceType,
  type ResponseEntry,
} from '@crosscare/fhir';
import { careSettingOf, type Provider, type PublishableDraft } from '@crosscare/governance';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { conflict, IngestError, notFound, rejectedInput } from '../ingest-error';
import { MedicationStore } from '../storage/medication-store';
import { BundleMedications, inRequestOrder, type BatchMedications } from './bundle-medications';
import { MedicationKeeper, type KeptMedicationOutcome } from './medication-keeping';
import type { SharedRecordLedger } from '../storage/shared-record-ledger';
import { fhirRemoval } from './fhir-removal';
import type { PublishedEvent, RecordChangeIntake, SubmissionUnit } from './record-change-intake';
import { decideVersion, ifMatchFailure, VersionRaced, type VersionDecision } from './record-versioning';

/**
 * How often a write whose version Crosscare assigns is decided again when another write of the same record got in
 * first. Each retry means another writer succeeded, so a few suffice unless one record is written in a tight loop.
 */
const VERSION_ATTEMPTS = 5;

export interface FhirIntakeOptions {
  /** Most entries in one Bundle (413 above it). */
  readonly maxEntries: number;
}

/** What a Bundle came to, entry by entry in request order: its response and the events published for it. */
export interface BundleOutcome {
  readonly type: 'transaction' | 'batch';
  readonly entries: readonly BundleEntryOutcome[];
}

export interface BundleEntryOutcome {
  readonly response: ResponseEntry;
  /** Empty for an entry that was refused. */
  readonly events: readonly PublishedEvent[];
  /** What an entry that publishes nothing by design did (a Medication kept as reference data). */
  readonly information?: string;
}

/**
 * FHIR R4 (UK Core shaped) create, update and delete of single resources, and transaction and batch Bundles, for
 * the authenticated provider: map, resolve deletes against the ledger, and publish through the record-change intake.
 * Refusals are thrown as IngestError, located in FHIR terms.
 */
export class FhirIntake {
  private readonly keeper: MedicationKeeper;
  private readonly bundleMedications: BundleMedications;

  constructor(
    private readonly records: RecordChangeIntake,
    private readonly ledger: SharedRecordLedger,
    private readonly db: DataSource,
    private readonly options: FhirIntakeOptions,
    private readonly medications = new MedicationStore(),
  ) {
    this.keeper = new MedicationKeeper(ledger, medications);
    this.bundleMedications = new BundleMedications(db, this.keeper);
  }

  /** A transaction is all or nothing; each entry of a batch stands alone. */
  async bundle(provider: Provider, body: unknown, correlationId: string): Promise<BundleOutcome> {
    const max = this.options.maxEntries;
    const count = bundleEntryCount(body);
    if (count > max)
      throw rejectedInput([
        {
          location: 'Bundle.entry',
          code: 'too-costly',
          message: `${count} entries; at most ${max} per Bundle`,
        },
      ]);
    const receivedAt = Date.now();
    // Once, before any retry: a batch's Medications are kept first, each on its own, for its other entries to name.
    const batchMedications = await this.bundleMedications.keepBatch(provider, body);
    return this.deciding(() => this.bundleOnce(provider, body, correlationId, receivedAt, batchMedications));
  }

  private async bundleOnce(
    provider: Provider,
    body: unknown,
    correlationId: string,
    receivedAt: number,
    batchMedications?: BatchMedications,
  ): Promise<BundleOutcome> {
    const { writes, patientRecords, medicationRecords } = bundleWrites(body);
    const [current, earlierPatients, earlierMedications] = await Promise.all([
      // Only writes Crosscare versions, or that carry If-Match, need the current version.
      this.ledger.currentVersions(
        this.db.manager,
        provider.odsCode,
        writes
          .filter((w) => w.ifMatch !== undefined || declaredVersion(w.resource) === null)
          .map((w) => w.recordId),
      ),
      this.earlierPatients(provider, patientRecords),
      this.earlierMedications(provider, medicationRecords),
    ]);
    const decisions = new Map<number, VersionDecision | IngestError>();
    const hashes = new Map<number, Buffer>();
    for (const write of writes) {
      const resourceSha256 = sha256(write.content);
      hashes.set(write.index, resourceSha256);
      try {
        decisions.set(
          write.index,
          decideVersion({
            sourceRecordId: write.recordId,
            declaredVersion: declaredVersion(write.resource),
            resourceSha256,
            current: current.get(write.recordId),
            ifMatch: write.ifMatch,
            ifMatchLocation: `Bundle.entry[${write.index}].request.ifMatch`,
          }),
        );
      } catch (error) {
        if (!(error instanceof IngestError)) throw error;
        decisions.set(write.index, error);
      }
    }
    // A transaction is refused whole by its first stale If-Match, before its entries are mapped (an entry whose
    // version could not be decided would otherwise be reported as missing one).
    if ((body as { type?: unknown }).type === 'transaction') {
      const stale = [...decisions.values()].find((d): d is IngestError => d instanceof IngestError);
      if (stale) throw stale;
    }
    const assignedVersions = new Map(
      writes.flatMap((w) => {
        const decision = decisions.get(w.index);
        return decision instanceof IngestError || decision?.assignedVersion === undefined
          ? []
          : [[w.recordId, decision.assignedVersion] as const];
      }),
    );
    const plan = planBundle(body, {
      providerOdsCode: provider.odsCode,
      careSetting: careSettingOf(provider.type),
      earlierPatients,
      earlierMedications,
      medicationsInBundle: batchMedications?.index,
      assignedVersions,
      receivedAt,
    });
    if (!plan.ok) throw rejectedInput(plan.issues);
    const resolved = await Promise.all(
      plan.value.entries.map(async (entry) => {
        const decision = decisions.get(entry.index);
        // A stale If-Match is the entry's answer, whatever else is wrong with it.
        if (decision instanceof IngestError) return decision;
        if (entry.kind !== 'write' || decision === undefined) return this.resolve(provider, entry);
        const unit = await this.resolve(provider, entry);
        return unit instanceof IngestError
          ? unit
          : { ...unit, resourceSha256: hashes.get(entry.index), expects: decision.expects };
      }),
    );

    if (plan.value.type === 'transaction') {
      const failure = resolved.find((r): r is IngestError => r instanceof IngestError);
      if (failure) throw failure;
      const units = resolved as ResolvedEntry[];
      const medications = this.bundleMedications.forTransaction(provider, plan.value.medications);
      const events = await this.records.submit(provider, units, correlationId, medications.keepIn);
      const byUnit = groupByUnit(units, events);
      return {
        type: 'transaction',
        entries: inRequestOrder(
          plan.value.entries,
          units.map((unit, i) => ({ response: responseOf(unit), events: byUnit[i] })),
          medications.responses(),
        ),
      };
    }

    const writable = resolved.filter((r): r is ResolvedEntry => !(r instanceof IngestError));
    const outcomes = await this.records.submitEach(provider, writable, correlationId);
    const outcomeOf = new Map(writable.map((unit, i) => [unit, outcomes[i]]));
    const entries = resolved.map((r): BundleEntryOutcome => {
      if (r instanceof IngestError) return { response: { status: r.status, issues: r.issues }, events: [] };
      const outcome = outcomeOf.get(r)!;
      if ('error' in outcome)
        return { response: { status: outcome.error.status, issues: outcome.error.issues }, events: [] };
      return { response: responseOf(r), events: outcome.events };
    });
    return {
      type: 'batch',
      entries: inRequestOrder(plan.value.entries, entries, batchMedications?.responses),
    };
  }

  /** POST [type]: the resource as the sender's new record. */
  create(provider: Provider, type: string, body: unknown, correlationId: string): Promise<PublishedEvent[]> {
    return this.write(provider, 'create', type, undefined, body, correlationId);
  }

  /** PUT [type]/[id]: the resource, whose id must be the URL's; with If-Match, only over the version named. */
  update(
    provider: Provider,
    type: string,
    id: string,
    body: unknown,
    correlationId: string,
    ifMatch?: string,
  ): Promise<PublishedEvent[]> {
    return this.write(provider, 'update', type, id, body, correlationId, ifMatch);
  }

  /** DELETE [type]/[id]: the removal of a record this provider shared. */
  async remove(
    provider: Provider,
    type: string,
    id: string,
    correlationId: string,
    ifMatch?: string,
  ): Promise<PublishedEvent[]> {
    const resourceType = supportedType(type);
    return this.deciding(async () => {
      const unit = await this.resolve(
        provider,
        { kind: 'delete', index: 0, resourceType, id, ...(ifMatch === undefined ? {} : { ifMatch }) },
        `${type}/${id}`,
        'If-Match',
      );
      if (unit instanceof IngestError) throw unit;
      return this.records.submit(provider, [{ ...unit, location: `${type}/${id}` }], correlationId);
    });
  }

  private async write(
    provider: Provider,
    operation: 'create' | 'update',
    type: string,
    id: string | undefined,
    input: unknown,
    correlationId: string,
    ifMatch?: string,
  ): Promise<PublishedEvent[]> {
    const resourceType = supportedType(type);
    const body = input as { resourceType?: unknown; id?: unknown } | undefined;
    if (body?.resourceType !== resourceType)
      throw rejectedInput([
        {
          location: `${resourceType}.resourceType`,
          code: 'structure',
          message: `the body must be a ${resourceType} resource (got ${typeof body?.resourceType === 'string' ? body.resourceType : 'none'})`,
        },
      ]);
    if (id !== undefined && body.id !== id)
      throw rejectedInput([
        {
          location: `${resourceType}.id`,
          code: 'structure',
          message: `the resource id must equal the URL's id ${id}`,
        },
      ]);
    const receivedAt = Date.now();
    const resourceSha256 = sha256(canonicalContent(body));
    return this.deciding(async () => {
      // Without an id the mapping refuses the resource; there is no record to version.
      const sourceRecordId = typeof body.id === 'string' ? `${resourceType}/${body.id}` : null;
      const [current, earlierPatients, earlierMedications] = await Promise.all([
        sourceRecordId === null || (ifMatch === undefined && declaredVersion(body) !== null)
          ? undefined
          : this.ledger
              .currentVersions(this.db.manager, provider.odsCode, [sourceRecordId])
              .then((found) => found.get(sourceRecordId)),
        this.earlierPatients(provider, patientRecordsReferenced(body)),
        this.earlierMedications(provider, medicationRecordsReferenced(body)),
      ]);
      const decision: VersionDecision =
        sourceRecordId === null
          ? {}
          : decideVersion({
              sourceRecordId,
              declaredVersion: declaredVersion(body),
              resourceSha256,
              current,
              ifMatch,
              ifMatchLocation: 'If-Match',
            });
      const result = mapFhirResource(body, {
        operation,
        providerOdsCode: provider.odsCode,
        careSetting: careSettingOf(provider.type),
        earlierPatients,
        earlierMedications,
        assignedVersion: decision.assignedVersion,
        receivedAt,
      });
      if (!result.ok) throw rejectedInput(result.issues);
      return this.records.submit(
        provider,
        [{ location: resourceType, drafts: result.value, resourceSha256, expects: decision.expects }],
        correlationId,
      );
    });
  }

  /**
   * PUT Medication/[id] or POST Medication: a product the provider's later prescriptions, statements and dispenses may
   * name as `Medication/{id}`. Kept as reference data and versioned as a FHIR server versions a resource (a declared
   * version is kept; without one, the same content is the current version and changed content the next; If-Match
   * honoured), under a lock on the record; nothing is published, since a Medication says nothing about a patient.
   */
  async keepMedication(
    provider: Provider,
    id: string | undefined,
    body: unknown,
    ifMatch?: string,
  ): Promise<KeptMedicationOutcome> {
    const product = mapMedicationProduct(body);
    if (!product.ok) throw rejectedInput(product.issues);
    const medicationId = String((body as { id: string }).id);
    if (id !== undefined && medicationId !== id)
      throw rejectedInput([
        {
          location: 'Medication.id',
          code: 'structure',
          message: `the resource id must equal the URL's id ${id}`,
        },
      ]);
    const medication = {
      id: medicationId,
      code: product.value,
      resourceSha256: sha256(canonicalContent(body)),
      declaredVersion: declaredVersion(body),
      ...(ifMatch === undefined ? {} : { ifMatch }),
      location: 'Medication',
      ifMatchLocation: 'If-Match',
    };
    const [kept] = await this.db.transaction((tx) => this.keeper.keep(tx, provider.odsCode, [medication]));
    return kept;
  }

  /** The products of the provider's earlier Medication resources that `Medication/{id}` references name. */
  private async earlierMedications(
    provider: Provider,
    records: readonly string[],
  ): Promise<EarlierMedications> {
    const kept = await this.medications.current(this.db.manager, provider.odsCode, records);
    return new Map([...kept].map(([record, medication]) => [record, medication.code]));
  }

  /**
   * Runs a write whose versions rest on what was current when they were decided, deciding again when another write
   * of the same record got in first (VersionRaced: nothing was published or claimed).
   */
  private async deciding<T>(attempt: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof VersionRaced)) throw error;
        if (tries >= VERSION_ATTEMPTS)
          throw conflict(
            error.sourceRecordId,
            `${error.sourceRecordId} kept changing while its next version was being decided; nothing was ` +
              'published, send it again',
          );
      }
    }
  }

  /**
   * The provider's earlier Patient resources that literal `Patient/{id}` references name, from the ledger: the NHS
   * number of each one's current version. A Patient the provider deleted is refused as a reference, as a FHIR server
   * refuses a reference to a deleted resource; a retired (merged) Patient names its survivor's NHS number.
   */
  private async earlierPatients(provider: Provider, records: readonly string[]): Promise<EarlierPatients> {
    const current = await this.ledger.currentVersions(this.db.manager, provider.odsCode, records);
    return new Map(
      [...current].map(([record, version]) => [
        record,
        version.removed
          ? { unusable: `${provider.odsCode} deleted ${record} (version ${version.version})` }
          : { nhsNumber: version.nhsNumber },
      ]),
    );
  }

  /** A planned entry as the drafts to publish; a DELETE needs what the ledger recorded when it was shared. */
  private async resolve(
    provider: Provider,
    entry: BundleEntryPlan,
    location = `Bundle.entry[${entry.index}]`,
    ifMatchLocation = `${location}.request.ifMatch`,
  ): Promise<ResolvedEntry | IngestError> {
    if (entry.kind === 'rejected') return rejectedInput(entry.issues);
    if (entry.kind === 'write')
      return {
        location,
        drafts: entry.drafts,
        method: entry.method,
        resourceType: entry.resourceType,
        id: entry.id,
      };
    const sourceRecordId = `${entry.resourceType}/${entry.id}`;
    const latest = await this.ledger.latest(this.db.manager, provider.odsCode, sourceRecordId);
    if (entry.ifMatch !== undefined) {
      const failure = ifMatchFailure(sourceRecordId, entry.ifMatch, latest?.version ?? null, ifMatchLocation);
      if (failure) return failure;
    }
    if (!latest)
      return notFound(
        location,
        `${provider.odsCode} has never shared ${sourceRecordId}, so there is nothing to delete`,
      );
    // A deleted record says nothing of the patient's wish, and a wrong withdrawal would release their data for
    // research: a type 1 objection ends only as the practice records it.
    if (latest.eventTypes.includes('OptOutChanged'))
      return rejectedInput([
        {
          location,
          code: 'not-supported',
          message:
            `${sourceRecordId} is a type 1 objection, which a DELETE cannot end: send its next version with status ` +
            'inactive, or the withdrawal (SNOMED CT 827261000000102)',
        },
      ]);
    const draft = fhirRemoval(entry.resourceType, entry.id, latest, Date.now());
    return {
      location,
      drafts: [draft],
      method: 'DELETE',
      resourceType: entry.resourceType,
      id: entry.id,
      // A removal takes the next version too: it must not share one with a concurrent assigned-version write.
      expects: {
        sourceRecordId,
        currentVersion: latest.version,
        ...(entry.ifMatch === undefined ? {} : { ifMatch: entry.ifMatch }),
      },
    };
  }
}

export type { KeptMedicationOutcome } from './medication-keeping';

/** A Bundle entry or single resource, resolved: its drafts, and what its response names. */
export interface ResolvedEntry extends SubmissionUnit {
  readonly drafts: readonly PublishableDraft[];
  readonly method: 'POST' | 'PUT' | 'DELETE';
  readonly resourceType: FhirResourceType;
  readonly id: string;
}

function supportedType(type: string): FhirResourceType {
  if (isSupportedResourceType(type)) return type;
  throw new IngestError(404, [
    { location: type, code: 'not-supported', message: `Crosscare does not take ${type} resources` },
  ]);
}

/** 201 for a POST, 200 otherwise, naming the record version the entry's drafts carry. */
export function responseOf(entry: ResolvedEntry): ResponseEntry {
  const version = entry.drafts[0]?.source.sourceRecordVersion ?? 0;
  return {
    status: entry.method === 'POST' ? 201 : 200,
    location: { resourceType: entry.resourceType, id: entry.id, version },
  };
}

/** The events of each unit, in unit order (submit returns them flat, unit after unit). */
export function groupByUnit(
  units: readonly SubmissionUnit[],
  events: readonly PublishedEvent[],
): PublishedEvent[][] {
  let next = 0;
  return units.map((u) => events.slice(next, (next += u.drafts.length)));
}

function sha256(content: string): Buffer {
  return createHash('sha256').update(content).digest();
}
