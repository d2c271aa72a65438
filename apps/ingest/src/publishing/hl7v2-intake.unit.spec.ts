import { conflict, IngestError, rateLimited, unavailable } from '../ingest-error';
import { outcomeOf } from './hl7v2-intake';

describe('outcomeOf', () => {
  it('given an outage or the rate limit (retriable), is AR: resend the same message later', () => {
    expect(outcomeOf(unavailable(10, 'the broker did not acknowledge'))).toEqual({
      kind: 'rejected',
      reason: 'unavailable',
      detail: 'the broker did not acknowledge',
    });
    expect(outcomeOf(rateLimited(3, 'over the limit'))).toMatchObject({
      kind: 'rejected',
      reason: 'unavailable',
    });
  });

  it('given a failure of ours that is not an outage, is AR internal-error, not unavailable', () => {
    const internal = new IngestError(500, [
      { location: '(service)', code: 'structure', message: 'internal' },
    ]);

    expect(outcomeOf(internal)).toEqual({ kind: 'rejected', reason: 'internal-error' });
  });

  it('given content the sender must correct, is AE with the issues', () => {
    const error = conflict('MSH-10 M1', 'already shared with different content');

    expect(outcomeOf(error)).toEqual({ kind: 'invalid', issues: error.issues });
  });
});
