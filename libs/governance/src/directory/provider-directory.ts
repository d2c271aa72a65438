import type { PublishingPolicy } from '../publishing/publishing-policy';
import { canonicalOdsCode } from './ods-code';
import {
  ICS_CODES,
  PROVIDER_TYPES,
  type Collaborative,
  type CollaborativeCode,
  type Council,
  type Ics,
  type IcsCode,
  type Provider,
  type ProviderType,
} from './provider';

export interface ProviderFilter {
  readonly ics?: IcsCode;
  readonly collaborative?: CollaborativeCode;
  readonly type?: ProviderType;
}

export interface DirectoryCounts {
  readonly total: number;
  readonly byType: Readonly<Record<ProviderType, number>>;
  readonly byIcs: Readonly<Record<IcsCode, number>>;
  readonly byIcsAndType: Readonly<Record<IcsCode, Readonly<Record<ProviderType, number>>>>;
}

/** The validated directory: every provider Crosscare accepts record changes from, and what each may publish. */
export interface ProviderDirectory {
  /** The directory release (providers.json `version`), for logs and the health endpoint. */
  readonly version: string;
  /** The onboarding waves applied on top of the release, in the order read. */
  readonly onboardingWaves: readonly string[];
  readonly policy: PublishingPolicy;
  /** The provider with this ODS code, whatever its case; undefined when Crosscare does not know it. */
  provider(odsCode: string): Provider | undefined;
  providers(filter?: ProviderFilter): readonly Provider[];
  ics(code: string): Ics | undefined;
  icss(): readonly Ics[];
  collaboratives(): readonly Collaborative[];
  counts(): DirectoryCounts;
  /** The council a LOCAL_AUTHORITY provider is; undefined for any other provider. */
  councilFor(odsCode: string): Council | undefined;
}

export interface DirectoryContents {
  readonly version: string;
  readonly onboardingWaves: readonly string[];
  readonly collaboratives: readonly Collaborative[];
  readonly icss: readonly Ics[];
  readonly providers: readonly Provider[];
  readonly policy: PublishingPolicy;
}

/** Indexes already validated contents (see assembleDirectory); does no checking of its own. */
export function providerDirectory(contents: DirectoryContents): ProviderDirectory {
  const byCode = new Map(contents.providers.map((p) => [p.odsCode, p]));
  const icsByCode = new Map(contents.icss.map((i) => [i.code as string, i]));
  const councils = new Map(contents.icss.flatMap((i) => i.councils.map((c) => [c.code, c] as const)));
  const counts = countProviders(contents.providers);

  return {
    version: contents.version,
    onboardingWaves: contents.onboardingWaves,
    policy: contents.policy,
    provider: (odsCode) => byCode.get(canonicalOdsCode(odsCode)),
    providers: (filter = {}) =>
      contents.providers.filter(
        (p) =>
          (filter.ics === undefined || p.ics === filter.ics) &&
          (filter.collaborative === undefined || p.collaborative === filter.collaborative) &&
          (filter.type === undefined || p.type === filter.type),
      ),
    ics: (code) => icsByCode.get(code),
    icss: () => contents.icss,
    collaboratives: () => contents.collaboratives,
    counts: () => counts,
    councilFor(odsCode) {
      const provider = byCode.get(canonicalOdsCode(odsCode));
      if (provider?.type !== 'LOCAL_AUTHORITY' || provider.councilCode === undefined) return undefined;
      return councils.get(provider.councilCode);
    },
  };
}

function countProviders(providers: readonly Provider[]): DirectoryCounts {
  const zeroByType = () =>
    Object.fromEntries(PROVIDER_TYPES.map((t) => [t, 0])) as Record<ProviderType, number>;
  const byType = zeroByType();
  const byIcs = Object.fromEntries(ICS_CODES.map((i) => [i, 0])) as Record<IcsCode, number>;
  const byIcsAndType = Object.fromEntries(ICS_CODES.map((i) => [i, zeroByType()])) as Record<
    IcsCode,
    Record<ProviderType, number>
  >;
  for (const p of providers) {
    byType[p.type]++;
    byIcs[p.ics]++;
    byIcsAndType[p.ics][p.type]++;
  }
  return { total: providers.length, byType, byIcs, byIcsAndType };
}
