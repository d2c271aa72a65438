import { publishingPolicy } from '../publishing/publishing-policy';
import { ENCOUNTER_KINDS } from '../publishing/record-kind';
import { DirectoryError, type DirectoryProblem } from './directory-error';
import type {
  OnboardingFile,
  ProviderEntry,
  ProvidersFile,
  ProviderTypesFile,
  RegionsFile,
  Sourced,
} from './directory-files';
import { odsCodeProblem } from './ods-code';
import { PROVIDER_TYPES, type Collaborative, type Ics, type Provider } from './provider';
import { providerDirectory, type ProviderDirectory } from './provider-directory';

/** The directory's files, each already parsed against its schema. */
export interface DirectorySources {
  readonly regions: Sourced<RegionsFile>;
  readonly providers: Sourced<ProvidersFile>;
  readonly providerTypes: Sourced<ProviderTypesFile>;
  readonly onboarding: readonly Sourced<OnboardingFile>[];
}

/**
 * Onboarding files exist so that community pharmacies, hundreds of near-identical small providers arriving in
 * waves, can join by configuration alone. Every other type changes what the directory release is (a new trust,
 * a council, a practice merger) and goes through the reviewed, versioned providers.json instead.
 */
const ONBOARDING_TYPE = 'COMMUNITY_PHARMACY';

/** Checks what no single file's schema can (unique codes, known ICSs and councils, coherent policy) and indexes. */
export function assembleDirectory(sources: DirectorySources): ProviderDirectory {
  const problems: DirectoryProblem[] = [];
  const { icss, collaboratives } = readRegions(sources.regions, problems);
  checkPolicy(sources.providerTypes, problems);

  const providers: Provider[] = [];
  const seen = new Map<string, string>();
  const councilsTaken = new Map<string, string>();
  const add = (file: string, entries: readonly ProviderEntry[], onboarding: boolean) =>
    entries.forEach((entry, index) => {
      const element = `providers[${index}] (${entry.odsCode})`;
      const problem = (reason: string) => problems.push({ file, element, reason });
      const here = `${file} ${element}`;

      if (onboarding && entry.type !== ONBOARDING_TYPE) {
        problem(
          `onboarding files may only add ${ONBOARDING_TYPE} providers, not ${entry.type}; ` +
            'other types join through a directory release (providers.json)',
        );
      }
      const shape = odsCodeProblem(entry.odsCode, entry.type);
      if (shape !== undefined) problem(shape);
      const first = seen.get(entry.odsCode);
      if (first !== undefined) problem(`duplicate ODS code ${entry.odsCode}, already listed at ${first}`);
      else seen.set(entry.odsCode, here);

      const ics = icss.find((i) => i.code === entry.ics);
      if (ics === undefined) {
        problem(`unknown ICS "${entry.ics}" (regions.json has ${icss.map((i) => i.code).join(', ')})`);
        return;
      }
      if (entry.type === 'LOCAL_AUTHORITY') {
        if (entry.councilCode === undefined) {
          problem('a LOCAL_AUTHORITY provider needs the ONS councilCode of the council it is');
        } else if (!ics.councils.some((c) => c.code === entry.councilCode)) {
          problem(`council ${entry.councilCode} is not a council of ${ics.code} in regions.json`);
        } else if (councilsTaken.has(entry.councilCode)) {
          problem(`council ${entry.councilCode} is already ${councilsTaken.get(entry.councilCode)}`);
        } else {
          councilsTaken.set(entry.councilCode, here);
        }
      } else if (entry.councilCode !== undefined) {
        problem(`only a LOCAL_AUTHORITY provider has a councilCode, not a ${entry.type}`);
      }
      providers.push({
        odsCode: entry.odsCode,
        name: entry.name,
        type: entry.type,
        ics: ics.code,
        collaborative: ics.collaborative,
        ...(entry.councilCode === undefined ? {} : { councilCode: entry.councilCode }),
        status: entry.status,
      });
    });

  add(sources.providers.file, sources.providers.data.providers, false);
  const waves = new Map<string, string>();
  for (const wave of sources.onboarding) {
    const earlier = waves.get(wave.data.wave);
    if (earlier !== undefined) {
      problems.push({
        file: wave.file,
        element: 'wave',
        reason: `wave "${wave.data.wave}" is already onboarded by ${earlier}`,
      });
    }
    waves.set(wave.data.wave, wave.file);
    add(wave.file, wave.data.providers, true);
  }

  if (problems.length > 0) throw new DirectoryError(problems);
  return providerDirectory({
    version: sources.providers.data.version,
    onboardingWaves: sources.onboarding.map((w) => w.data.wave),
    collaboratives,
    icss,
    providers,
    policy: publishingPolicy(sources.providerTypes.data.types),
  });
}

function readRegions(
  { file, data }: Sourced<RegionsFile>,
  problems: DirectoryProblem[],
): { icss: Ics[]; collaboratives: Collaborative[] } {
  const icss: Ics[] = [];
  const collaboratives: Collaborative[] = [];
  const councilCodes = new Set<string>();
  data.collaboratives.forEach((collaborative, c) => {
    const at = `collaboratives[${c}]`;
    if (collaboratives.some((x) => x.code === collaborative.code)) {
      problems.push({ file, element: `${at}.code`, reason: `duplicate collaborative ${collaborative.code}` });
    }
    collaborative.ics.forEach((ics, i) => {
      if (icss.some((x) => x.code === ics.code)) {
        problems.push({ file, element: `${at}.ics[${i}].code`, reason: `ICS ${ics.code} is listed twice` });
      }
      ics.councils.forEach((council, k) => {
        if (councilCodes.has(council.code)) {
          problems.push({
            file,
            element: `${at}.ics[${i}].councils[${k}].code`,
            reason: `council ${council.code} is listed twice`,
          });
        }
        councilCodes.add(council.code);
      });
      icss.push({
        code: ics.code,
        name: ics.name,
        collaborative: collaborative.code,
        councils: ics.councils,
      });
    });
    collaboratives.push({
      code: collaborative.code,
      name: collaborative.name,
      ics: collaborative.ics.map((i) => i.code),
    });
  });
  return { icss, collaboratives };
}

/** Policies that would strand records: an encounter that can never be ended, a record that can never be removed. */
function checkPolicy({ file, data }: Sourced<ProviderTypesFile>, problems: DirectoryProblem[]): void {
  for (const type of PROVIDER_TYPES) {
    const kinds = data.types[type].recordKinds;
    const element = `types.${type}.recordKinds`;
    const opens = kinds.filter((k) => ENCOUNTER_KINDS.includes(k));
    if (opens.length > 0 && !kinds.includes('encounter-outcome')) {
      problems.push({
        file,
        element,
        reason: `may start encounters (${opens.join(', ')}) but not end them: add encounter-outcome`,
      });
    }
    if (kinds.length > 0 && !kinds.includes('removal')) {
      problems.push({
        file,
        element,
        reason: 'may publish records but not remove them (entered in error, wrong patient): add removal',
      });
    }
  }
}
