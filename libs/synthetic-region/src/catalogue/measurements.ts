import type { CodedValue, ObservationCategory, ObservationInterpretation, Quantity } from '@crosscare/events';
import type { Random } from '../random/seeded-random';
import { loinc, snomed } from './code-systems';

/** Something measured, with the reference range a result is interpreted against. */
export interface Measurement {
  readonly code: CodedValue;
  readonly category: ObservationCategory;
  readonly unit: string;
  readonly ucumCode: string | null;
  /** Mean and spread of a result in the general population; storylines pass their own mean for the unwell. */
  readonly typical: readonly [mean: number, spread: number];
  /** Results outside are LOW or HIGH. */
  readonly normal: readonly [low: number, high: number];
  /** Results outside are CRITICALLY_LOW or CRITICALLY_HIGH. */
  readonly critical: readonly [low: number, high: number];
  /** What the instrument can report. */
  readonly bounds: readonly [min: number, max: number];
  readonly decimals: number;
}

const NO_LIMIT = [-Infinity, Infinity] as const;

export const MEASUREMENTS = {
  systolicBloodPressure: {
    code: snomed('271649006', 'Systolic blood pressure'),
    category: 'VITAL_SIGNS',
    unit: 'mmHg',
    ucumCode: 'mm[Hg]',
    typical: [124, 14],
    normal: [90, 139],
    critical: [70, 200],
    bounds: [60, 240],
    decimals: 0,
  },
  diastolicBloodPressure: {
    code: snomed('271650006', 'Diastolic blood pressure'),
    category: 'VITAL_SIGNS',
    unit: 'mmHg',
    ucumCode: 'mm[Hg]',
    typical: [78, 9],
    normal: [60, 89],
    critical: [40, 120],
    bounds: [30, 140],
    decimals: 0,
  },
  hba1c: {
    code: loinc('59261-8', 'Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol'),
    category: 'LABORATORY',
    unit: 'mmol/mol',
    ucumCode: 'mmol/mol',
    typical: [38, 4],
    normal: [20, 41],
    critical: NO_LIMIT,
    bounds: [20, 140],
    decimals: 0,
  },
  egfr: {
    code: loinc(
      '62238-1',
      'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)',
    ),
    category: 'LABORATORY',
    unit: 'mL/min/1.73m2',
    ucumCode: 'mL/min/{1.73_m2}',
    typical: [85, 15],
    normal: [60, 200],
    critical: [15, Infinity],
    bounds: [5, 120],
    decimals: 0,
  },
  cholesterol: {
    code: loinc('14647-2', 'Cholesterol [Moles/volume] in Serum or Plasma'),
    category: 'LABORATORY',
    unit: 'mmol/L',
    ucumCode: 'mmol/L',
    typical: [5.1, 0.9],
    normal: [0, 5],
    critical: NO_LIMIT,
    bounds: [2, 11],
    decimals: 1,
  },
  bodyWeight: {
    code: snomed('27113001', 'Body weight'),
    category: 'VITAL_SIGNS',
    unit: 'kg',
    ucumCode: 'kg',
    typical: [78, 14],
    normal: NO_LIMIT,
    critical: NO_LIMIT,
    bounds: [35, 180],
    decimals: 1,
  },
  bodyMassIndex: {
    code: snomed('60621009', 'Body mass index'),
    category: 'VITAL_SIGNS',
    unit: 'kg/m2',
    ucumCode: 'kg/m2',
    typical: [27, 4],
    normal: [18.5, 24.9],
    critical: NO_LIMIT,
    bounds: [15, 55],
    decimals: 1,
  },
  heartRate: {
    code: snomed('364075005', 'Heart rate'),
    category: 'VITAL_SIGNS',
    unit: 'beats/min',
    ucumCode: '/min',
    typical: [80, 14],
    normal: [51, 90],
    critical: [40, 131],
    bounds: [30, 180],
    decimals: 0,
  },
  oxygenSaturation: {
    code: snomed('431314004', 'Peripheral oxygen saturation'),
    category: 'VITAL_SIGNS',
    unit: '%',
    ucumCode: '%',
    typical: [96, 2.5],
    normal: [96, 100],
    critical: [92, Infinity],
    bounds: [75, 100],
    decimals: 0,
  },
  bodyTemperature: {
    code: snomed('386725007', 'Body temperature'),
    category: 'VITAL_SIGNS',
    unit: '°C',
    ucumCode: 'Cel',
    typical: [37.1, 0.8],
    normal: [36.1, 38],
    critical: [35, 39.1],
    bounds: [34, 41.5],
    decimals: 1,
  },
  news2: {
    code: snomed(
      '1104051000000101',
      'Royal College of Physicians NEWS2 (National Early Warning Score 2) total score',
    ),
    category: 'SURVEY',
    unit: 'score',
    ucumCode: '{score}',
    typical: [3, 2.5],
    normal: [0, 4],
    critical: [-Infinity, 6],
    bounds: [0, 20],
    decimals: 0,
  },
  cReactiveProtein: {
    code: loinc('1988-5', 'C reactive protein [Mass/volume] in Serum or Plasma'),
    category: 'LABORATORY',
    unit: 'mg/L',
    ucumCode: 'mg/L',
    typical: [40, 30],
    normal: [0, 5],
    critical: NO_LIMIT,
    bounds: [1, 400],
    decimals: 0,
  },
  haemoglobin: {
    code: loinc('718-7', 'Hemoglobin [Mass/volume] in Blood'),
    category: 'LABORATORY',
    unit: 'g/L',
    ucumCode: 'g/L',
    typical: [128, 15],
    normal: [115, 165],
    critical: [70, 200],
    bounds: [50, 200],
    decimals: 0,
  },
  platelets: {
    code: loinc('777-3', 'Platelets [#/volume] in Blood'),
    category: 'LABORATORY',
    unit: '10*9/L',
    ucumCode: '10*9/L',
    typical: [260, 60],
    normal: [150, 400],
    critical: [20, 1000],
    bounds: [5, 1200],
    decimals: 0,
  },
  whiteCellCount: {
    code: loinc('6690-2', 'Leukocytes [#/volume] in Blood by Automated count'),
    category: 'LABORATORY',
    unit: '10*9/L',
    ucumCode: '10*9/L',
    typical: [7, 2.5],
    normal: [4, 11],
    critical: [1, 30],
    bounds: [0.5, 60],
    decimals: 1,
  },
} as const satisfies Record<string, Measurement>;

