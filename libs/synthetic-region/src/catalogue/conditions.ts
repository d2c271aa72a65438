import type { CodedValue } from '@crosscare/events';
import { snomed } from './code-systems';
import { MEASUREMENTS, type Measurement } from './measurements';
import { MEDICINES, type Medicine } from './medicines';
import { SERVICES, type Service } from './services';

/** A review's measurement and the mean a patient with the condition scores. */
export interface Monitored {
  readonly measurement: Measurement;
  readonly mean: number;
}

/** A long-term condition as a GP record carries it: the problem, its repeats, its reviews, who else sees it. */
export interface LongTermCondition {
  readonly problem: CodedValue;
  /** Probability of having it, by age band: the first band whose upper age is above the patient's applies. */
  readonly prevalence: readonly (readonly [belowAge: number, probability: number])[];
  /** Repeat medicines started at diagnosis. */
  readonly medicines: readonly Medicine[];
  /** Measured together at each review. */
  readonly review: readonly Monitored[];
  readonly reviewEveryDays: number;
  /** Chance that the problem goes into remission within the region's span. */
  readonly remits: number;
  /** Chance of a referral to specialist care within the span, and the service. */
  readonly referral?: { readonly service: Service; readonly probability: number };
  /** Life-limiting: palliative care and hospices may become involved. */
  readonly lifeLimiting: boolean;
  /** Mental illness: brings in the mental health trust. */
  readonly mentalHealth: boolean;
}

const m = MEASUREMENTS;

const condition = (
  problem: CodedValue,
  prevalence: LongTermCondition['prevalence'],
  details: Partial<Omit<LongTermCondition, 'problem' | 'prevalence'>>,
): LongTermCondition => ({
  problem,
  prevalence,
  medicines: [],
  review: [],
  reviewEveryDays: 365,
  remits: 0,
  lifeLimiting: false,
  mentalHealth: false,
  ...details,
});

