import type {
  CareSetting,
  CodedValue,
  EncounterClass,
  EncounterOutcome,
  ReferralPriority,
  ReferralStatus,
} from '@crosscare/events';
import { careSettingOf, type Provider } from '@crosscare/governance';
import { measure, type Measurement } from '../catalogue/measurements';
import type { Random } from '../random/seeded-random';
import type { EventBody } from './message';

/** Bodies the storylines build again and again, with the fields a source leaves empty already null. */

export interface EncounterStart {
  readonly encounterClass: EncounterClass;
  readonly startedAt: number;
  readonly reason?: CodedValue | null;
  readonly specialty?: CodedValue | null;
  readonly admissionSource?: CodedValue | null;
  /** Home visits and virtual contacts have no site. */
  readonly atSite?: boolean;
}

/** The care setting comes from the kind of provider, as ingest derives it (careSettingOf). */
export function encounterStarted(provider: Provider, start: EncounterStart): EventBody<'EncounterStarted'> {
  const careSetting: CareSetting = careSettingOf(provider.type);
  return {
    encounterClass: start.encounterClass,
    careSetting,
    startedAt: start.startedAt,
    admissionSource: start.admissionSource ?? null,
    locationOdsCode: (start.atSite ?? true) ? provider.odsCode : null,
    specialty: start.specialty ?? null,
    reason: start.reason ?? null,
  };
}

export function encounterEnded(
  endedAt: number,
  outcome: EncounterOutcome,
  diagnoses: readonly CodedValue[] = [],
  dischargeDestination: CodedValue | null = null,
): EventBody<'EncounterEnded'> {
  return { endedAt, outcome, dischargeDestination, diagnoses: [...diagnoses] };
}

export function measuredObservation(
  rng: Random,
  measurement: Measurement,
  effectiveAt: number,
  mean?: number,
): EventBody<'ObservationRecorded'> {
  const { quantity, interpretation } = measure(rng, measurement, mean);
  return {
    code: measurement.code,
    category: measurement.category,
    effectiveAt,
    valueQuantity: quantity,
    valueCoded: null,
    valueString: null,
    interpretation,
  };
}

export function referral(
  service: CodedValue,
  recipient: Provider | null,
  priority: ReferralPriority,
  status: ReferralStatus,
  reason: CodedValue | null,
  ubrn: string | null,
): EventBody<'ReferralMade'> {
  return { service, recipientOdsCode: recipient?.odsCode ?? null, priority, status, reason, ubrn };
}

/** A 12-digit NHS e-Referral Service booking reference. */
export function ubrn(rng: Random): string {
  return `${rng.between(100_000, 999_999)}${String(rng.below(1_000_000)).padStart(6, '0')}`;
}

const EPS_CHECK_CHARACTERS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ+';

/** An EPS prescription id in its 18-character form, e.g. A1B2C3-A83008-0AB12F (check character not computed). */
export function epsPrescriptionId(rng: Random, prescriberOdsCode: string): string {
  const hex = (n: number) =>
    rng
      .below(16 ** n)
      .toString(16)
      .toUpperCase()
      .padStart(n, '0');
  const check = EPS_CHECK_CHARACTERS[rng.below(EPS_CHECK_CHARACTERS.length)];
  return `${hex(6)}-${prescriberOdsCode.padStart(6, '0').slice(-6)}-${hex(5)}${check}`;
}
