import { CrosscareError, isRetriable } from '@crosscare/errors';
import {
  auditUnavailable,
  databaseUnavailable,
  internalError,
  invalidRequest,
  patientNotFound,
  RecordApiError,
  unauthenticated,
} from './record-api-error';

describe('RecordApiError', () => {
  it.each([
    ['400, an invalid request', invalidRequest('nhsNumber', 'an NHS number has 10 digits'), false],
    ['401, no credential', unauthenticated('no token'), false],
    ['404, no record held', patientNotFound('9990000018'), false],
    ['500, a fault of ours', internalError(), false],
    ['503, the read could not be audited', auditUnavailable(), true],
    ['503, the read model database unreachable', databaseUnavailable(), true],
  ])('%s: retriable only when an outage, not the request, refused it', (_what, error, retriable) => {
    expect(error.retriable).toBe(retriable);
    expect(isRetriable(error)).toBe(retriable);
  });

  it('is a CrosscareError that keeps its name, status, issue code, location and message', () => {
    const error = invalidRequest('nhsNumber', 'fails its check digit');

    expect(error).toBeInstanceOf(CrosscareError);
    expect(error).toBeInstanceOf(RecordApiError);
    expect(error).toMatchObject({
      name: 'RecordApiError',
      status: 400,
      code: 'value',
      location: 'nhsNumber',
      message: 'fails its check digit',
    });
  });
});
