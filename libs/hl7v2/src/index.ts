export * from './adt/adt-trigger-events';
export * from './adt/map-adt-message';
export * from './map-hl7v2-message';
export * from './oru/map-oru-message';
export {
  ORU_TRIGGER_EVENT,
  readMessageControl,
  readMessageType,
  readSecurity,
  SUPPORTED_HL7_VERSIONS,
} from './adt/message-control';
export type { MessageControl, MessageControlOptions } from './adt/message-control';
export * from './ack/build-ack';
export { HL7_ERROR_CODES, hl7ErrorCode } from './ack/hl7-error-codes';
export { parseEr7 } from './er7/parse-er7';
export { decodeEr7, type DecodedEr7, type Er7Encoding } from './er7/decode-er7';
export { escapeEr7, unescapeEr7 } from './er7/er7-escaping';
export * from './security/redact-security';
export * from './time/europe-london';
export * from './time/hl7-timestamp';
export * from './mllp/mllp-frame-decoder';
export * from './mllp/mllp-server';
