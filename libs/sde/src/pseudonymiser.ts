import { createHmac } from 'node:crypto';

/** Below this a key could be guessed; HMAC-SHA256's own block is 64 bytes, its output 32. */
export const MIN_KEY_BYTES = 32;

/**
 * Keyed pseudonyms for one project: HMAC-SHA256 under the project's secret key, of a value labelled with what it is,
 * cut to 128 bits and written as 28 lower-case letters. The same NHS number always has the same pseudonym within a project, so its
 * rows link; another project's key gives an unrelated one, so two projects' data cannot be joined on it. Without
 * the key a pseudonym cannot be recomputed from an NHS number (unlike a plain hash of a 10-digit number, which
 * anyone can reverse by trying all 10^9 valid numbers).
 *
 * The labels keep kinds apart: a record id that happened to equal an NHS number does not share its pseudonym.
 *
 * Letters only, never digits: hex would hold runs of ten digits that pass the NHS number check now and then, which a
 * research environment's identifier scan rightly flags; a pseudonym of letters can never look like an NHS number.
 */
export class Pseudonymiser {
  constructor(private readonly key: Buffer) {
    if (key.length < MIN_KEY_BYTES)
      throw new Error(
        `a pseudonymisation key must be at least ${MIN_KEY_BYTES} bytes (this one is ${key.length})`,
      );
  }

  /** The patient's pseudonym within the project. */
  patient(nhsNumber: string): string {
    return this.hmac(`patient\u0000${nhsNumber}`);
  }

  /** A source record's pseudonym: the provider's id is only unique with the provider. */
  record(providerOdsCode: string, sourceRecordId: string): string {
    return this.hmac(`record\u0000${providerOdsCode}\u0000${sourceRecordId}`);
  }

  /** An event's pseudonym: the row's id, stable across redeliveries of the same event. */
  event(eventId: string): string {
    return this.hmac(`event\u0000${eventId}`);
  }

  private hmac(value: string): string {
    const digest = createHmac('sha256', this.key).update(value, 'utf8').digest();
    return lettersOf(BigInt(`0x${digest.subarray(0, 16).toString('hex')}`));
  }
}

/** 26^28 > 2^128: 28 letters hold any 128-bit number. */
const PSEUDONYM_LENGTH = 28;

function lettersOf(value: bigint): string {
  let text = '';
  for (let i = 0; i < PSEUDONYM_LENGTH; i++) {
    text = String.fromCharCode(97 + Number(value % 26n)) + text;
    value /= 26n;
  }
  return text;
}
