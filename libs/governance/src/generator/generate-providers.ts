import type { ProviderEntry, ProvidersFile, RegionsFile } from '../directory/directory-files';
import { ICS_CODES, PROVIDER_TYPES, type IcsCode, type ProviderType } from '../directory/provider';
import { seededRandom, type Random } from './seeded-random';
import { syntheticName } from './synthetic-names';

/** Bump with every change to the generator or regions.json that changes providers.json. */
export const DIRECTORY_VERSION = '2026.11.1';

/** Fixed forever: changing it renames and recodes every synthetic provider. */
const SEED = 20261101;

/** Codes other fixtures already use for providers outside the directory, e.g. synthetic events' GP practice. */
export const RESERVED_CODES: ReadonlySet<string> = new Set(['M85001']);

/** Registered population in millions: providers are spread across ICSs in proportion. */
export const POPULATION_MILLIONS: Readonly<Record<IcsCode, number>> = {
  QHL: 1.7,
  QUA: 1.3,
  QNC: 1.2,
  QWU: 1.0,
  QGH: 0.8,
  QOC: 0.5,
};

/**
 * How many of each type the region has, and how many every ICS has at least (each ICS runs its own acute and
 * mental health services, has GP practices, care homes and a hospice). Councils are not here: there is one
 * LOCAL_AUTHORITY provider per council in regions.json. Neither is the ambulance trust: see AMBULANCE_HOST.
 */
export const TYPE_TOTALS: readonly { type: ProviderType; total: number; minimumPerIcs: number }[] = [
  { type: 'GP_PRACTICE', total: 560, minimumPerIcs: 1 },
  { type: 'CARE_HOME', total: 225, minimumPerIcs: 1 },
  { type: 'HOSPICE', total: 20, minimumPerIcs: 1 },
  { type: 'ACUTE_TRUST', total: 14, minimumPerIcs: 1 },
  { type: 'MENTAL_HEALTH_TRUST', total: 6, minimumPerIcs: 1 },
  { type: 'COMMUNITY_TRUST', total: 4, minimumPerIcs: 0 },
  { type: 'SPECIALIST_TRUST', total: 4, minimumPerIcs: 0 },
];

/** The region's one ambulance trust serves all six ICSs; it is listed under the ICS of its headquarters. */
const AMBULANCE_HOST: IcsCode = 'QUA';

/**
 * `total` split across ICSs in proportion to population by largest remainder (so the parts add up exactly),
 * with every ICS given at least `minimum`. Ties go to the ICS listed first in regions.json.
 */
