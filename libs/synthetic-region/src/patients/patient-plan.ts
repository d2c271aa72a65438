import type { Address } from '@crosscare/events';
import { ICS_CODES, type IcsCode, type Provider } from '@crosscare/governance';
import {
  LONG_TERM_CONDITIONS,
  prevalenceAt,
  SEX_SPECIFIC,
  type LongTermConditionName,
} from '../catalogue/conditions';
import { ICS_PROFILES, type Place } from '../geography/places';
import { patientNhsNumbers } from '../identity/nhs-numbers';
import { Random } from '../random/seeded-random';
import type { RegionFrame } from '../region-options';
import {
  anyTimeAfter,
  DAY,
  minutesAfter,
  workingTimeAfter,
  workingTimeBetween,
  YEAR,
} from '../timeline/clock';
import { careHomeAddress, drawAge, drawGender, drawPerson, type Demographics } from './person';

/**
 * Stories every region opens with, one patient each, so that whatever the seed a region of a few patients already
 * shows what Crosscare is for: care that crosses the CCR/OHC boundary (the demo's story), the end of a life seen by
 * a care home, a hospice and a council, and long-term mental illness.
 */
export type Cast = 'cross-boundary' | 'later-life' | 'mental-health';

export type DeathPlace = 'home' | 'hospital' | 'hospice' | 'careHome';

export interface PlannedCondition {
  readonly name: LongTermConditionName;
  /** When the GP first shares it: at registration for a known condition, later for a new diagnosis. */
  readonly diagnosedAt: number;
  readonly knownBefore: boolean;
}

export interface CareHomeStay {
  readonly provider: Provider;
  readonly from: number;
  /** Already living there when the GP first shared the record, so that address is the registered one. */
  readonly residentAtRegistration: boolean;
  readonly address: Address;
}

export interface PlannedDeath {
  readonly at: number;
  readonly place: DeathPlace;
}

/** Who a patient is and the shape of their history; the storylines fill in the events. */
export interface PatientPlan {
  readonly index: number;
  readonly nhsNumber: string;
  /** Used only when `duplicateRegistration`. */
  readonly duplicateNhsNumber: string;
  readonly cast: Cast | undefined;
  readonly person: Demographics;
  readonly place: Place;
  readonly home: IcsCode;
  readonly bornAt: number;
  readonly gp: Provider;
  readonly pharmacy: Provider | undefined;
  readonly council: Provider | undefined;
  readonly hospital: Provider | undefined;
  /** An acute trust in a neighbouring ICS that treats the patient once (a visit, work, family across the border). */
  readonly awayHospital: Provider | undefined;
  readonly registeredAt: number;
  readonly conditions: readonly PlannedCondition[];
  /** On the GP's palliative care register: end-of-life planning, perhaps a hospice. */
  readonly palliative: boolean;
  readonly careHome: CareHomeStay | undefined;
  readonly death: PlannedDeath | undefined;
  readonly duplicateRegistration: boolean;
}

/** Age in years at an instant. */
export const ageAt = (plan: PatientPlan, at: number): number => (at - plan.bornAt) / YEAR;

const PLAN_STREAM = 1;

