import type { ItemKey } from './record-item';

/*
 * Keys of the item-level changelog. Compaction keeps the latest message per key, so each item has a key of its own
 * and each patient one more for its head. Plain strings, readable in any Kafka tool: the head's key is the NHS number;
 * an item's is the NHS number, provider, source record id and part, separated by '|', each component but the NHS
 * number percent-encoded (encodeURIComponent) so that no id containing '|' can collide with another.
 */

const SEPARATOR = '|';

/** The key of a patient's head, or of one of its items. */
export function changelogKey(nhsNumber: string, item?: ItemKey): string {
  if (!item) return nhsNumber;
  return [nhsNumber, item.providerOdsCode, item.sourceRecordId, item.part]
    .map((component, i) => (i === 0 ? component : encodeURIComponent(component)))
    .join(SEPARATOR);
}

/** What a changelog key names; throws on a key no Crosscare projector writes. */
export function parseChangelogKey(key: string): { readonly nhsNumber: string; readonly item?: ItemKey } {
  const components = key.split(SEPARATOR);
  if (components.length === 1 && components[0] !== '') return { nhsNumber: components[0] };
  if (components.length !== 4 || components.some((c) => c === ''))
    throw new Error(
      `"${key}" is not a changelog key: expected an NHS number, or NHS number|provider|source record id|part`,
    );
  const [nhsNumber, providerOdsCode, sourceRecordId, part] = components.map((c, i) =>
    i === 0 ? c : decodeURIComponent(c),
  );
  return { nhsNumber, item: { providerOdsCode, sourceRecordId, part } };
}

/** The NHS number a changelog key belongs to: what the topic is partitioned by. */
export function patientOfChangelogKey(key: string): string {
  const end = key.indexOf(SEPARATOR);
  return end < 0 ? key : key.slice(0, end);
}
