import { fhirXmlToJson } from '@crosscare/fhir';
import { IngestError } from '../ingest-error';
import { fhirXmlBody } from './fhir-xml-body';

describe('a FHIR XML body at the edge', () => {
  it('is the FHIR JSON the converter gives', () => {
    const xml = '<Patient xmlns="http://hl7.org/fhir"><id value="p1"/><gender value="female"/></Patient>';

    expect(fhirXmlBody(xml)).toEqual({ resourceType: 'Patient', id: 'p1', gender: 'female' });
    expect(fhirXmlBody(xml)).toEqual(fhirXmlToJson(xml));
  });

  it("is refused with a 400 carrying the converter's issue unchanged", () => {
    const xml = '<!DOCTYPE Patient><Patient xmlns="http://hl7.org/fhir"/>';

    let refusal: unknown;
    try {
      fhirXmlBody(xml);
    } catch (error) {
      refusal = error;
    }

    expect(refusal).toBeInstanceOf(IngestError);
    expect(refusal).toMatchObject({
      status: 400,
      retriable: false,
      issues: [
        {
          location: '(body)',
          code: 'structure',
          message: 'the body declares a DOCTYPE or entities; FHIR XML has neither, and they are refused',
        },
      ],
    });
  });
});