export function allocate(total: number, minimum: number, icss: readonly IcsCode[]): Record<IcsCode, number> {
  const population = icss.reduce((sum, ics) => sum + POPULATION_MILLIONS[ics], 0);
  const quotas = icss.map((ics) => ({ ics, quota: (total * POPULATION_MILLIONS[ics]) / population }));
  const counts = Object.fromEntries(ICS_CODES.map((ics) => [ics, 0])) as Record<IcsCode, number>;
  for (const { ics, quota } of quotas) counts[ics] = Math.max(minimum, Math.floor(quota));
  let remaining = total - icss.reduce((sum, ics) => sum + counts[ics], 0);
  if (remaining < 0) throw new Error(`cannot give ${icss.length} ICSs at least ${minimum} of ${total}`);
  const byRemainder = quotas
    .filter(({ ics, quota }) => counts[ics] <= quota)
    .sort((a, b) => (b.quota % 1) - (a.quota % 1));
  for (const { ics } of byRemainder) {
    if (remaining === 0) break;
    counts[ics]++;
    remaining--;
  }
  return counts;
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'; // no I or O: they read as 1 and 0
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

const chars = (random: Random, alphabet: string, count: number) =>
  Array.from({ length: count }, () => random.pick([...alphabet])).join('');

/** A synthetic code shaped like the type's real ODS codes (see ods-code.ts). */
function syntheticCode(random: Random, type: ProviderType): string {
  switch (type) {
    case 'GP_PRACTICE':
      return `M${chars(random, DIGITS, 5)}`;
    case 'CARE_HOME':
      return `V${chars(random, CODE_ALPHABET, 4)}`;
    case 'HOSPICE':
      return `8${chars(random, CODE_ALPHABET, 4)}`;
    case 'LOCAL_AUTHORITY':
      return `L${chars(random, DIGITS, 1)}${chars(random, LETTERS, 1)}`;
    case 'COMMUNITY_PHARMACY':
      return `F${chars(random, LETTERS, 1)}${chars(random, DIGITS, 3)}`;
    case 'ACUTE_TRUST':
    case 'MENTAL_HEALTH_TRUST':
    case 'COMMUNITY_TRUST':
    case 'SPECIALIST_TRUST':
    case 'AMBULANCE_TRUST':
      return `R${chars(random, LETTERS, 2)}`;
  }
}

/**
 * The synthetic directory release: deterministic for a given regions.json, sorted by type, ICS and code so that a
 * regenerated file diffs cleanly.
 */
export function generateProviders(
  regions: RegionsFile,
  progress: (line: string) => void = () => {},
): ProvidersFile {
  const random = seededRandom(SEED);
  const icss = regions.collaboratives.flatMap((c) => c.ics);
  const icsCodes = icss.map((i) => i.code);
  const codes = new Set<string>(RESERVED_CODES);
  const names = new Set<string>();
  const providers: ProviderEntry[] = [];

  const add = (type: ProviderType, ics: IcsCode, name?: string, councilCode?: string) => {
    let odsCode = syntheticCode(random, type);
    while (codes.has(odsCode)) odsCode = syntheticCode(random, type);
    codes.add(odsCode);
    const chosen = name ?? syntheticName(random, type, ics, names);
    names.add(chosen);
    providers.push({
      odsCode,
      name: chosen,
      type,
      ics,
      ...(councilCode ? { councilCode } : {}),
      status: 'ACTIVE',
    });
  };

  for (const { type, total, minimumPerIcs } of TYPE_TOTALS) {
    const counts = allocate(total, minimumPerIcs, icsCodes);
    for (const ics of icsCodes) for (let n = 0; n < counts[ics]; n++) add(type, ics);
    progress(`${type}: ${total} (${icsCodes.map((ics) => `${ics} ${counts[ics]}`).join(', ')})`);
  }
  add('AMBULANCE_TRUST', AMBULANCE_HOST);
  progress(`AMBULANCE_TRUST: 1 (${AMBULANCE_HOST}, serving every ICS)`);
  for (const ics of icss)
    for (const council of ics.councils) add('LOCAL_AUTHORITY', ics.code, council.name, council.code);
  progress(
    `LOCAL_AUTHORITY: ${icss.reduce((n, i) => n + i.councils.length, 0)} (one per council in regions.json)`,
  );

  const typeOrder = (type: ProviderType) => PROVIDER_TYPES.indexOf(type);
  providers.sort(
    (a, b) =>
      typeOrder(a.type) - typeOrder(b.type) ||
      icsCodes.indexOf(a.ics as IcsCode) - icsCodes.indexOf(b.ics as IcsCode) ||
      (a.odsCode < b.odsCode ? -1 : 1), // not localeCompare: the order must not depend on the machine's locale
  );
  return { version: DIRECTORY_VERSION, providers };
}

/** providers.json as committed: two-space JSON, which prettier leaves as it is. */
export const renderProvidersFile = (file: ProvidersFile): string => `${JSON.stringify(file, null, 2)}\n`;

export type ProvidersFileStatus = 'up-to-date' | 'stale' | 'missing';

/** What `--check` decides: whether the committed text is exactly what the generator produces. */
export function providersFileStatus(committed: string | undefined, generated: string): ProvidersFileStatus {
  if (committed === undefined) return 'missing';
  return committed === generated ? 'up-to-date' : 'stale';
}
