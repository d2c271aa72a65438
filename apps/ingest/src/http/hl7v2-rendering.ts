import { buildAck } from '@crosscare/hl7v2';
import type { ErrorRenderer } from './error-rendering';
import { refusalHeaders } from './error-rendering';
import { outcomeOf } from '../publishing/hl7v2-intake';

export const HL7V2_MEDIA_TYPE = 'x-application/hl7-v2+er7';

/** HL7 v2 over HTTP answers refusals the way MLLP does, with an AE or AR ACK, plus the HTTP status. */
export const renderNegativeAck: ErrorRenderer = (req, res, error) => {
  refusalHeaders(res, error);
  const raw: unknown = req.body;
  res
    .status(error.status)
    .type(HL7V2_MEDIA_TYPE)
    .send(buildAck(typeof raw === 'string' ? raw : '', outcomeOf(error)));
};
