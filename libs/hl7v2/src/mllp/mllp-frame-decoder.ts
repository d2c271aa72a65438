/** MLLP framing: <VT> message <FS><CR>. */
export const MLLP_START_BLOCK = 0x0b;
export const MLLP_END_BLOCK = 0x1c;
export const MLLP_CARRIAGE_RETURN = 0x0d;

/** What the decoder found in the bytes received so far. */
export type MllpFrame =
  /** A whole message, framing removed. */
  | { readonly kind: 'message'; readonly payload: Buffer }
  /**
   * A frame grew past the limit before it ended. `head` is its first bytes (enough for MSH, so the reject can name
   * the control id); the decoder then takes nothing more, since the stream can no longer be trusted.
   */
  | { readonly kind: 'oversize'; readonly head: Buffer };

/** Bytes of an oversize frame kept to answer it: an MSH segment is rarely longer. */
const HEAD_BYTES = 1024;

/**
 * Splits a TCP byte stream into MLLP frames. Bytes between frames (the CR after FS, keep-alive newlines) are
 * skipped; a frame split across reads, or several frames in one read, come out whole and in order.
 */
export class MllpFrameDecoder {
  private parts: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  private stopped = false;

  constructor(private readonly maxMessageBytes: number) {}

  /** Whether a frame has begun and not yet ended (a sender that stops here holds the connection). */
  get midFrame(): boolean {
    return this.inFrame && !this.stopped;
  }

  push(chunk: Buffer): MllpFrame[] {
    const frames: MllpFrame[] = [];
    let offset = 0;
    while (!this.stopped && offset < chunk.length) {
      if (!this.inFrame) {
        const start = chunk.indexOf(MLLP_START_BLOCK, offset);
        if (start === -1) break;
        this.inFrame = true;
        offset = start + 1;
      }
      const end = chunk.indexOf(MLLP_END_BLOCK, offset);
      const piece = chunk.subarray(offset, end === -1 ? chunk.length : end);
      this.parts.push(piece);
      this.size += piece.length;
      if (this.size > this.maxMessageBytes) {
        frames.push({ kind: 'oversize', head: Buffer.concat(this.parts).subarray(0, HEAD_BYTES) });
        this.stopped = true;
        this.parts = [];
        break;
      }
      if (end === -1) break;
      frames.push({ kind: 'message', payload: Buffer.concat(this.parts, this.size) });
      this.parts = [];
      this.size = 0;
      this.inFrame = false;
      offset = end + 1;
    }
    return frames;
  }
}

/** A message framed for MLLP. */
export function mllpFrame(payload: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([MLLP_START_BLOCK]),
    payload,
    Buffer.from([MLLP_END_BLOCK, MLLP_CARRIAGE_RETURN]),
  ]);
}
