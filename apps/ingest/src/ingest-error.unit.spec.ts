import { CrosscareError, isRetriable } from '@crosscare/errors';
import {
  conflict,
  forbidden,
  IngestError,
  notFound,
  rateLimited,
  rejectedInput,
  unauthenticated,
  unavailable,
} from './ingest-error';

describe('IngestError', () => {
  it.each([
    [
      'invalid input',
      rejectedInput([{ location: 'PID-3', code: 'required', message: 'no NHS number' }]),
      false,
    ],
    ['401', unauthenticated('no key'), false],
    ['403', forbidden('MSH-4', 'not yours'), false],
    ['404', notFound('Condition/1', 'never shared'), false],
    ['409', conflict('Condition/1', 'different content'), false],
    ['500', new IngestError(500, [{ location: '(service)', code: 'structure', message: 'internal' }]), false],
    ['429, over the rate limit', rateLimited(3, 'over the limit'), true],
    ['503, an outage', unavailable(10, 'the broker did not acknowledge'), true],
  ])('%s: retriable only when the sender should resend the same input later', (_what, error, retriable) => {
    expect(error.retriable).toBe(retriable);
    expect(isRetriable(error)).toBe(retriable);
  });

  it('is a CrosscareError that keeps its name, status, issues, Retry-After and message', () => {
    const error = unavailable(10, 'the broker did not acknowledge');

    expect(error).toBeInstanceOf(CrosscareError);
    expect(error).toMatchObject({
      name: 'IngestError',
      status: 503,
      retryAfterSeconds: 10,
      issues: [{ location: '(service)', code: 'transient', message: 'the broker did not acknowledge' }],
      message: '(service): the broker did not acknowledge',
    });
  });
});
