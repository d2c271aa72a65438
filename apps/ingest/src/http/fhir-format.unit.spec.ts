import express, { type Request } from 'express';
import { requestFormat, responseFormat } from './fhir-format';

/** An Express request with these headers and query, as the format functions read it. */
function request(headers: Record<string, string>, query: Record<string, string> = {}): Request {
  const req = Object.create(express.request) as Request;
  const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  // type-is only matches a Content-Type when there is a body.
  if (lowered['content-type']) lowered['content-length'] ??= '42';
  Object.defineProperty(req, 'headers', { value: lowered });
  Object.defineProperty(req, 'query', { value: query });
  return req;
}

describe('the format of a FHIR request', () => {
  it.each([
    ['application/fhir+xml', 'xml'],
    ['application/fhir+xml; charset=utf-8', 'xml'],
    ['application/xml', 'xml'],
    ['text/xml', 'xml'],
    ['application/fhir+json', 'json'],
    ['application/json', 'json'],
  ])('a body sent as %s is %s', (contentType, format) => {
    expect(requestFormat(request({ 'Content-Type': contentType }))).toBe(format);
  });

  it('a request without a body (a DELETE) counts as JSON', () => {
    expect(requestFormat(request({}))).toBe('json');
  });
});

describe('the format of the answer', () => {
  it('is the format the sender used when it asks for nothing in particular', () => {
    expect(responseFormat(request({ 'Content-Type': 'application/fhir+xml' }))).toBe('xml');
    expect(responseFormat(request({ 'Content-Type': 'application/fhir+xml', Accept: '*/*' }))).toBe('xml');
    expect(responseFormat(request({ 'Content-Type': 'application/fhir+json', Accept: 'text/html' }))).toBe(
      'json',
    );
    expect(responseFormat(request({}))).toBe('json');
  });

  it('follows Accept, by preference', () => {
    expect(
      responseFormat(request({ 'Content-Type': 'application/fhir+json', Accept: 'application/fhir+xml' })),
    ).toBe('xml');
    expect(
      responseFormat(request({ 'Content-Type': 'application/fhir+xml', Accept: 'application/fhir+json' })),
    ).toBe('json');
    expect(
      responseFormat(
        request({
          'Content-Type': 'application/fhir+json',
          Accept: 'application/fhir+json;q=0.5, application/fhir+xml, */*;q=0.1',
        }),
      ),
    ).toBe('xml');
    expect(responseFormat(request({ 'Content-Type': 'application/fhir+json', Accept: 'text/xml' }))).toBe(
      'xml',
    );
  });

  it('lets the _format parameter win over Accept, in any of the spellings FHIR names', () => {
    const xmlAccepted = { 'Content-Type': 'application/fhir+xml', Accept: 'application/fhir+xml' };
    expect(responseFormat(request(xmlAccepted, { _format: 'json' }))).toBe('json');
    expect(responseFormat(request(xmlAccepted, { _format: 'application/fhir+json' }))).toBe('json');
    expect(responseFormat(request({ Accept: 'application/fhir+json' }, { _format: 'xml' }))).toBe('xml');
    // An unencoded '+' arrives as a space.
    expect(responseFormat(request({}, { _format: 'application/fhir xml' }))).toBe('xml');
    expect(responseFormat(request({}, { _format: 'text/xml' }))).toBe('xml');
  });

  it('ignores a _format it does not know, and answers as Accept or the request say', () => {
    expect(responseFormat(request({ 'Content-Type': 'application/fhir+xml' }, { _format: 'turtle' }))).toBe(
      'xml',
    );
  });
});
