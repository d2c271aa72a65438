import type { AllergyCategory, CodedValue } from '@crosscare/events';
import { dischargeDestination, icd10, snomed, sourceOfAdmission } from './code-systems';
import { MEDICINES, type Medicine } from './medicines';
import { SERVICES, type Service } from './services';

/** A short illness seen in general practice, and what the GP usually prescribes for it. */
export interface MinorIllness {
  readonly problem: CodedValue;
  readonly treatment: Medicine | null;
  /** Days until it is marked resolved. */
  readonly lasts: readonly [min: number, max: number];
  readonly forChildren: boolean;
  readonly forAdults: boolean;
}

const illness = (
  problem: CodedValue,
  treatment: Medicine | null,
  lasts: readonly [number, number],
  ages: 'all' | 'children' | 'adults' = 'all',
): MinorIllness =>
  Object.freeze({
    problem,
    treatment,
    lasts,
    forChildren: ages !== 'adults',
    forAdults: ages !== 'children',
  });

export const MINOR_ILLNESSES: readonly MinorIllness[] = [
  illness(snomed('50417007', 'Lower respiratory tract infection'), MEDICINES.amoxicillin, [10, 28]),
  illness(snomed('68566005', 'Urinary tract infectious disease'), null, [5, 14], 'adults'),
  illness(snomed('405737000', 'Pharyngitis'), null, [5, 10]),
  illness(snomed('65363002', 'Otitis media'), null, [5, 14], 'children'),
  illness(snomed('9826008', 'Conjunctivitis'), null, [5, 10]),
  illness(snomed('279039007', 'Low back pain'), MEDICINES.paracetamol, [14, 60], 'adults'),
  illness(snomed('128045006', 'Cellulitis'), MEDICINES.amoxicillin, [10, 21], 'adults'),
  illness(snomed('25374005', 'Gastroenteritis'), null, [3, 10]),
  illness(snomed('43116000', 'Eczema'), null, [30, 120], 'children'),
  illness(snomed('44465007', 'Sprain of ankle'), MEDICINES.paracetamol, [14, 42]),
  illness(snomed('840539006', 'COVID-19'), null, [7, 21]),
  illness(snomed('6142004', 'Influenza'), null, [7, 14]),
  illness(snomed('25064002', 'Headache'), MEDICINES.paracetamol, [3, 21], 'adults'),
];

/** Why someone comes to an emergency department, what it turns out to be, and where it goes from there. */
export interface EmergencyPresentation {
  readonly complaint: CodedValue;
  /** Diagnosis when sent home, and when admitted. */
  readonly dischargedWith: CodedValue;
  readonly admittedWith: CodedValue;
  readonly admittedTo: Service;
  /** Chance of admission for a younger adult; older patients are admitted more often. */
  readonly admission: number;
  /** Days in hospital when admitted. */
  readonly stay: readonly [min: number, max: number];
  /** Relative likelihood by age band: child, adult, older adult (75+). */
  readonly weight: readonly [child: number, adult: number, older: number];
}

const presentation = (p: EmergencyPresentation): EmergencyPresentation => Object.freeze(p);

