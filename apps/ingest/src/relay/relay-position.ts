import { RELAY_START, type RelayPosition } from '../storage/ingest-outbox';

/**
 * The relay's position as the metadata of a consumer-group offset: `{"xid":"…","id":"…"}`. The offset itself is the
 * row id, so `kafka-consumer-groups --describe` shows how far the relay has come. Pure, so it is tested alone.
 */
export function positionMetadata(position: RelayPosition): string {
  return JSON.stringify({ xid: String(position.xid), id: String(position.id) });
}

/**
 * The position a committed offset's metadata holds; the start when the group has no offset (a new deployment, or
 * one idle past the broker's offsets.retention.minutes, when every published row has long been deleted anyway).
 */
export function positionFromMetadata(offset: string, metadata: string | null): RelayPosition {
  if (offset === '-1' && !metadata) return RELAY_START;
  try {
    const parsed = JSON.parse(metadata ?? '') as { xid?: unknown; id?: unknown };
    if (
      typeof parsed.xid === 'string' &&
      typeof parsed.id === 'string' &&
      /^\d+$/.test(parsed.xid + parsed.id)
    )
      return { xid: BigInt(parsed.xid), id: BigInt(parsed.id) };
  } catch {
    // reported below
  }
  throw new Error(
    `the ingest relay's committed position is not one it wrote (offset ${offset}, metadata ${JSON.stringify(metadata)}): ` +
      'refusing to guess where publishing should resume',
  );
}

/** Later of two positions, in relay order. */
export function isAfter(a: RelayPosition, b: RelayPosition): boolean {
  return a.xid > b.xid || (a.xid === b.xid && a.id > b.id);
}
