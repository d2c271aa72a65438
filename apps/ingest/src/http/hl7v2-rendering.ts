import { buildAck } from '@crosscare/hl7v2';
import type { ErrorRenderer } from './error-rendering';
import { refusalHeaders } from './error-rendering';
import { outcomeOf } from '../intake/hl7v2-intake';

export const HL7V2_MEDIA_TYPE = 'x-application/hl7-v2+er7';

/** HL7 v2 over HTTP answers refusals the way MLLP does, with an AE or AR ACK, plus the HTTP status. */
export const renderNegativeAck: ErrorRenderer = (req, res, error) => {
  refusalHeaders(res, error);
  const raw: unknown = req.body;
  const message = typeof raw === 'string' ? raw : '';
  const outcome = outcomeOf(error);
  // With no readable message (wrong Content-Type, unparseable body) the ACK is an AR; keep the real reason in it.
  const answer =
    outcome.kind === 'invalid' && message === ''
      ? ({ kind: 'rejected', reason: 'unparseable', detail: error.message } as const)
      : outcome;
  res.status(error.status).type(HL7V2_MEDIA_TYPE).send(buildAck(message, answer));
};
