import { CorruptPayloadError } from './errors';

/**
 * Confluent's wire format, which every Kafka client with a schema registry speaks: byte 0 is the magic byte 0,
 * bytes 1-4 the schema id as a big-endian unsigned 32-bit integer, then the Avro binary encoding of the value.
 */
export const MAGIC_BYTE = 0;
export const FRAME_HEADER_LENGTH = 5;
const MAX_SCHEMA_ID = 0xffff_ffff;

export interface Frame {
  readonly schemaId: number;
  /** A view into the framed buffer, not a copy. */
  readonly payload: Buffer;
}

export function encodeFrame(schemaId: number, avroBytes: Uint8Array): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > MAX_SCHEMA_ID) {
    throw new RangeError(`Schema id must be an integer from 0 to ${MAX_SCHEMA_ID}, got ${schemaId}`);
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + avroBytes.length);
  frame.writeUInt8(MAGIC_BYTE, 0);
  frame.writeUInt32BE(schemaId, 1);
  frame.set(avroBytes, FRAME_HEADER_LENGTH);
  return frame;
}

export function decodeFrame(buf: Buffer): Frame {
  if (buf.length < FRAME_HEADER_LENGTH) {
    throw new CorruptPayloadError(
      `${buf.length} byte${buf.length === 1 ? '' : 's'} is too short for the ${FRAME_HEADER_LENGTH}-byte header ` +
        '(magic byte and schema id)',
    );
  }
  const magic = buf.readUInt8(0);
  if (magic !== MAGIC_BYTE) {
    throw new CorruptPayloadError(
      `magic byte is ${magic}, expected ${MAGIC_BYTE} (not written with a schema registry serializer)`,
    );
  }
  return { schemaId: buf.readUInt32BE(1), payload: buf.subarray(FRAME_HEADER_LENGTH) };
}
