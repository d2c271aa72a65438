import type { Address, AdministrativeGender, ContactPoint, HumanName } from '@crosscare/events';
import type { IcsCode, Provider } from '@crosscare/governance';
import { FAMILY_NAMES, GIVEN_NAMES, SOCIAL_CARE_ROLES, STREETS, TITLES } from '../catalogue/people';
import { ICS_PROFILES, type Place } from '../geography/places';
import type { Random } from '../random/seeded-random';
import { epochDay, YEAR } from '../timeline/clock';

/** A patient's details as a GP holds them; every provider that registers the patient copies the current ones. */
export interface Demographics {
  readonly name: HumanName;
  /** Avro date. */
  readonly birthDate: number;
  readonly gender: AdministrativeGender;
  readonly address: Address | null;
  readonly telecom: readonly ContactPoint[];
}

/** Ages of a GP list, roughly England's: [from, below, share]. */
const AGE_BANDS: readonly (readonly [number, number, number])[] = [
  [0, 5, 0.055],
  [5, 18, 0.155],
  [18, 30, 0.15],
  [30, 45, 0.2],
  [45, 65, 0.25],
  [65, 75, 0.1],
  [75, 85, 0.065],
  [85, 100, 0.025],
];

/** An age in years (with its fraction) drawn from a GP list's age profile. */
export function drawAge(rng: Random): number {
  const [from, below] = rng.weighted(AGE_BANDS.map((band) => [band, band[2]] as const));
  return from + rng.next() * (below - from);
}

export function drawGender(rng: Random): AdministrativeGender {
  return rng.weighted<AdministrativeGender>([
    ['FEMALE', 50.5],
    ['MALE', 49],
    ['OTHER', 0.2],
    ['UNKNOWN', 0.3],
  ]);
}

/** Someone of this age and gender living in `ics` at instant `at`. */
export function drawPerson(
  rng: Random,
  ics: IcsCode,
  age: number,
  gender: AdministrativeGender,
  at: number,
): { person: Demographics; place: Place } {
  const place = rng.weighted(ICS_PROFILES[ics].places.map((p) => [p, p.weight] as const));
  const name = drawName(rng, gender, age);
  const adult = age >= 18;
  const telecom: ContactPoint[] = [];
  if (rng.chance(adult ? 0.9 : 0.6)) telecom.push(mobileNumber(rng));
  if (rng.chance(age >= 65 ? 0.6 : 0.2)) telecom.push(landlineNumber(rng, ics));
  if (adult && rng.chance(0.35)) telecom.push(emailAddress(rng, name));
  return {
    person: {
      name,
      birthDate: epochDay(at - age * YEAR),
      gender,
      // A few adults have no fixed abode; their practice holds no address.
      address: adult && rng.chance(0.004) ? null : addressIn(rng, place),
      telecom,
    },
    place,
  };
}

export function drawName(rng: Random, gender: AdministrativeGender, age: number): HumanName {
  const sex = gender === 'MALE' || gender === 'FEMALE' ? gender : rng.pick(['MALE', 'FEMALE'] as const);
  const given = [rng.pick(GIVEN_NAMES[sex])];
  if (rng.chance(0.4)) given.push(rng.pick(GIVEN_NAMES[sex]));
  return {
    prefix: age >= 18 && rng.chance(0.8) ? rng.weighted(TITLES[sex]) : null,
    given,
    family: rng.pick(FAMILY_NAMES),
  };
}

/** A house on a street of `place`; the postcode's inward half is invented. */
export function addressIn(rng: Random, place: Place): Address {
  const lines = [`${rng.between(1, 240)} ${rng.pick(STREETS)}`];
  if (place.locality !== place.postTown) lines.push(place.locality);
  return { lines, city: place.postTown, district: place.county, postcode: postcode(rng, place) };
}

/** The care home's own address in the patient's area, the home's name as its first line. */
export function careHomeAddress(rng: Random, careHome: Provider, place: Place): Address {
  return {
    lines: [careHome.name, `${rng.between(1, 120)} ${rng.pick(STREETS)}`],
    city: place.postTown,
    district: place.county,
    postcode: postcode(rng, place),
  };
}

const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

function postcode(rng: Random, place: Place): string {
  const letter = () => INWARD_LETTERS[rng.below(INWARD_LETTERS.length)];
  return `${rng.pick(place.postcodeDistricts)} ${rng.below(10)}${letter()}${letter()}`;
}

/** Ofcom keeps 07700 900000-900999 for drama: numbers that can never reach a real person. */
export function mobileNumber(rng: Random): ContactPoint {
  return { system: 'MOBILE', value: `07700 900${String(rng.below(1000)).padStart(3, '0')}` };
}

/** Ofcom's drama landlines: Birmingham's 0121 496 0xxx, and the area-less 01632 960xxx elsewhere. */
export function landlineNumber(rng: Random, ics: IcsCode): ContactPoint {
  const line = String(rng.below(1000)).padStart(3, '0');
  return {
    system: 'PHONE',
    value: ics === 'QHL' || ics === 'QUA' ? `0121 496 0${line}` : `01632 960${line}`,
  };
}

/** At example.com (RFC 2606), which nobody can own. */
function emailAddress(rng: Random, name: HumanName): ContactPoint {
  const local = `${name.given[0]}.${name.family}`.toLowerCase().replace(/[^a-z.]/g, '');
  return { system: 'EMAIL', value: `${local}${rng.below(100)}@example.com` };
}

/** How a council names the worker it allocated, e.g. `Sam Patel, Social Worker`. */
export function workerName(rng: Random): string {
  const sex = rng.pick(['MALE', 'FEMALE'] as const);
  return `${rng.pick(GIVEN_NAMES[sex])} ${rng.pick(FAMILY_NAMES)}, ${rng.pick(SOCIAL_CARE_ROLES)}`;
}
