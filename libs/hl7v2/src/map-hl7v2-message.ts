import type { MappingResult } from '@crosscare/events';
import { mapAdtMessage, type AdtMapping, type MapAdtOptions } from './adt/map-adt-message';
import { readMessageType } from './adt/message-control';
import { mapOruMessage } from './oru/map-oru-message';

/**
 * One HL7 v2 message, whichever kind Crosscare takes: ADT (patients and visits) or ORU^R01 (results), told apart by
 * MSH-9.1. Anything else is answered by the ADT mapper's message-control check, which names what Crosscare takes.
 */
export function mapHl7v2Message(er7: string, options: MapAdtOptions = {}): MappingResult<AdtMapping> {
  return readMessageType(er7) === 'ORU' ? mapOruMessage(er7, options) : mapAdtMessage(er7, options);
}
