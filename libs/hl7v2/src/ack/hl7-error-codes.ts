import type { InputIssue } from '@crosscare/events';

/** HL7 table 0357 (message error condition codes) as ERR-3 uses them. */
export const HL7_ERROR_CODES = {
  segmentSequenceError: { code: '100', text: 'Segment sequence error' },
  requiredFieldMissing: { code: '101', text: 'Required field missing' },
  dataTypeError: { code: '102', text: 'Data type error' },
  tableValueNotFound: { code: '103', text: 'Table value not found' },
  unsupportedMessageType: { code: '200', text: 'Unsupported message type' },
  unsupportedProcessingId: { code: '202', text: 'Unsupported processing id' },
  unsupportedVersionId: { code: '203', text: 'Unsupported version id' },
  unknownKeyIdentifier: { code: '204', text: 'Unknown key identifier' },
  duplicateKeyIdentifier: { code: '205', text: 'Duplicate key identifier' },
  applicationInternalError: { code: '207', text: 'Application internal error' },
} as const;

export type Hl7ErrorCode = (typeof HL7_ERROR_CODES)[keyof typeof HL7_ERROR_CODES];

/** Where an issue is, as ERR-2 (ERL) needs it; null when the location is not an HL7 one. */
export interface Hl7ErrorLocation {
  readonly segment: string;
  readonly field: number | null;
  readonly component: number | null;
}

const LOCATION = /^([A-Z][A-Z0-9]{2})(?:-(\d+)(?:\.(\d+))?)?$/;

export function parseErrorLocation(location: string): Hl7ErrorLocation | null {
  const match = LOCATION.exec(location);
  if (!match) return null;
  return {
    segment: match[1],
    field: match[2] === undefined ? null : Number(match[2]),
    component: match[3] === undefined ? null : Number(match[3]),
  };
}

/** The table 0357 code for an issue; the MSH field it is about decides between the "unsupported" codes. */
export function hl7ErrorCode(issue: InputIssue): Hl7ErrorCode {
  const location = parseErrorLocation(issue.location);
  switch (issue.code) {
    case 'required':
      return location && location.field === null
        ? HL7_ERROR_CODES.segmentSequenceError
        : HL7_ERROR_CODES.requiredFieldMissing;
    case 'value':
      return HL7_ERROR_CODES.dataTypeError;
    case 'code-invalid':
      return HL7_ERROR_CODES.tableValueNotFound;
    case 'not-supported':
      if (location?.segment !== 'MSH') return HL7_ERROR_CODES.unsupportedMessageType;
      if (location.field === 11) return HL7_ERROR_CODES.unsupportedProcessingId;
      if (location.field === 12) return HL7_ERROR_CODES.unsupportedVersionId;
      return HL7_ERROR_CODES.unsupportedMessageType;
    case 'structure':
      return HL7_ERROR_CODES.segmentSequenceError;
    case 'not-found':
      return HL7_ERROR_CODES.unknownKeyIdentifier;
    case 'conflict':
      return HL7_ERROR_CODES.duplicateKeyIdentifier;
    case 'too-costly':
    case 'forbidden':
    case 'login':
    case 'throttled':
    case 'transient':
      return HL7_ERROR_CODES.applicationInternalError;
  }
}

/**
 * Whether the issues reject the message as a whole (AR) rather than its content (AE): HL7 answers AR when the
 * message cannot be read, or its processing id or version is not one the receiver takes.
 */
export function rejectsWholeMessage(issues: readonly InputIssue[]): boolean {
  return issues.some((issue) => {
    const code = hl7ErrorCode(issue);
    return (
      issue.code === 'structure' ||
      code === HL7_ERROR_CODES.unsupportedProcessingId ||
      code === HL7_ERROR_CODES.unsupportedVersionId
    );
  });
}
