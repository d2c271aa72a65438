import type {
  AllergyCategory,
  AllergyClinicalStatus,
  AllergyCriticality,
  AllergyRecorded,
  CarePlanRecorded,
  CarePlanStatus,
  DispenseStatus,
  ImmunisationRecorded,
  ImmunisationStatus,
  MedicationCourseType,
  MedicationDispensed,
  MedicationPrescribed,
  ObservationCategory,
  ObservationInterpretation,
  ObservationRecorded,
  PrescriptionStatus,
  ProblemClinicalStatus,
  ProblemRecorded,
  ProblemSignificance,
  ProblemVerificationStatus,
  Quantity,
  ReactionSeverity,
  ReferralMade,
  ReferralPriority,
  ReferralStatus,
} from '@crosscare/events';
import { newestFirst } from './order';
import { provenanceOf, type Provenance, type ProviderNames } from './provenance';
import {
  codeOf,
  codeOrNull,
  dateSpanOf,
  isoDateOrNull,
  isoInstant,
  isoInstantOrNull,
  type Code,
  type DateSpan,
} from './readable';

export interface ProblemEntry {
  readonly code: Code;
  readonly clinicalStatus: ProblemClinicalStatus;
  readonly verificationStatus: ProblemVerificationStatus;
  readonly significance: ProblemSignificance;
  readonly onsetDate: string | null;
  readonly provenance: Provenance;
}

export interface AllergyEntry {
  readonly substance: Code;
  readonly category: AllergyCategory;
  readonly clinicalStatus: AllergyClinicalStatus;
  readonly criticality: AllergyCriticality;
  readonly reactions: {
    readonly manifestation: Code;
    readonly severity: ReactionSeverity;
    readonly onsetAt: string | null;
  }[];
  readonly onsetDate: string | null;
  readonly provenance: Provenance;
}

export interface PrescriptionEntry {
  readonly medication: Code;
  readonly dosageText: string;
  readonly quantity: Quantity | null;
  readonly courseType: MedicationCourseType;
  readonly status: PrescriptionStatus;
  readonly courseEndDate: string | null;
  readonly provenance: Provenance;
}

export interface DispensingEntry {
  readonly pharmacyOdsCode: string;
  readonly medication: Code;
  readonly quantity: Quantity;
  readonly dosageText: string | null;
  readonly prescriptionId: string | null;
  readonly status: DispenseStatus;
  readonly provenance: Provenance;
}

export interface MedicationsSection {
  /** Prescriptions in force (ACTIVE or ON_HOLD), newest first. */
  readonly prescribed: PrescriptionEntry[];
  /** The most recent dispensings (at most MAX_DISPENSINGS), newest first. */
  readonly dispensed: DispensingEntry[];
}

export interface ObservationEntry {
  readonly code: Code;
  readonly category: ObservationCategory;
  readonly effectiveAt: string;
  readonly valueQuantity: Quantity | null;
  readonly valueCoded: Code | null;
  readonly valueString: string | null;
  readonly interpretation: ObservationInterpretation | null;
  readonly provenance: Provenance;
}

export interface ImmunisationEntry {
  readonly vaccine: Code;
  readonly status: ImmunisationStatus;
  readonly administeredAt: string;
  readonly doseNumber: number | null;
  readonly batchNumber: string | null;
  readonly site: Code | null;
  readonly provenance: Provenance;
}

export interface CarePlanEntry {
  readonly title: string;
  readonly category: Code;
  readonly status: CarePlanStatus;
  readonly period: DateSpan;
  readonly description: string | null;
  readonly addresses: Code[];
  readonly provenance: Provenance;
}

export interface ReferralEntry {
  readonly service: Code;
  readonly recipientOdsCode: string | null;
  readonly recipientName: string | null;
  readonly priority: ReferralPriority;
  readonly status: ReferralStatus;
  readonly reason: Code | null;
  readonly ubrn: string | null;
  readonly provenance: Provenance;
}

