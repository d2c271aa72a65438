import {
  ICS_CODES,
  type IcsCode,
  type Provider,
  type ProviderDirectory,
  type ProviderType,
} from '@crosscare/governance';
import type { Service } from '../catalogue/services';
import { ICS_PROFILES } from './places';

/**
 * Finds the providers that serve a patient: in the home ICS when it has one of the kind, otherwise in the nearest
 * neighbour that does (the West Midlands has one ambulance trust, and not every ICS has a community or specialist
 * trust). Only ACTIVE providers are offered, so every event names a provider Crosscare accepts records from.
 */
export class ProviderLocator {
  private readonly active: readonly Provider[];
  private readonly cache = new Map<string, readonly Provider[]>();

  constructor(readonly directory: ProviderDirectory) {
    this.active = directory.providers().filter((p) => p.status === 'ACTIVE');
  }

  /** Active providers of `type` in `ics`, optionally only those whose name matches. */
  inIcs(type: ProviderType, ics: IcsCode, named?: RegExp): readonly Provider[] {
    return this.cached(`in|${type}|${ics}|${named?.source ?? ''}`, () =>
      this.active.filter(
        (p) => p.type === type && p.ics === ics && (named === undefined || named.test(p.name)),
      ),
    );
  }

  /** The candidates of `type` from the nearest ICS, counting from `ics`, that has any; empty when none has. */
  nearest(type: ProviderType, ics: IcsCode, named?: RegExp): readonly Provider[] {
    return this.cached(`near|${type}|${ics}|${named?.source ?? ''}`, () => {
      for (const candidate of searchOrder(ics)) {
        const found = this.inIcs(type, candidate, named);
        if (found.length > 0) return found;
      }
      return [];
    });
  }

  /** The candidates for a service near `ics`: its preferred kind of provider first. */
  serving(service: Service, ics: IcsCode): readonly Provider[] {
    for (const preference of service.providers) {
      const found = this.nearest(preference.type, ics, preference.named);
      if (found.length > 0) return found;
    }
    return [];
  }

  /** The council (LOCAL_AUTHORITY provider) with this ONS code, else the nearest council to `ics`. */
  council(councilCode: string, ics: IcsCode): Provider | undefined {
    return (
      this.active.find((p) => p.type === 'LOCAL_AUTHORITY' && p.councilCode === councilCode) ??
      this.nearest('LOCAL_AUTHORITY', ics)[0]
    );
  }

  private cached(key: string, find: () => readonly Provider[]): readonly Provider[] {
    let found = this.cache.get(key);
    if (found === undefined) {
      found = find();
      this.cache.set(key, found);
    }
    return found;
  }
}

/** `ics`, then its neighbours nearest first, then every other ICS, so a search always ends. */
function searchOrder(ics: IcsCode): readonly IcsCode[] {
  const order: IcsCode[] = [ics, ...ICS_PROFILES[ics].neighbours];
  for (const other of ICS_CODES) if (!order.includes(other)) order.push(other);
  return order;
}