/** Patient `index` of the region: depends on the seed, the index and the directory only, never on other patients. */
export function planPatient(region: RegionFrame, index: number): PatientPlan {
  const rng = new Random(region.seedWords[0], region.seedWords[1], index, PLAN_STREAM);
  const { locator } = region;
  const numbers = patientNhsNumbers(region.firstNhsSerial, index);
  const cast = castFor(region, index);

  const home: IcsCode = cast === 'cross-boundary' ? 'QHL' : drawHome(region, rng);
  const age =
    cast === 'cross-boundary'
      ? 45 + rng.next() * 25
      : cast === 'later-life'
        ? 84 + rng.next() * 9
        : cast === 'mental-health'
          ? 24 + rng.next() * 26
          : drawAge(rng);
  const gender = drawGender(rng);
  const drawn = drawPerson(rng, home, age, gender, region.from);
  const bornAt = Math.round(region.from - age * YEAR);
  const gp = rng.pick(locator.inIcs('GP_PRACTICE', home));
  const pharmacies = locator.nearest('COMMUNITY_PHARMACY', home);
  const hospitals = locator.nearest('ACUTE_TRUST', home);

  const latestStart = region.end - 90 * DAY;
  const registeredAt =
    cast === undefined && rng.chance(0.12)
      ? (workingTimeBetween(rng, region.from + 14 * DAY, latestStart) ?? region.from + DAY)
      : workingTimeAfter(rng, region.from, 0, 13);

  const conditions = drawConditions(rng, region, age, gender, cast, registeredAt);
  const names = conditions.map((c) => c.name);
  const lifeLimiting = names.some((n) => LONG_TERM_CONDITIONS[n].lifeLimiting);
  const cancer = names.some((n) => n.endsWith('Cancer'));
  const careHomes = locator.nearest('CARE_HOME', home);
  const hospices = locator.nearest('HOSPICE', home);

  const livesInCareHome =
    careHomes.length > 0 &&
    (cast === 'later-life' ||
      (cast === undefined &&
        rng.chance(
          (age >= 85 ? 0.12 : age >= 75 ? 0.03 : 0) + (age >= 75 && names.includes('dementia') ? 0.25 : 0),
        )));
  const palliative =
    cast === 'later-life' ||
    (cast === undefined && lifeLimiting && age >= 60 && rng.chance(cancer ? 0.5 : 0.12));

  const death = drawDeath(rng, region, {
    cast,
    age,
    registeredAt,
    palliative,
    livesInCareHome,
    hospices: hospices.length > 0,
    hospitals: hospitals.length > 0,
  });

  let careHome: CareHomeStay | undefined;
  if (livesInCareHome) {
    const provider = rng.pick(careHomes);
    const moveBy = (death?.at ?? region.end) - 60 * DAY;
    const movesIn =
      cast === 'later-life'
        ? workingTimeBetween(rng, registeredAt + 90 * DAY, Math.min(registeredAt + 200 * DAY, moveBy))
        : rng.chance(0.3)
          ? workingTimeBetween(rng, registeredAt + 30 * DAY, moveBy)
          : undefined;
    careHome = {
      provider,
      from: movesIn ?? minutesAfter(rng, registeredAt, 1, 60),
      residentAtRegistration: movesIn === undefined,
      address: careHomeAddress(rng, provider, drawn.place),
    };
  }

  return {
    index,
    nhsNumber: numbers.own,
    duplicateNhsNumber: numbers.duplicate,
    cast,
    person: careHome?.residentAtRegistration ? { ...drawn.person, address: careHome.address } : drawn.person,
    place: drawn.place,
    home,
    bornAt,
    gp,
    pharmacy: pharmacies.length > 0 ? rng.pick(pharmacies) : undefined,
    council: region.locator.council(drawn.place.councilCode, home),
    hospital: hospitals.length > 0 ? rng.pick(hospitals) : undefined,
    awayHospital: drawAwayHospital(rng, region, home, cast),
    registeredAt,
    conditions,
    palliative: palliative || death?.place === 'hospice',
    careHome,
    death,
    duplicateRegistration: cast === undefined && rng.chance(0.01),
  };
}

/** The cast role of patient `index`, when the directory has the providers its story needs. */
function castFor(region: RegionFrame, index: number): Cast | undefined {
  const { locator } = region;
  switch (index) {
    case 0:
      return locator.inIcs('GP_PRACTICE', 'QHL').length > 0 && locator.inIcs('ACUTE_TRUST', 'QNC').length > 0
        ? 'cross-boundary'
        : undefined;
    case 1:
      return hasHome(region) &&
        locator.nearest('CARE_HOME', 'QHL').length > 0 &&
        locator.nearest('HOSPICE', 'QHL').length > 0
        ? 'later-life'
        : undefined;
    case 2:
      return hasHome(region) && locator.nearest('MENTAL_HEALTH_TRUST', 'QHL').length > 0
        ? 'mental-health'
        : undefined;
    default:
      return undefined;
  }
}

const hasHome = (region: RegionFrame) =>
  ICS_CODES.some((ics) => region.locator.inIcs('GP_PRACTICE', ics).length > 0);

/** A home ICS by population, among those with a GP practice to register with. */
function drawHome(region: RegionFrame, rng: Random): IcsCode {
  const choices = ICS_CODES.filter((ics) => region.locator.inIcs('GP_PRACTICE', ics).length > 0).map(
    (ics) => [ics, ICS_PROFILES[ics].population] as const,
  );
  if (choices.length === 0)
    throw new RangeError('The provider directory has no active GP practice to register patients with');
  return rng.weighted(choices);
}

