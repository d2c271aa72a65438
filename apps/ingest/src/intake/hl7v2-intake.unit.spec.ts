import {
  conflict,
  forbidden,
  IngestError,
  rateLimited,
  rejectedInput,
  unauthenticated,
  unavailable,
} from '../ingest-error';
import { messageCorrelationId, outcomeOf } from './hl7v2-intake';

describe('the HL7 v2 ACK for a refusal', () => {
  it('given no or a bad credential, is an AR that says only "unauthenticated"', () => {
    expect(outcomeOf(unauthenticated('the API key is not valid'))).toEqual({
      kind: 'rejected',
      reason: 'unauthenticated',
    });
  });

  it('given a refusal the sender cannot fix in the message, is an AR with the reason', () => {
    expect(outcomeOf(forbidden('MSH-8', 'pharmacies do not send HL7 v2'))).toEqual({
      kind: 'rejected',
      reason: 'forbidden',
      detail: 'pharmacies do not send HL7 v2',
    });
    expect(
      outcomeOf(new IngestError(413, [{ location: '(body)', code: 'too-costly', message: 'too big' }])),
    ).toEqual({
      kind: 'rejected',
      reason: 'too-large',
      detail: 'too big',
    });
  });

  it('given a rate limit or an outage, is an AR saying to send the same message again later', () => {
    expect(outcomeOf(rateLimited(3, 'over the limit'))).toEqual({
      kind: 'rejected',
      reason: 'unavailable',
      detail: 'over the limit',
    });
    expect(outcomeOf(unavailable(5, 'the event store is down'))).toEqual({
      kind: 'rejected',
      reason: 'unavailable',
      detail: 'the event store is down',
    });
  });

  it('given an internal error, is an AR that does not repeat it', () => {
    expect(
      outcomeOf(
        new IngestError(500, [{ location: '(service)', code: 'structure', message: 'internal error' }]),
      ),
    ).toEqual({ kind: 'rejected', reason: 'internal-error' });
  });

  it('given content the sender can correct, is an AE listing the issues', () => {
    const issues = [{ location: 'PID-3', code: 'required' as const, message: 'no NHS number' }];
    expect(outcomeOf(rejectedInput(issues))).toEqual({ kind: 'invalid', issues });
    expect(outcomeOf(conflict('MSH-10 MSG1', 'changed content'))).toEqual({
      kind: 'invalid',
      issues: [{ location: 'MSH-10 MSG1', code: 'conflict', message: 'changed content' }],
    });
  });
});

describe('the correlation id of an MLLP message', () => {
  it('is the sending facility and control id', () => {
    expect(messageCorrelationId('RXK', 'MSG0001')).toBe('RXK.MSG0001');
  });

  it('replaces characters a correlation id does not allow and keeps it to 100 characters', () => {
    expect(messageCorrelationId('RXK', 'A 1/2')).toBe('RXK.A_1_2');
    expect(messageCorrelationId('RXK', 'x'.repeat(200))).toHaveLength(100);
  });
});
