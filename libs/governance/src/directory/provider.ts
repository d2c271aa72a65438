/**
 * The provider directory's vocabulary: who may send record changes to Crosscare, and where they sit in the West
 * Midlands' two shared care record collaboratives.
 */

/** Kinds of provider organisation; each has its own publishing policy (provider-types.json). */
export const PROVIDER_TYPES = [
  'GP_PRACTICE',
  'ACUTE_TRUST',
  'MENTAL_HEALTH_TRUST',
  'COMMUNITY_TRUST',
  'SPECIALIST_TRUST',
  'AMBULANCE_TRUST',
  'HOSPICE',
  'CARE_HOME',
  'LOCAL_AUTHORITY',
  'COMMUNITY_PHARMACY',
] as const;

export type ProviderType = (typeof PROVIDER_TYPES)[number];

/**
 * The six integrated care systems, by ICB ODS code. A union rather than a string: a new ICS changes header values
 * every consumer routes on, so it should be a reviewed code change, not only a data change.
 */
export const ICS_CODES = ['QHL', 'QWU', 'QGH', 'QOC', 'QUA', 'QNC'] as const;
export type IcsCode = (typeof ICS_CODES)[number];

export const COLLABORATIVE_CODES = ['CCR', 'OHC'] as const;
export type CollaborativeCode = (typeof COLLABORATIVE_CODES)[number];

/** INACTIVE keeps a closed organisation's code reserved (its past records still name it) while refusing new ones. */
export const PROVIDER_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

/** A local authority (council), by its ONS code. */
export interface Council {
  /** ONS code, e.g. E08000025 for Birmingham. */
  readonly code: string;
  readonly name: string;
}

export interface Ics {
  readonly code: IcsCode;
  readonly name: string;
  readonly collaborative: CollaborativeCode;
  readonly councils: readonly Council[];
}

export interface Collaborative {
  readonly code: CollaborativeCode;
  readonly name: string;
  readonly ics: readonly IcsCode[];
}

export interface Provider {
  /** ODS code, uppercase; the identity a provider authenticates as. */
  readonly odsCode: string;
  readonly name: string;
  readonly type: ProviderType;
  readonly ics: IcsCode;
  /** Derived from the ICS (regions.json), never stored per provider, so the two cannot disagree. */
  readonly collaborative: CollaborativeCode;
  /** ONS code of the council a LOCAL_AUTHORITY provider is; absent for every other type. */
  readonly councilCode?: string;
  readonly status: ProviderStatus;
}
