import type { Provider, ProviderType } from '../directory/provider';
import type { InputFormat } from './input-format';
import type { RecordKind } from './record-kind';

/** One provider type's row of provider-types.json. */
export interface ProviderTypePolicy {
  /** How a sentence names the type, e.g. "community pharmacy". */
  readonly label: string;
  readonly formats: readonly InputFormat[];
  readonly recordKinds: readonly RecordKind[];
}

export type ProviderTypePolicies = Readonly<Record<ProviderType, ProviderTypePolicy>>;

type Sender = Pick<Provider, 'odsCode' | 'type' | 'status'>;

/** Who may publish what, and in which formats, by provider type. */
export interface PublishingPolicy {
  mayPublish(type: ProviderType, kind: RecordKind): boolean;
  mayUseFormat(type: ProviderType, format: InputFormat): boolean;
  /** Why `provider` may not publish a `kind` record, for a 403 the sender can act on; undefined when it may. */
  forbiddenReason(provider: Sender, kind: RecordKind): string | undefined;
  /** Why `provider` may not send `format`, naming the formats it may use; undefined when it may. */
  formatForbiddenReason(provider: Sender, format: InputFormat): string | undefined;
  recordKinds(type: ProviderType): readonly RecordKind[];
  formats(type: ProviderType): readonly InputFormat[];
}

export function publishingPolicy(types: ProviderTypePolicies): PublishingPolicy {
  const kinds = new Map(Object.entries(types).map(([type, p]) => [type, new Set<string>(p.recordKinds)]));
  const formats = new Map(Object.entries(types).map(([type, p]) => [type, new Set<string>(p.formats)]));
  const mayPublish = (type: ProviderType, kind: RecordKind) => kinds.get(type)?.has(kind) ?? false;
  const mayUseFormat = (type: ProviderType, format: InputFormat) => formats.get(type)?.has(format) ?? false;
  const named = (type: ProviderType) => withArticle(types[type].label);

  return {
    mayPublish,
    mayUseFormat,
    forbiddenReason(provider, kind) {
      if (provider.status !== 'ACTIVE') return inactive(provider);
      if (mayPublish(provider.type, kind)) return undefined;
      const who = named(provider.type);
      return `${provider.odsCode} is ${who}, and ${who} may not publish ${kind.replace(/-/g, ' ')} records`;
    },
    formatForbiddenReason(provider, format) {
      if (provider.status !== 'ACTIVE') return inactive(provider);
      if (mayUseFormat(provider.type, format)) return undefined;
      const who = named(provider.type);
      const allowed = types[provider.type].formats.join(' or ');
      return `${provider.odsCode} is ${who}, and ${who} may not send ${format} input (it may send ${allowed})`;
    },
    recordKinds: (type) => types[type].recordKinds,
    formats: (type) => types[type].formats,
  };
}

const inactive = (provider: Sender) =>
  `${provider.odsCode} is ${provider.status.toLowerCase()} in the provider directory and may not publish records`;

const withArticle = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