function drawConditions(
  rng: Random,
  region: RegionFrame,
  age: number,
  gender: string,
  cast: Cast | undefined,
  registeredAt: number,
): PlannedCondition[] {
  const names = new Set<LongTermConditionName>();
  for (const name of Object.keys(LONG_TERM_CONDITIONS) as LongTermConditionName[]) {
    const sex = SEX_SPECIFIC[name];
    if (sex !== undefined && sex !== gender) continue;
    if (rng.chance(prevalenceAt(LONG_TERM_CONDITIONS[name], age))) names.add(name);
  }
  if (cast === 'later-life') names.add('dementia').add('heartFailure');
  if (cast === 'mental-health') names.add(rng.chance(0.5) ? 'schizophrenia' : 'bipolarDisorder');
  return [...names].map((name) => {
    const newDiagnosis =
      cast === undefined && rng.chance(0.2)
        ? workingTimeBetween(rng, registeredAt + 30 * DAY, region.end - 60 * DAY)
        : undefined;
    return {
      name,
      diagnosedAt: newDiagnosis ?? minutesAfter(rng, registeredAt, 2, 40),
      knownBefore: newDiagnosis === undefined,
    };
  });
}

/** Annual mortality by age in England, roughly. */
function mortality(age: number): number {
  if (age < 1) return 0.004;
  if (age < 50) return 0.001;
  if (age < 65) return 0.006;
  if (age < 75) return 0.015;
  if (age < 85) return 0.045;
  return 0.14;
}

interface DeathContext {
  readonly cast: Cast | undefined;
  readonly age: number;
  readonly registeredAt: number;
  readonly palliative: boolean;
  readonly livesInCareHome: boolean;
  readonly hospices: boolean;
  readonly hospitals: boolean;
}

/** Whether, when and where the patient dies; never within two months of registering, so every death has a story. */
function drawDeath(rng: Random, region: RegionFrame, context: DeathContext): PlannedDeath | undefined {
  if (context.cast === 'cross-boundary' || context.cast === 'mental-health') return undefined;
  const earliest = context.registeredAt + 60 * DAY;
  if (context.cast === 'later-life') {
    const at = workingTimeBetween(
      rng,
      Math.max(earliest, context.registeredAt + 400 * DAY),
      region.end - 30 * DAY,
    );
    return { at: at ?? anyTimeAfter(rng, earliest, 0, 0), place: 'hospice' };
  }
  const years = (region.end - region.from) / YEAR;
  const yearly = Math.min(0.6, mortality(context.age) * (context.palliative ? 4 : 1));
  if (!rng.chance(1 - (1 - yearly) ** years) || earliest >= region.end - DAY) return undefined;
  const at = anyTimeAfter(rng, earliest, 0, Math.floor((region.end - earliest) / DAY) - 1);
  const place = rng.weighted<DeathPlace>(
    context.livesInCareHome
      ? [
          ['careHome', 60],
          ['hospital', 35],
          ['hospice', context.hospices ? 5 : 0],
        ]
      : context.palliative
        ? [
            ['home', 35],
            ['hospital', 35],
            ['hospice', context.hospices ? 30 : 0],
          ]
        : [
            ['hospital', 55],
            ['home', 45],
          ],
  );
  return { at, place: place === 'hospital' && !context.hospitals ? 'home' : place };
}

/** Neighbours nearest first get most of the cross-border care. */
const NEIGHBOUR_WEIGHTS = [0.45, 0.3, 0.15, 0.1];

function drawAwayHospital(
  rng: Random,
  region: RegionFrame,
  home: IcsCode,
  cast: Cast | undefined,
): Provider | undefined {
  if (cast === 'cross-boundary') return rng.pick(region.locator.inIcs('ACUTE_TRUST', 'QNC'));
  if (!rng.chance(0.15)) return undefined;
  const neighbours = ICS_PROFILES[home].neighbours
    .map((ics, i) => [ics, NEIGHBOUR_WEIGHTS[i] ?? 0.05] as const)
    .filter(([ics]) => region.locator.inIcs('ACUTE_TRUST', ics).length > 0);
  if (neighbours.length === 0) return undefined;
  return rng.pick(region.locator.inIcs('ACUTE_TRUST', rng.weighted(neighbours)));
}
