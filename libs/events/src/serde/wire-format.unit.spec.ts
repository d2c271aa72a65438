import { CorruptPayloadError } from './errors';
import { decodeFrame, encodeFrame } from './wire-format';

describe('Confluent wire format', () => {
  it('given a schema id and payload, writes magic 0, the id big-endian, then the payload', () => {
    const frame = encodeFrame(0x01020304, Buffer.from([0xaa, 0xbb]));

    expect([...frame]).toEqual([0, 1, 2, 3, 4, 0xaa, 0xbb]);
  });

  it.each([0, 1, 258, 0x7fffffff, 0xffffffff])('round-trips schema id %i', (schemaId) => {
    const payload = Buffer.from('avro bytes');

    const decoded = decodeFrame(encodeFrame(schemaId, payload));

    expect(decoded.schemaId).toBe(schemaId);
    expect(decoded.payload.equals(payload)).toBe(true);
  });

  it('given a header and no payload, decodes an empty payload (a record with no fields encodes to nothing)', () => {
    expect(decodeFrame(Buffer.from([0, 0, 0, 0, 9]))).toEqual({ schemaId: 9, payload: Buffer.alloc(0) });
  });

  it.each([-1, 1.5, 0x100000000, Number.NaN])('given schema id %s, refuses to encode it', (schemaId) => {
    expect(() => encodeFrame(schemaId, Buffer.alloc(0))).toThrow(RangeError);
  });

  it.each([
    [0, 'empty'],
    [1, 'one byte'],
    [4, 'four bytes'],
  ])('given %i bytes (%s), says the frame is too short', (length) => {
    const corrupt = () => decodeFrame(Buffer.alloc(length));

    expect(corrupt).toThrow(CorruptPayloadError);
    expect(corrupt).toThrow(`${length} byte${length === 1 ? '' : 's'} is too short for the 5-byte header`);
  });

  it.each([1, 0x7b, 0xff])('given magic byte %i, names it as the problem', (magic) => {
    const corrupt = () => decodeFrame(Buffer.from([magic, 0, 0, 0, 1, 2]));

    expect(corrupt).toThrow(CorruptPayloadError);
    expect(corrupt).toThrow(`magic byte is ${magic}, expected 0`);
  });

  it('given plain JSON instead of a frame, rejects it by its magic byte', () => {
    expect(() => decodeFrame(Buffer.from('{"nhsNumber":"9434765919"}'))).toThrow('magic byte is 123');
  });
});