export const EMERGENCY_PRESENTATIONS: readonly EmergencyPresentation[] = [
  presentation({
    complaint: snomed('29857009', 'Chest pain'),
    dischargedWith: icd10('R07.4', 'Chest pain, unspecified'),
    admittedWith: icd10('I21.4', 'Acute subendocardial myocardial infarction'),
    admittedTo: SERVICES.cardiology,
    admission: 0.2,
    stay: [2, 7],
    weight: [0.2, 3, 3],
  }),
  presentation({
    complaint: snomed('267036007', 'Dyspnoea'),
    dischargedWith: icd10('J06.9', 'Acute upper respiratory infection, unspecified'),
    admittedWith: icd10('J18.9', 'Pneumonia, unspecified'),
    admittedTo: SERVICES.generalInternalMedicine,
    admission: 0.35,
    stay: [3, 10],
    weight: [1, 2, 4],
  }),
  presentation({
    complaint: snomed('1912002', 'Fall'),
    dischargedWith: icd10('S52.5', 'Fracture of lower end of radius'),
    admittedWith: icd10('S72.0', 'Fracture of neck of femur'),
    admittedTo: SERVICES.traumaAndOrthopaedics,
    admission: 0.1,
    stay: [5, 20],
    weight: [1, 1.5, 6],
  }),
  presentation({
    complaint: snomed('21522001', 'Abdominal pain'),
    dischargedWith: icd10('R10.4', 'Other and unspecified abdominal pain'),
    admittedWith: icd10('K35.8', 'Acute appendicitis, other and unspecified'),
    admittedTo: SERVICES.generalSurgery,
    admission: 0.2,
    stay: [2, 5],
    weight: [1.5, 3, 2],
  }),
  presentation({
    complaint: snomed('82271004', 'Injury of head'),
    dischargedWith: icd10('S06.0', 'Concussion'),
    admittedWith: icd10('S06.5', 'Traumatic subdural haemorrhage'),
    admittedTo: SERVICES.generalSurgery,
    admission: 0.03,
    stay: [3, 12],
    weight: [2, 1.5, 2],
  }),
  presentation({
    complaint: snomed('130987000', 'Acute confusion'),
    dischargedWith: icd10('R41.0', 'Disorientation, unspecified'),
    admittedWith: icd10('N39.0', 'Urinary tract infection, site not specified'),
    admittedTo: SERVICES.geriatricMedicine,
    admission: 0.5,
    stay: [4, 14],
    weight: [0, 0.2, 4],
  }),
  presentation({
    complaint: snomed('56018004', 'Wheezing'),
    dischargedWith: icd10('J45.9', 'Asthma, unspecified'),
    admittedWith: icd10('J45.9', 'Asthma, unspecified'),
    admittedTo: SERVICES.paediatrics,
    admission: 0.15,
    stay: [1, 3],
    weight: [4, 1, 0.5],
  }),
  presentation({
    complaint: snomed('62315008', 'Diarrhoea'),
    dischargedWith: icd10('A09.9', 'Gastroenteritis and colitis of unspecified origin'),
    admittedWith: icd10('E86', 'Volume depletion'),
    admittedTo: SERVICES.generalInternalMedicine,
    admission: 0.08,
    stay: [1, 4],
    weight: [3, 1.5, 2],
  }),
  presentation({
    complaint: snomed('271594007', 'Syncope'),
    dischargedWith: icd10('R55', 'Syncope and collapse'),
    admittedWith: icd10('I48', 'Atrial fibrillation and flutter'),
    admittedTo: SERVICES.cardiology,
    admission: 0.2,
    stay: [2, 6],
    weight: [0.3, 1.5, 3],
  }),
  presentation({
    complaint: snomed('386661006', 'Fever'),
    dischargedWith: icd10('B34.9', 'Viral infection, unspecified'),
    admittedWith: icd10('A41.9', 'Sepsis, unspecified'),
    admittedTo: SERVICES.generalInternalMedicine,
    admission: 0.1,
    stay: [4, 12],
    weight: [4, 1, 1.5],
  }),
];

export interface AllergySubstance {
  readonly substance: CodedValue;
  readonly category: AllergyCategory;
  readonly reactions: readonly CodedValue[];
  readonly weight: number;
}

const allergy = (
  substance: CodedValue,
  category: AllergyCategory,
  reactions: readonly CodedValue[],
  weight: number,
): AllergySubstance => Object.freeze({ substance, category, reactions, weight });

const REACTIONS = {
  urticaria: snomed('126485001', 'Urticaria'),
  anaphylaxis: snomed('39579001', 'Anaphylaxis'),
  rash: snomed('271807003', 'Eruption of skin'),
  nausea: snomed('422587007', 'Nausea'),
  dyspnoea: snomed('267036007', 'Dyspnoea'),
  itching: snomed('418290006', 'Itching'),
  angioedema: snomed('41291007', 'Angioedema'),
  diarrhoea: snomed('62315008', 'Diarrhoea'),
};

