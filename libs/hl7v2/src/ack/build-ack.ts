import { randomBytes } from 'node:crypto';
import type { InputIssue } from '@crosscare/events';
import { Hl7Context, Hl7Message, Hl7Segment } from '@medplum/core';
import { escapeEr7 } from '../er7/er7-escaping';
import { parseEr7 } from '../er7/parse-er7';
import { SegmentReader } from '../er7/segment-reader';
import { formatHl7Instant } from '../time/hl7-timestamp';
import {
  HL7_ERROR_CODES,
  hl7ErrorCode,
  parseErrorLocation,
  rejectsWholeMessage,
  type Hl7ErrorCode,
} from './hl7-error-codes';

/** Why a message was rejected (AR) for reasons other than its content. ERR-5 carries the code, upper case. */
export type AckRejectReason =
  /** MSH-8 missing or not a valid credential. Do not resend until the credential is fixed. */
  | 'unauthenticated'
  /** The credential is valid but may not send this (e.g. for another organisation). Do not resend as is. */
  | 'forbidden'
  /** Crosscare cannot accept messages now (e.g. its broker is down). Resend later: nothing was recorded. */
  | 'unavailable'
  /** Crosscare failed on this message. Resend a few times, then ask the Crosscare service desk. */
  | 'internal-error'
  /** The frame is over the size limit. */
  | 'too-large'
  /** Not an HL7 v2 message. */
  | 'unparseable'
  /** The frame began but did not end within the frame timeout (MLLP). */
  | 'incomplete';

/** What Crosscare did with a message. */
export type AckOutcome =
  /** AA: every record change was accepted; MSA-3 lists the event ids. */
  | { readonly kind: 'accepted'; readonly eventIds?: readonly string[] }
  /** AE, one ERR per issue (AR when an issue rejects the whole message: unreadable, processing id, version). */
  | { readonly kind: 'invalid'; readonly issues: readonly InputIssue[] }
  /** AR. `detail` goes into ERR-8 and must never hold the credential. */
  | { readonly kind: 'rejected'; readonly reason: AckRejectReason; readonly detail?: string };

export interface AckOptions {
  /** The ACK's MSH-7, epoch milliseconds; default now. */
  readonly now?: number;
  /** The ACK's own MSH-10; default a random 16-character id. */
  readonly controlId?: string;
}

const CROSSCARE_APPLICATION = 'CROSSCARE';
/** Longest header value echoed back (MSH-3 to MSH-6, MSH-10): longer than any HD or ST field HL7 allows, so a
 * value this long is not a real one, and it is left out rather than sent back. */
const MAX_ECHOED_FIELD = 227;
/** Longest ERR-8 text: issue texts may quote a value the sender sent, and an ACK is not the place for all of it. */
const MAX_ERROR_TEXT = 500;
const DEFAULT_VERSION = '2.5.1';

const REJECT_MESSAGES: Record<AckRejectReason, { location: string; text: string }> = {
  unauthenticated: {
    location: 'MSH-8',
    text: 'the sender could not be authenticated: MSH-8 must carry a valid credential',
  },
  forbidden: { location: 'MSH-4', text: 'the authenticated sender may not send this message' },
  unavailable: {
    location: 'MSH',
    text: 'Crosscare cannot accept messages now; nothing was recorded: resend later',
  },
  'internal-error': {
    location: 'MSH',
    text: 'Crosscare failed to process the message; nothing was recorded',
  },
  'too-large': { location: 'MSH', text: 'the message is over the size limit' },
  unparseable: { location: 'MSH', text: 'not a readable HL7 v2 message' },
  incomplete: { location: 'MSH', text: 'the message did not end in time; nothing was recorded' },
};

/**
 * The HL7 v2 ACK (ER7 text) for a message: MSH, MSA and, unless accepted, one ERR per problem. The message may be
 * raw text that does not parse: the answer is then an AR built from a minimal MSH. MSH-8 (the sender's credential)
 * is never copied into the ACK.
 */
export function buildAck(
  message: Hl7Message | string,
  outcome: AckOutcome,
  options: AckOptions = {},
): string {
  const parsed = typeof message === 'string' ? parseEr7(message) : { ok: true as const, value: message };
  if (!parsed.ok) {
    // Nothing of a message that does not parse is echoed: the AR says why in Crosscare's words only.
    const rejection: AckOutcome =
      outcome.kind === 'rejected'
        ? outcome
        : { kind: 'rejected', reason: 'unparseable', detail: parsed.issues[0]?.message };
    return ackText(null, rejection, options);
  }
  return ackText(parsed.value, outcome, options);
}