/** How many observations the view shows: the recent ones matter at the point of care; the rest stay in the record. */
export const MAX_OBSERVATIONS = 50;
/** How many dispensings the view shows: repeat medication collects hundreds; the rest stay in the record. */
export const MAX_DISPENSINGS = 50;

const CURRENT_PROBLEM: ReadonlySet<ProblemClinicalStatus> = new Set(['ACTIVE', 'RECURRENCE', 'RELAPSE']);
const ENDED_ALLERGY: ReadonlySet<AllergyClinicalStatus> = new Set(['RESOLVED', 'INACTIVE']);
const PRESCRIPTION_IN_FORCE: ReadonlySet<PrescriptionStatus> = new Set(['ACTIVE', 'ON_HOLD']);
const ENDED_CARE_PLAN: ReadonlySet<CarePlanStatus> = new Set(['REVOKED', 'COMPLETED']);
const OPEN_REFERRAL: ReadonlySet<ReferralStatus> = new Set(['ACTIVE', 'ON_HOLD']);

/** Current problems (active, recurred or relapsed) that were not refuted, latest onset first. */
export function problemsOf(
  problems: readonly ProblemRecorded[],
  names: ProviderNames | undefined,
): ProblemEntry[] {
  const current = problems.filter(
    (problem) => CURRENT_PROBLEM.has(problem.clinicalStatus) && problem.verificationStatus !== 'REFUTED',
  );
  return newestFirst(current, (problem) => problem.onsetDate).map((problem) =>
    problemEntryOf(problem, names),
  );
}

/** Allergies not resolved or inactive; UNKNOWN status is kept, since missing a real allergy is the worse error. */
export function allergiesOf(
  allergies: readonly AllergyRecorded[],
  names: ProviderNames | undefined,
): AllergyEntry[] {
  const current = allergies.filter((allergy) => !ENDED_ALLERGY.has(allergy.clinicalStatus));
  return newestFirst(current, (allergy) => allergy.onsetDate).map((allergy) =>
    allergyEntryOf(allergy, names),
  );
}

export function medicationsOf(
  prescribed: readonly MedicationPrescribed[],
  dispensed: readonly MedicationDispensed[],
  names: ProviderNames | undefined,
): MedicationsSection {
  return {
    prescribed: newestFirst(prescribed.filter((item) => PRESCRIPTION_IN_FORCE.has(item.status))).map((item) =>
      prescriptionEntryOf(item, names),
    ),
    dispensed: newestFirst(dispensed)
      .slice(0, MAX_DISPENSINGS)
      .map((item) => dispensingEntryOf(item, names)),
  };
}

export function observationsOf(
  observations: readonly ObservationRecorded[],
  names: ProviderNames | undefined,
): ObservationEntry[] {
  return newestFirst(observations, (observation) => observation.effectiveAt)
    .slice(0, MAX_OBSERVATIONS)
    .map((observation) => observationEntryOf(observation, names));
}

/** Every immunisation, NOT_DONE included: a vaccination that was due and not given is clinically useful too. */
export function immunisationsOf(
  immunisations: readonly ImmunisationRecorded[],
  names: ProviderNames | undefined,
): ImmunisationEntry[] {
  return newestFirst(immunisations, (immunisation) => immunisation.administeredAt).map((immunisation) =>
    immunisationEntryOf(immunisation, names),
  );
}

export function carePlansOf(
  plans: readonly CarePlanRecorded[],
  names: ProviderNames | undefined,
): CarePlanEntry[] {
  const current = plans.filter((plan) => !ENDED_CARE_PLAN.has(plan.status));
  return newestFirst(current, (plan) => plan.period.start).map((plan) => carePlanEntryOf(plan, names));
}

export function referralsOf(
  referrals: readonly ReferralMade[],
  names: ProviderNames | undefined,
): ReferralEntry[] {
  const open = referrals.filter((referral) => OPEN_REFERRAL.has(referral.status));
  return newestFirst(open).map((referral) => referralEntryOf(referral, names));
}

// One item as the view shows it, whatever its status: a search of the record renders its items with these too.