export const ALLERGIES: readonly AllergySubstance[] = [
  allergy(snomed('764146007', 'Penicillin'), 'MEDICATION', [REACTIONS.rash, REACTIONS.urticaria], 40),
  allergy(snomed('387458008', 'Aspirin'), 'MEDICATION', [REACTIONS.dyspnoea, REACTIONS.urticaria], 6),
  allergy(snomed('387207008', 'Ibuprofen'), 'MEDICATION', [REACTIONS.dyspnoea, REACTIONS.rash], 8),
  allergy(snomed('387494007', 'Codeine'), 'MEDICATION', [REACTIONS.nausea, REACTIONS.itching], 6),
  allergy(snomed('387170002', 'Trimethoprim'), 'MEDICATION', [REACTIONS.rash], 5),
  allergy(snomed('256349002', 'Peanut'), 'FOOD', [REACTIONS.angioedema, REACTIONS.anaphylaxis], 10),
  allergy(snomed('102263004', 'Eggs'), 'FOOD', [REACTIONS.urticaria, REACTIONS.diarrhoea], 5),
  allergy(snomed('111088007', 'Latex'), 'ENVIRONMENT', [REACTIONS.urticaria, REACTIONS.itching], 4),
  allergy(snomed('260147004', 'House dust mite'), 'ENVIRONMENT', [REACTIONS.itching], 8),
  allergy(snomed('260152009', 'Cat dander'), 'ENVIRONMENT', [REACTIONS.itching, REACTIONS.dyspnoea], 5),
  allergy(snomed('288328004', 'Bee venom'), 'OTHER', [REACTIONS.anaphylaxis, REACTIONS.angioedema], 3),
];

export const VACCINES = {
  influenza: snomed('1181000221105', 'Influenza vaccine'),
  covid19: snomed('1119349007', 'COVID-19 mRNA vaccine'),
  mmr: snomed('871831003', 'Measles, mumps and rubella vaccine'),
} as const;

export const INJECTION_SITES = {
  leftUpperArm: snomed('368208006', 'Left upper arm structure'),
  rightUpperArm: snomed('368209003', 'Right upper arm structure'),
  nose: snomed('279549004', 'Nasal cavity structure'),
} as const;

export const PLACES_OF_DEATH = {
  home: snomed('264362003', 'Home'),
  hospital: snomed('22232009', 'Hospital'),
  hospice: snomed('284546000', 'Hospice'),
  careHome: snomed('42665001', 'Nursing home'),
} as const;

/** NHS Data Dictionary admission sources and discharge destinations the region's hospital stays use. */
export const ADMISSION_SOURCES = {
  usualResidence: sourceOfAdmission('19', 'Usual place of residence'),
  temporaryResidence: sourceOfAdmission('29', 'Temporary place of residence'),
  careHome: sourceOfAdmission('85', 'Non-NHS (other than Local Authority) run care home'),
} as const;

export const DISCHARGE_DESTINATIONS = {
  usualResidence: dischargeDestination('19', 'Usual place of residence'),
  temporaryResidence: dischargeDestination('29', 'Temporary place of residence'),
  careHome: dischargeDestination('85', 'Non-NHS (other than Local Authority) run care home'),
  anotherHospital: dischargeDestination('51', 'NHS other hospital provider - ward for general patients'),
  died: dischargeDestination('79', 'Not applicable - patient died or stillbirth'),
} as const;

/** Care plans are categorised by SNOMED CT and titled by the service. */
export const CARE_PLANS = {
  carePlan: snomed('734163000', 'Care plan'),
  advanceCarePlan: snomed('736366004', 'Advance care plan'),
} as const;

/** Why a contact that has no presenting complaint of its own took place. */
export const CONTACT_REASONS = {
  consultation: snomed('11429006', 'Consultation'),
} as const;
