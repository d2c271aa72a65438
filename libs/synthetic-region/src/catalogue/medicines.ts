import type { CodedValue, Quantity } from '@crosscare/events';
import { dmd, quantity } from './code-systems';

/** A product as a prescriber writes it: what, how to take it, and how much one issue supplies. */
export interface Medicine {
  readonly product: CodedValue;
  readonly dosage: string;
  readonly issue: Quantity;
  /** Days one issue lasts; a repeat is re-issued at this interval, an acute course ends after it. */
  readonly days: number;
}

const medicine = (code: string, name: string, dosage: string, issue: Quantity, days: number): Medicine =>
  Object.freeze({ product: dmd(code, name), dosage, issue, days });

const tablets = (n: number) => quantity(n, 'tablet', '{tablet}');
const capsules = (n: number) => quantity(n, 'capsule', '{capsule}');

/**
 * dm+d virtual medicinal products (VMP ids) with their dm+d names. Every id is a well-formed SNOMED CT identifier
 * (valid Verhoeff check digit); the region is synthetic, so they serve readers and parsers, not prescribing.
 */
export const MEDICINES = {
  amlodipine: medicine('319283006', 'Amlodipine 5mg tablets', 'One tablet once a day', tablets(28), 28),
  ramipril: medicine('319773006', 'Ramipril 5mg capsules', 'One capsule once a day', capsules(28), 28),
  metformin: medicine(
    '325278007',
    'Metformin 500mg tablets',
    'One tablet twice a day with meals',
    tablets(56),
    28,
  ),
  atorvastatin: medicine('320000009', 'Atorvastatin 20mg tablets', 'One tablet at night', tablets(28), 28),
  salbutamol: medicine(
    '39113611000001102',
    'Salbutamol 100micrograms/dose inhaler CFC free',
    'Two puffs up to four times a day when required',
    quantity(1, 'inhaler', null),
    56,
  ),
  citalopram: medicine('321987003', 'Citalopram 20mg tablets', 'One tablet once a day', tablets(28), 28),
  sertraline: medicine('321949006', 'Sertraline 50mg tablets', 'One tablet once a day', tablets(28), 28),
  apixaban: medicine('42206511000001102', 'Apixaban 5mg tablets', 'One tablet twice a day', tablets(56), 28),
  levothyroxine: medicine(
    '1199511000001105',
    'Levothyroxine sodium 50microgram tablets',
    'One tablet each morning',
    tablets(28),
    28,
  ),
  furosemide: medicine('317972000', 'Furosemide 40mg tablets', 'One tablet each morning', tablets(28), 28),
  omeprazole: medicine(
    '17603511000001107',
    'Omeprazole 20mg gastro-resistant capsules',
    'One capsule once a day',
    capsules(28),
    28,
  ),
  paracetamol: medicine(
    '322236009',
    'Paracetamol 500mg tablets',
    'Two tablets up to four times a day when required',
    tablets(100),
    28,
  ),
  amoxicillin: medicine(
    '323510009',
    'Amoxicillin 500mg capsules',
    'One capsule three times a day for 5 days',
    capsules(15),
    5,
  ),
} as const satisfies Record<string, Medicine>;