export function problemEntryOf(problem: ProblemRecorded, names: ProviderNames | undefined): ProblemEntry {
  return {
    code: codeOf(problem.code),
    clinicalStatus: problem.clinicalStatus,
    verificationStatus: problem.verificationStatus,
    significance: problem.significance,
    onsetDate: isoDateOrNull(problem.onsetDate),
    provenance: provenanceOf(problem, names),
  };
}

export function allergyEntryOf(allergy: AllergyRecorded, names: ProviderNames | undefined): AllergyEntry {
  return {
    substance: codeOf(allergy.substance),
    category: allergy.category,
    clinicalStatus: allergy.clinicalStatus,
    criticality: allergy.criticality,
    reactions: allergy.reactions.map((reaction) => ({
      manifestation: codeOf(reaction.manifestation),
      severity: reaction.severity,
      onsetAt: isoInstantOrNull(reaction.onsetAt),
    })),
    onsetDate: isoDateOrNull(allergy.onsetDate),
    provenance: provenanceOf(allergy, names),
  };
}

export function prescriptionEntryOf(
  item: MedicationPrescribed,
  names: ProviderNames | undefined,
): PrescriptionEntry {
  return {
    medication: codeOf(item.medication),
    dosageText: item.dosageText,
    quantity: item.quantity && quantityOf(item.quantity),
    courseType: item.courseType,
    status: item.status,
    courseEndDate: isoDateOrNull(item.courseEndDate),
    provenance: provenanceOf(item, names),
  };
}

export function dispensingEntryOf(
  item: MedicationDispensed,
  names: ProviderNames | undefined,
): DispensingEntry {
  return {
    pharmacyOdsCode: item.pharmacyOdsCode,
    medication: codeOf(item.medication),
    quantity: quantityOf(item.quantity),
    dosageText: item.dosageText,
    prescriptionId: item.prescriptionId,
    status: item.status,
    provenance: provenanceOf(item, names),
  };
}

export function observationEntryOf(
  observation: ObservationRecorded,
  names: ProviderNames | undefined,
): ObservationEntry {
  return {
    code: codeOf(observation.code),
    category: observation.category,
    effectiveAt: isoInstant(observation.effectiveAt),
    valueQuantity: observation.valueQuantity && quantityOf(observation.valueQuantity),
    valueCoded: codeOrNull(observation.valueCoded),
    valueString: observation.valueString,
    interpretation: observation.interpretation,
    provenance: provenanceOf(observation, names),
  };
}

export function immunisationEntryOf(
  immunisation: ImmunisationRecorded,
  names: ProviderNames | undefined,
): ImmunisationEntry {
  return {
    vaccine: codeOf(immunisation.vaccine),
    status: immunisation.status,
    administeredAt: isoInstant(immunisation.administeredAt),
    doseNumber: immunisation.doseNumber,
    batchNumber: immunisation.batchNumber,
    site: codeOrNull(immunisation.site),
    provenance: provenanceOf(immunisation, names),
  };
}

export function carePlanEntryOf(plan: CarePlanRecorded, names: ProviderNames | undefined): CarePlanEntry {
  return {
    title: plan.title,
    category: codeOf(plan.category),
    status: plan.status,
    period: dateSpanOf(plan.period),
    description: plan.description,
    addresses: plan.addresses.map(codeOf),
    provenance: provenanceOf(plan, names),
  };
}

export function referralEntryOf(referral: ReferralMade, names: ProviderNames | undefined): ReferralEntry {
  return {
    service: codeOf(referral.service),
    recipientOdsCode: referral.recipientOdsCode,
    recipientName: referral.recipientOdsCode === null ? null : (names?.(referral.recipientOdsCode) ?? null),
    priority: referral.priority,
    status: referral.status,
    reason: codeOrNull(referral.reason),
    ubrn: referral.ubrn,
    provenance: provenanceOf(referral, names),
  };
}

function quantityOf(quantity: Quantity): Quantity {
  return { value: quantity.value, unit: quantity.unit, ucumCode: quantity.ucumCode };
}
