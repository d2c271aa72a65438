import { auditUnavailable, internalError, invalidRequest, unauthenticated } from '../record-api-error';
import { errorAnswer, recordAnswer } from './answer';

describe('answers', () => {
  it('given a record in either format, then it is sent with that format content type', () => {
    expect(recordAnswer('JSON', { a: 1 })).toEqual({
      status: 200,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: '{"a":1}',
    });
    expect(recordAnswer('FHIR', {}).headers['Content-Type']).toBe('application/fhir+json; charset=utf-8');
  });

  it('given a refusal to a JSON reader, then it is problem details with the correlation id', () => {
    const answer = errorAnswer(invalidRequest('nhsNumber', 'an NHS number has 10 digits'), 'JSON', 'c-1');
    expect(answer.status).toBe(400);
    expect(answer.headers['Content-Type']).toBe('application/problem+json; charset=utf-8');
    expect(JSON.parse(answer.body)).toEqual({
      type: 'https://crosscare.nhs.uk/problems/value',
      title: 'Bad Request',
      status: 400,
      detail: 'an NHS number has 10 digits',
      location: 'nhsNumber',
      correlationId: 'c-1',
    });
  });

  it('given a refusal to a FHIR reader, then it is an OperationOutcome', () => {
    const answer = errorAnswer(invalidRequest('nhsNumber', 'fails its check digit'), 'FHIR', 'c-1');
    expect(answer.headers['Content-Type']).toBe('application/fhir+json; charset=utf-8');
    expect(JSON.parse(answer.body)).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'value',
          diagnostics: 'fails its check digit',
          details: { text: 'fails its check digit' },
          expression: ['nhsNumber'],
        },
      ],
    });
  });

  it('given 401, then the Bearer challenge is sent; given 503, then when to retry', () => {
    expect(errorAnswer(unauthenticated('no token'), 'JSON', 'c').headers['WWW-Authenticate']).toBe(
      'Bearer realm="crosscare-record-api"',
    );
    const unavailable = errorAnswer(auditUnavailable(), 'FHIR', 'c');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['Retry-After']).toBe('5');
  });

  it('given a refusal that is not an outage, then no Retry-After: the same request would fail again', () => {
    for (const error of [invalidRequest('nhsNumber', 'x'), unauthenticated('no token'), internalError()])
      expect(errorAnswer(error, 'JSON', 'c').headers['Retry-After']).toBeUndefined();
  });
});
