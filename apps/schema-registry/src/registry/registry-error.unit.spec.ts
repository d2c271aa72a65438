import { CrosscareError, isRetriable } from '@crosscare/errors';
import {
  invalidSchema,
  storeError,
  subjectNotFound,
  unauthorized,
  writerRoleRequired,
} from './registry-error';

describe('RegistryError', () => {
  it.each([
    ['404 subject not found', subjectNotFound('s'), false],
    ['422 invalid schema', invalidSchema('not JSON'), false],
    ['401 unauthorized', unauthorized(), false],
    ['403 writer role required', writerRoleRequired('u', 'POST', '/subjects/s/versions'), false],
    ['500 the store failed', storeError(), true],
  ])('%s: retriable as the registry client reads the status', (_what, error, retriable) => {
    expect(error).toBeInstanceOf(CrosscareError);
    expect(isRetriable(error)).toBe(retriable);
  });

  it("keeps its name, status, Confluent's error_code and message", () => {
    expect(subjectNotFound('s')).toMatchObject({
      name: 'RegistryError',
      status: 404,
      errorCode: 40401,
      message: "Subject 's' not found.",
    });
  });
});
