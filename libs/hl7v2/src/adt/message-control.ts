import type { Hl7Message } from '@medplum/core';
import { mapped, rejected, type MappingResult } from '@crosscare/events';
import { parseEr7 } from '../er7/parse-er7';
import { SegmentReader } from '../er7/segment-reader';
import { parseHl7Instant } from '../time/hl7-timestamp';
import {
  isSupportedAdtTriggerEvent,
  SUPPORTED_ADT_TRIGGER_EVENTS,
  type AdtTriggerEvent,
} from './adt-trigger-events';
import { requiredIssue, unsupportedIssue, valueIssue, type IssueList } from './issues';

/** HL7 v2 versions whose ADT messages Crosscare reads (MSH-12). */
export const SUPPORTED_HL7_VERSIONS = ['2.3', '2.3.1', '2.4', '2.5', '2.5.1'] as const;

/** What the MSH segment says about a message: who sent it, what it is, and the credential it carries. */
export interface MessageControl {
  /** MSH-10: echoed in MSA-2 of the ACK so the sender can match it. */
  readonly controlId: string;
  /** MSH-3, namespace id. */
  readonly sendingApplication: string;
  /** MSH-4, namespace id: the sending organisation (for a trust, usually its ODS code). */
  readonly sendingFacility: string;
  /** MSH-9.1: ADT, or ORU for results. */
  readonly messageType: 'ADT' | 'ORU';
  /** MSH-9.2: an ADT trigger event, or R01 (unsolicited observation result) for ORU. */
  readonly triggerEvent: AdtTriggerEvent | typeof ORU_TRIGGER_EVENT;
  /** MSH-12. */
  readonly version: string;
  /** MSH-11: P production, T training, D debugging. */
  readonly processingId: string;
  /** MSH-7 as epoch milliseconds. */
  readonly sentAt: number;
  /**
   * MSH-8 (Security): the sender's credential, since MLLP has no headers to carry one. The app must verify it and
   * must never log or echo it (see redactSecurity); null when the sender sent none.
   */
  readonly security: string | null;
}

export interface MessageControlOptions {
  /** MSH-11 processing ids accepted; others are rejected (AR). Default: production only, ['P']. */
  readonly acceptedProcessingIds?: readonly string[];
}

/** The one ORU trigger event Crosscare takes: R01, results sent unsolicited (how pathology systems send them). */
export const ORU_TRIGGER_EVENT = 'R01';

/**
 * Reads and validates MSH: an ADT message of a supported trigger event, or an ORU^R01, of a supported version, with
 * its control fields.
 */
export function readMessageControl(
  message: Hl7Message | string,
  options: MessageControlOptions = {},
): MappingResult<MessageControl> {
  const parsed = typeof message === 'string' ? parseEr7(message) : mapped(message);
  if (!parsed.ok) return parsed;
  const msh = SegmentReader.first(parsed.value, 'MSH');
  if (!msh) return rejected(requiredIssue('MSH', 'the MSH segment is required'));

  const issues: IssueList = [];
  const controlId = msh.text(10);
  if (!controlId) issues.push(requiredIssue('MSH-10', 'MSH-10 (message control id) is required'));

  const sendingFacility = msh.text(4);
  if (!sendingFacility) issues.push(requiredIssue('MSH-4', 'MSH-4 (sending facility) is required'));

  const sentAtText = msh.text(7);
  const sentAt = parseHl7Instant(sentAtText);
  if (!sentAtText) {
    issues.push(requiredIssue('MSH-7', 'MSH-7 (date/time of message) is required'));
  } else if (sentAt === null) {
    issues.push(
      valueIssue('MSH-7', `MSH-7 "${sentAtText}" is not an HL7 date/time (YYYYMMDD[HHMM[SS[.S]]][+/-ZZZZ])`),
    );
  }

  const messageType = msh.text(9, 1);
  const triggerEvent = msh.text(9, 2);
  if (!messageType) {
    issues.push(requiredIssue('MSH-9', 'MSH-9 (message type) is required, e.g. ADT^A01^ADT_A01'));
  } else if (messageType !== 'ADT' && messageType !== 'ORU') {
    issues.push(
      unsupportedIssue(
        'MSH-9.1',
        `message type ${messageType} is not supported: Crosscare takes ADT and ORU`,
      ),
    );
  } else if (!triggerEvent) {
    issues.push(requiredIssue('MSH-9.2', 'MSH-9.2 (trigger event) is required'));
  } else if (messageType === 'ORU' && triggerEvent !== ORU_TRIGGER_EVENT) {
    issues.push(
      unsupportedIssue(
        'MSH-9.2',
        `trigger event ${triggerEvent} is not supported for ORU: Crosscare takes R01`,
      ),
    );
  } else if (messageType === 'ADT' && !isSupportedAdtTriggerEvent(triggerEvent)) {
    issues.push(
      unsupportedIssue(
        'MSH-9.2',
        `trigger event ${triggerEvent} is not supported: Crosscare takes ${SUPPORTED_ADT_TRIGGER_EVENTS.join(', ')}`,
      ),
    );
  }

  const processingId = msh.text(11);
  const acceptedProcessingIds = options.acceptedProcessingIds ?? ['P'];
  if (!processingId) {
    issues.push(requiredIssue('MSH-11', 'MSH-11 (processing id) is required'));
  } else if (!acceptedProcessingIds.includes(processingId)) {
    issues.push(
      unsupportedIssue(
        'MSH-11',
        `processing id ${processingId} is not accepted here: send ${acceptedProcessingIds.join(' or ')}`,
      ),
    );
  }

  const version = msh.text(12);
  if (!version) {
    issues.push(requiredIssue('MSH-12', 'MSH-12 (version id) is required'));
  } else if (!(SUPPORTED_HL7_VERSIONS as readonly string[]).includes(version)) {
    issues.push(
      unsupportedIssue(
        'MSH-12',
        `HL7 version ${version} is not supported: send ${SUPPORTED_HL7_VERSIONS.join(', ')}`,
      ),
    );
  }

  const supported = triggerEvent === ORU_TRIGGER_EVENT || isSupportedAdtTriggerEvent(triggerEvent);
  if (
    issues.length > 0 ||
    sentAt === null ||
    !supported ||
    (messageType !== 'ADT' && messageType !== 'ORU')
  ) {
    return rejected(...issues);
  }
  return mapped({
    controlId,
    sendingApplication: msh.text(3),
    sendingFacility,
    messageType,
    triggerEvent,
    version,
    processingId,
    sentAt,
    security: readSecurity(parsed.value),
  });
}

/**
 * MSH-8 of any parseable message, valid or not, so the app can authenticate the sender before it validates the
 * content (and an unauthenticated sender learns nothing from validation errors). Null when absent or unparseable.
 */
export function readSecurity(message: Hl7Message | string): string | null {
  const parsed = typeof message === 'string' ? parseEr7(message) : mapped(message);
  if (!parsed.ok) return null;
  return SegmentReader.first(parsed.value, 'MSH')?.wholeField(8) || null;
}

/** MSH-9.1 of any parseable message, before it is validated; '' when absent or unparseable. */
export function readMessageType(message: Hl7Message | string): string {
  const parsed = typeof message === 'string' ? parseEr7(message) : mapped(message);
  if (!parsed.ok) return '';
  return SegmentReader.first(parsed.value, 'MSH')?.text(9, 1).toUpperCase() ?? '';
}
