import { requestedFormat } from './record-format';

describe('which format a read asks for', () => {
  it.each([
    [undefined, undefined, 'JSON'],
    [undefined, 'application/json', 'JSON'],
    [undefined, 'application/fhir+json', 'FHIR'],
    [undefined, 'application/fhir+json, application/json;q=0.5', 'FHIR'],
    [undefined, 'application/json, application/fhir+json;q=0.8', 'JSON'],
    [undefined, 'application/fhir+json;q=0', 'JSON'],
    [undefined, '*/*', 'JSON'],
    [undefined, 'text/html', 'JSON'],
    ['fhir', 'application/json', 'FHIR'],
    ['application/fhir+json', undefined, 'FHIR'],
    ['json', 'application/fhir+json', 'JSON'],
  ])('given _format %j and Accept %j, then the answer is %s', (parameter, accept, format) => {
    expect(requestedFormat(parameter, accept)).toEqual({ ok: true, format });
  });

  it.each(['xml', '', ['fhir', 'json']])(
    'given _format %j, then it is refused with the choices',
    (parameter) => {
      expect(requestedFormat(parameter, undefined)).toEqual({
        ok: false,
        reason: '_format must be fhir or json (or application/fhir+json or application/json)',
      });
    },
  );
});
