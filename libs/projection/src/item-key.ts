import type { ItemKey } from './record-item';

/** Orders item keys by providerOdsCode, sourceRecordId, then part, each by UTF-16 code unit. */
export function compareItemKeys(a: ItemKey, b: ItemKey): number {
  return (
    compareCodeUnits(a.providerOdsCode, b.providerOdsCode) ||
    compareCodeUnits(a.sourceRecordId, b.sourceRecordId) ||
    compareCodeUnits(a.part, b.part)
  );
}

/** A map key for an item key; JSON so that no id containing a separator can collide with another. */
export function itemKeyString(key: ItemKey): string {
  return JSON.stringify([key.providerOdsCode, key.sourceRecordId, key.part]);
}

/**
 * Compares strings by UTF-16 code unit, as `<` does, rather than by locale (localeCompare), whose order depends on
 * the machine's ICU data and would make "deterministic" orders differ between hosts.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