/** Common long-term conditions of a GP list, at roughly English prevalence. */
export const LONG_TERM_CONDITIONS = {
  hypertension: condition(
    snomed('38341003', 'Hypertension'),
    [
      [40, 0.03],
      [60, 0.15],
      [80, 0.4],
      [200, 0.55],
    ],
    {
      medicines: [MEDICINES.amlodipine],
      review: [
        { measurement: m.systolicBloodPressure, mean: 142 },
        { measurement: m.diastolicBloodPressure, mean: 86 },
      ],
      reviewEveryDays: 182,
    },
  ),
  type2Diabetes: condition(
    snomed('44054006', 'Type 2 diabetes mellitus'),
    [
      [40, 0.01],
      [60, 0.06],
      [80, 0.14],
      [200, 0.16],
    ],
    {
      medicines: [MEDICINES.metformin],
      review: [
        { measurement: m.hba1c, mean: 58 },
        { measurement: m.bodyWeight, mean: 88 },
      ],
      reviewEveryDays: 182,
      referral: { service: SERVICES.diabetes, probability: 0.05 },
    },
  ),
  asthma: condition(
    snomed('195967001', 'Asthma'),
    [
      [18, 0.09],
      [200, 0.08],
    ],
    { medicines: [MEDICINES.salbutamol], remits: 0.05 },
  ),
  copd: condition(
    snomed('13645005', 'Chronic obstructive pulmonary disease'),
    [
      [40, 0],
      [60, 0.02],
      [80, 0.06],
      [200, 0.08],
    ],
    {
      medicines: [MEDICINES.salbutamol],
      review: [{ measurement: m.oxygenSaturation, mean: 94 }],
      referral: { service: SERVICES.respiratory, probability: 0.15 },
      lifeLimiting: true,
    },
  ),
  depression: condition(
    snomed('35489007', 'Depressive disorder'),
    [
      [16, 0.01],
      [65, 0.12],
      [200, 0.1],
    ],
    {
      medicines: [MEDICINES.citalopram],
      remits: 0.35,
      referral: { service: SERVICES.adultMentalIllness, probability: 0.2 },
      mentalHealth: true,
    },
  ),
  anxiety: condition(
    snomed('197480006', 'Anxiety disorder'),
    [
      [16, 0.02],
      [200, 0.07],
    ],
    {
      medicines: [MEDICINES.sertraline],
      remits: 0.3,
      referral: { service: SERVICES.adultMentalIllness, probability: 0.08 },
      mentalHealth: true,
    },
  ),
  atrialFibrillation: condition(
    snomed('49436004', 'Atrial fibrillation'),
    [
      [60, 0.003],
      [80, 0.05],
      [200, 0.12],
    ],
    {
      medicines: [MEDICINES.apixaban],
      review: [{ measurement: m.heartRate, mean: 84 }],
      referral: { service: SERVICES.cardiology, probability: 0.3 },
    },
  ),
  chronicKidneyDisease: condition(
    snomed('709044004', 'Chronic kidney disease'),
    [
      [60, 0.01],
      [80, 0.08],
      [200, 0.2],
    ],
    {
      medicines: [MEDICINES.ramipril],
      review: [{ measurement: m.egfr, mean: 48 }],
      reviewEveryDays: 182,
      referral: { service: SERVICES.nephrology, probability: 0.1 },
    },
  ),
  hypothyroidism: condition(
    snomed('40930008', 'Hypothyroidism'),
    [
      [40, 0.01],
      [200, 0.04],
    ],
    { medicines: [MEDICINES.levothyroxine] },
  ),
  osteoarthritis: condition(
    snomed('396275006', 'Osteoarthritis'),
    [
      [50, 0.01],
      [70, 0.12],
      [200, 0.25],
    ],
    {
      medicines: [MEDICINES.paracetamol],
      referral: { service: SERVICES.traumaAndOrthopaedics, probability: 0.25 },
    },
  ),
  heartFailure: condition(
    snomed('84114007', 'Heart failure'),
    [
      [70, 0.003],
      [200, 0.05],
    ],
    {
      medicines: [MEDICINES.furosemide, MEDICINES.ramipril],
      review: [{ measurement: m.bodyWeight, mean: 82 }],
      reviewEveryDays: 182,
      referral: { service: SERVICES.cardiology, probability: 0.5 },
      lifeLimiting: true,
    },
  ),
  ischaemicHeartDisease: condition(
    snomed('414545008', 'Ischaemic heart disease'),
    [
      [50, 0.002],
      [80, 0.08],
      [200, 0.12],
    ],
    {
      medicines: [MEDICINES.atorvastatin],
      review: [{ measurement: m.cholesterol, mean: 4.6 }],
      referral: { service: SERVICES.cardiology, probability: 0.2 },
    },
  ),
  hyperlipidaemia: condition(
    snomed('55822004', 'Hyperlipidaemia'),
    [
      [40, 0.01],
      [60, 0.08],
      [200, 0.2],
    ],
    { medicines: [MEDICINES.atorvastatin], review: [{ measurement: m.cholesterol, mean: 5.6 }] },
  ),
  refluxDisease: condition(
    snomed('235595009', 'Gastro-oesophageal reflux disease'),
    [
      [30, 0.01],
      [200, 0.06],
    ],
    { medicines: [MEDICINES.omeprazole], remits: 0.15 },
  ),
  dementia: condition(
    snomed('52448006', 'Dementia'),
    [
      [65, 0],
      [80, 0.02],
      [200, 0.12],
    ],
    {
      referral: { service: SERVICES.oldAgePsychiatry, probability: 0.6 },
      lifeLimiting: true,
      mentalHealth: true,
    },
  ),
  epilepsy: condition(snomed('84757009', 'Epilepsy'), [[200, 0.008]], {
    referral: { service: SERVICES.neurology, probability: 0.3 },
  }),
  schizophrenia: condition(
    snomed('58214004', 'Schizophrenia'),
    [
      [18, 0],
      [200, 0.005],
    ],
    { referral: { service: SERVICES.adultMentalIllness, probability: 1 }, mentalHealth: true },
  ),
  bipolarDisorder: condition(
    snomed('13746004', 'Bipolar disorder'),
    [
      [18, 0],
      [200, 0.004],
    ],
    { referral: { service: SERVICES.adultMentalIllness, probability: 1 }, mentalHealth: true },
  ),
  lungCancer: condition(
    snomed('363358000', 'Malignant tumour of lung'),
    [
      [55, 0],
      [200, 0.006],
    ],
    { referral: { service: SERVICES.clinicalOncology, probability: 1 }, lifeLimiting: true },
  ),
  breastCancer: condition(
    snomed('254837009', 'Malignant neoplasm of breast'),
    [
      [40, 0],
      [200, 0.008],
    ],
    { referral: { service: SERVICES.breastSurgery, probability: 1 }, lifeLimiting: true },
  ),
  prostateCancer: condition(
    snomed('399068003', 'Malignant tumour of prostate'),
    [
      [55, 0],
      [200, 0.008],
    ],
    { referral: { service: SERVICES.urology, probability: 1 }, lifeLimiting: true },
  ),
  colonCancer: condition(
    snomed('363406005', 'Malignant tumour of colon'),
    [
      [50, 0],
      [200, 0.004],
    ],
    { referral: { service: SERVICES.gastroenterology, probability: 1 }, lifeLimiting: true },
  ),
} as const satisfies Record<string, LongTermCondition>;

export type LongTermConditionName = keyof typeof LONG_TERM_CONDITIONS;

/** Cancers that only one sex can have in this catalogue. */
export const SEX_SPECIFIC: Partial<Record<LongTermConditionName, 'MALE' | 'FEMALE'>> = {
  breastCancer: 'FEMALE',
  prostateCancer: 'MALE',
};

/** The chance of `condition` at `age`. */
export function prevalenceAt(condition: LongTermCondition, age: number): number {
  for (const [belowAge, probability] of condition.prevalence) if (age < belowAge) return probability;
  return 0;
}