function ackText(original: Hl7Message | null, outcome: AckOutcome, options: AckOptions): string {
  const context = original?.context ?? new Hl7Context();
  const msh = original && SegmentReader.first(original, 'MSH');
  const raw = (field: number) => echoable(msh?.rawField(field) ?? '', MAX_ECHOED_FIELD);
  // Echoed only in the shapes HL7 gives them: anything else is not worth repeating to the sender.
  const version = /^2\.\d(\.\d)?$/.exec(msh?.text(12) ?? '')?.[0] ?? DEFAULT_VERSION;
  const trigger = /^[A-Z0-9]{3}$/.exec(msh?.text(9, 2) ?? '')?.[0] ?? '';
  const c = context.componentSeparator;

  const header = new Hl7Segment(
    [
      'MSH',
      context.getMsh2(),
      raw(5) || CROSSCARE_APPLICATION, // we answer as the application the sender addressed
      raw(6),
      raw(3),
      raw(4),
      formatHl7Instant(options.now ?? Date.now()),
      '', // MSH-8: never echo the sender's credential
      ackMessageType(trigger, version, c),
      options.controlId ?? randomBytes(8).toString('hex').toUpperCase(),
      /^[A-Z]$/.exec(msh?.text(11) ?? '')?.[0] ?? 'P',
      version,
    ],
    context,
  );

  const controlId = msh ? escapeEr7(echoable(msh.text(10), MAX_ECHOED_FIELD), context) : '';
  const { code, text, errors } = acknowledgement(outcome);
  const segments = [
    header,
    new Hl7Segment(['MSA', code, controlId, escapeEr7(text, context)], context),
    ...errors.map((error) => errSegment(error, context)),
  ];
  return new Hl7Message(segments, context).toString();
}

interface AckError {
  readonly location: string;
  readonly code: Hl7ErrorCode;
  readonly message: string;
  readonly applicationCode: string | null;
}

function acknowledgement(outcome: AckOutcome): {
  code: 'AA' | 'AE' | 'AR';
  text: string;
  errors: AckError[];
} {
  switch (outcome.kind) {
    case 'accepted': {
      const ids = outcome.eventIds ?? [];
      return { code: 'AA', text: ids.length > 0 ? `accepted ${ids.join(' ')}` : 'accepted', errors: [] };
    }
    case 'invalid':
      return {
        code: rejectsWholeMessage(outcome.issues) ? 'AR' : 'AE',
        text: `${outcome.issues.length} problem${outcome.issues.length === 1 ? '' : 's'}: see ERR`,
        errors: outcome.issues.map((issue) => ({
          location: issue.location,
          code: hl7ErrorCode(issue),
          message: issue.message,
          applicationCode: null,
        })),
      };
    case 'rejected': {
      const { location, text } = REJECT_MESSAGES[outcome.reason];
      const message = outcome.detail ? `${text}: ${outcome.detail}` : text;
      const code =
        outcome.reason === 'unparseable'
          ? HL7_ERROR_CODES.segmentSequenceError
          : HL7_ERROR_CODES.applicationInternalError;
      return {
        code: 'AR',
        text: message,
        errors: [
          { location, code, message, applicationCode: outcome.reason.toUpperCase().replace('-', '_') },
        ],
      };
    }
  }
}

/** v2.3 ACKs name the trigger in MSH-9; from v2.3.1 the message structure (ACK) too. */
function ackMessageType(trigger: string, version: string, componentSeparator: string): string {
  if (!trigger) return 'ACK';
  return version === '2.3'
    ? ['ACK', trigger].join(componentSeparator)
    : ['ACK', trigger, 'ACK'].join(componentSeparator);
}

/**
 * ERR with both the v2.3/2.4 field (ERR-1, ELD) and the v2.5 fields (ERR-2 location, ERR-3 code, ERR-4 severity,
 * ERR-5 Crosscare's reason for an AR, ERR-8 text for a person), so senders on any supported version can read it.
 */
function errSegment(error: AckError, context: Hl7Context): Hl7Segment {
  const c = context.componentSeparator;
  const s = context.subcomponentSeparator;
  const location = parseErrorLocation(error.location);
  const segment = location?.segment ?? '';
  const field = location?.field?.toString() ?? '';
  const component = location?.component?.toString() ?? '';
  const codedError = [error.code.code, error.code.text, 'HL70357'];
  return new Hl7Segment(
    [
      'ERR',
      location ? joinComponents([segment, '1', field, codedError.join(s)], c) : '',
      location ? joinComponents([segment, '1', field, field ? '1' : '', component], c) : '',
      codedError.join(c),
      'E',
      error.applicationCode ?? '',
      '',
      '',
      escapeEr7(shortened(error.message, MAX_ERROR_TEXT), context),
    ],
    context,
  );
}

/** Components joined, without the trailing empty ones HL7 says to leave out. */
function joinComponents(components: string[], separator: string): string {
  let end = components.length;
  while (end > 0 && components[end - 1] === '') end--;
  return components.slice(0, end).join(separator);
}

function echoable(value: string, max: number): string {
  return value.length <= max ? value : '';
}

function shortened(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