/** A coded social history observation and the answers it takes. */
export const SMOKING_STATUS = {
  code: loinc('72166-2', 'Tobacco smoking status'),
  answers: [
    [snomed('266919005', 'Never smoked tobacco'), 55],
    [snomed('8517006', 'Ex-smoker'), 30],
    [snomed('77176002', 'Smoker'), 15],
  ],
} as const;

export interface MeasuredValue {
  readonly quantity: Quantity;
  readonly interpretation: ObservationInterpretation | null;
}

/** A plausible result around `mean` (the measurement's typical mean when omitted), interpreted. */
export function measure(rng: Random, measurement: Measurement, mean = measurement.typical[0]): MeasuredValue {
  const [, spread] = measurement.typical;
  // The sum of three uniforms is close enough to a bell curve and, unlike one, cannot run off to extremes.
  const raw = mean + spread * (rng.next() + rng.next() + rng.next() - 1.5);
  const [min, max] = measurement.bounds;
  const scale = 10 ** measurement.decimals;
  const value = Math.round(Math.min(max, Math.max(min, raw)) * scale) / scale;
  return {
    quantity: { value, unit: measurement.unit, ucumCode: measurement.ucumCode },
    interpretation: interpret(measurement, value),
  };
}

function interpret(measurement: Measurement, value: number): ObservationInterpretation | null {
  const [low, high] = measurement.normal;
  if (low === -Infinity && high === Infinity) return null;
  const [criticalLow, criticalHigh] = measurement.critical;
  if (value < criticalLow) return 'CRITICALLY_LOW';
  if (value > criticalHigh) return 'CRITICALLY_HIGH';
  if (value < low) return 'LOW';
  if (value > high) return 'HIGH';
  return 'NORMAL';
}
