import {
  bundleMedicationIndex,
  planBundleMedications,
  type MedicationEntryOutcome,
  type MedicationEntryPlan,
  type MedicationIndex,
} from '@crosscare/fhir';
import type { Provider } from '@crosscare/governance';
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { IngestError, rejectedInput } from '../ingest-error';
import type { BundleEntryOutcome } from './fhir-intake';
import {
  keptMedicationText,
  type KeptMedicationOutcome,
  type MedicationKeeper,
  type MedicationToKeep,
} from './medication-keeping';

/** A batch's Medication entries, kept before its other entries are planned: their answers, and what the others name. */
export interface BatchMedications {
  /** By entry index: each valid Medication entry's answer (a malformed one is answered as any rejected entry). */
  readonly responses: ReadonlyMap<number, BundleEntryOutcome>;
  /** For planBundle's medicationsInBundle: the product of each entry kept, or why it was refused. */
  readonly index: MedicationIndex;
}

/** A transaction's Medication entries: kept inside the transaction that claims its records, answered after it. */
export interface TransactionMedications {
  /** For RecordChangeIntake.submit: keeps them all, or throws the first refusal (the transaction then keeps none). */
  readonly keepIn: (tx: EntityManager) => Promise<void>;
  /** Each one's answer, by entry index, once keepIn has run. */
  responses(): ReadonlyMap<number, BundleEntryOutcome>;
}

/**
 * Medication entries of Bundles, kept as the provider's reference data as a Medication sent on its own is
 * (MedicationKeeper), never published. A transaction keeps them in the database transaction of its other entries, so
 * the Bundle is kept whole or not at all; each Medication of a batch is its own unit, kept before the other entries
 * are planned, so that those may name it (see docs/ingest.md, Medication resources).
 */
export class BundleMedications {
  constructor(
    private readonly db: DataSource,
    private readonly keeper: MedicationKeeper,
  ) {}

  /** Keeps each Medication entry of a batch on its own; undefined when the body is no batch or has none. */
  async keepBatch(provider: Provider, body: unknown): Promise<BatchMedications | undefined> {
    if ((body as { type?: unknown } | null)?.type !== 'batch') return undefined;
    const plans = planBundleMedications(body);
    if (plans.length === 0) return undefined;
    const responses = new Map<number, BundleEntryOutcome>();
    const outcomes = new Map<number, MedicationEntryOutcome>();
    // One after the other, in request order: a batch that sends one Medication twice keeps its versions in that order.
    for (const plan of plans) {
      if (plan.kind === 'rejected') {
        outcomes.set(plan.index, { unusable: refused(plan.index, rejectedInput(plan.issues)) });
        continue;
      }
      try {
        const [kept] = await this.db.transaction((tx) =>
          this.keeper.keep(tx, provider.odsCode, [medicationToKeep(plan)]),
        );
        responses.set(plan.index, keptEntryOutcome(plan, kept));
        outcomes.set(plan.index, { code: plan.code });
      } catch (error) {
        if (!(error instanceof IngestError)) throw error;
        responses.set(plan.index, { response: { status: error.status, issues: error.issues }, events: [] });
        outcomes.set(plan.index, { unusable: refused(plan.index, error) });
      }
    }
    return { responses, index: bundleMedicationIndex(body, outcomes) };
  }

  forTransaction(provider: Provider, plans: readonly MedicationEntryPlan[]): TransactionMedications {
    const responses = new Map<number, BundleEntryOutcome>();
    return {
      keepIn: async (tx) => {
        const kept = await this.keeper.keep(tx, provider.odsCode, plans.map(medicationToKeep));
        plans.forEach((plan, i) => responses.set(plan.index, keptEntryOutcome(plan, kept[i])));
      },
      responses: () => responses,
    };
  }
}

export function medicationToKeep(plan: MedicationEntryPlan): MedicationToKeep {
  const at = `Bundle.entry[${plan.index}]`;
  return {
    id: plan.id,
    code: plan.code,
    resourceSha256: createHash('sha256').update(plan.content).digest(),
    declaredVersion: plan.declaredVersion,
    ...(plan.ifMatch === undefined ? {} : { ifMatch: plan.ifMatch }),
    location: at,
    ifMatchLocation: `${at}.request.ifMatch`,
  };
}

/** As for any entry: 201 for a POST, 200 for a PUT, the version kept; and that nothing was published. */
export function keptEntryOutcome(plan: MedicationEntryPlan, kept: KeptMedicationOutcome): BundleEntryOutcome {
  return {
    response: {
      status: plan.method === 'POST' ? 201 : 200,
      location: { resourceType: 'Medication', id: plan.id, version: kept.version },
    },
    events: [],
    information: keptMedicationText(kept),
  };
}

/**
 * A Bundle's answers in request order: `planned` are the plan's other entries with `answers` in the same order;
 * the Medication entries' answers are slotted in at their indexes.
 */
export function inRequestOrder(
  planned: readonly { readonly index: number }[],
  answers: readonly BundleEntryOutcome[],
  medications: ReadonlyMap<number, BundleEntryOutcome> = new Map(),
): BundleEntryOutcome[] {
  if (medications.size === 0) return [...answers];
  const byIndex = new Map(medications);
  planned.forEach((entry, i) => byIndex.set(entry.index, answers[i]));
  return [...byIndex.keys()].sort((a, b) => a - b).map((index) => byIndex.get(index)!);
}

function refused(index: number, error: IngestError): string {
  return `Bundle.entry[${index}], the Medication it names, was refused (${error.status})`;
}
