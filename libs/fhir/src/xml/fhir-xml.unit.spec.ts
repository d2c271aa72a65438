import { fhirJsonToXml, fhirXmlToJson, FhirXmlError, MAX_XML_DEPTH } from './fhir-xml';

const FHIR = 'xmlns="http://hl7.org/fhir"';

/** The refusal a body gets: its one issue's message. */
function refusalOf(xml: string): string {
  try {
    fhirXmlToJson(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(FhirXmlError);
    const refusal = error as FhirXmlError;
    expect(refusal.retriable).toBe(false);
    expect(refusal.issues).toHaveLength(1);
    expect(refusal.issues[0]).toMatchObject({ location: '(body)', code: 'structure' });
    return refusal.issues[0].message;
  }
  throw new Error('the body was accepted');
}

describe('FHIR XML to FHIR JSON', () => {
  it('gives what a JSON sender would send: repeating elements as arrays, typed primitives, the div as a string', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <Observation ${FHIR}>
        <id value="obs-1" />
        <text>
          <status value="additional" />
          <div xmlns="http://www.w3.org/1999/xhtml"><p>Red cell count &amp; <b>low</b></p></div>
        </text>
        <status value="final" />
        <category><coding><system value="http://terminology.hl7.org/CodeSystem/observation-category" /><code value="laboratory" /></coding></category>
        <code><coding><system value="http://snomed.info/sct" /><code value="58571000237106" /></coding></code>
        <subject><identifier><system value="https://fhir.nhs.uk/Id/nhs-number" /><value value="9990000018" /></identifier></subject>
        <valueQuantity><value value="3.90" /><unit value="10*12/L" /></valueQuantity>
        <interpretation><coding><code value="L" /></coding></interpretation>
        <component><code><text value="a" /></code><valueInteger value="7" /></component>
        <component><code><text value="b" /></code><valueBoolean value="false" /></component>
      </Observation>`;

    expect(fhirXmlToJson(xml)).toEqual({
      resourceType: 'Observation',
      id: 'obs-1',
      text: {
        status: 'additional',
        div: '<div xmlns="http://www.w3.org/1999/xhtml"><p>Red cell count &amp; <b>low</b></p></div>',
      },
      status: 'final',
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
          ],
        },
      ],
      code: { coding: [{ system: 'http://snomed.info/sct', code: '58571000237106' }] },
      subject: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' } },
      valueQuantity: { value: 3.9, unit: '10*12/L' },
      interpretation: [{ coding: [{ code: 'L' }] }],
      component: [
        { code: { text: 'a' }, valueInteger: 7 },
        { code: { text: 'b' }, valueBoolean: false },
      ],
    });
  });

  it("carries a primitive's id and extensions as its _field, item by item for a repeating one", () => {
    const xml = `<Patient ${FHIR}>
        <birthDate id="dob" value="1970-09-11"><extension url="http://hl7.org/fhir/StructureDefinition/patient-birthTime"><valueDateTime value="1970-09-11T04:12:00Z" /></extension></birthDate>
        <name><given value="Richard" /><given id="g2" value="Jon" /></name>
      </Patient>`;

    expect(fhirXmlToJson(xml)).toEqual({
      resourceType: 'Patient',
      birthDate: '1970-09-11',
      _birthDate: {
        id: 'dob',
        extension: [
          {
            url: 'http://hl7.org/fhir/StructureDefinition/patient-birthTime',
            valueDateTime: '1970-09-11T04:12:00Z',
          },
        ],
      },
      name: [{ given: ['Richard', 'Jon'], _given: [null, { id: 'g2' }] }],
    });
  });

  it('gives a valueless last item of a repeating primitive its null, as FHIR JSON has it', () => {
    const absent = {
      url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
      valueCode: 'unknown',
    };
    const xml = `<Patient ${FHIR}><name><given value="Jo" /><given><extension url="${absent.url}"><valueCode value="unknown" /></extension></given></name></Patient>`;

    expect(fhirXmlToJson(xml)).toEqual({
      resourceType: 'Patient',
      name: [{ given: ['Jo', null], _given: [null, { extension: [absent] }] }],
    });
  });

  it('converts resources inside resources: contained, and a Bundle entry', () => {
    const xml = `<Bundle ${FHIR}>
        <type value="transaction" />
        <entry>
          <fullUrl value="urn:uuid:5b4e9f0c-1f7c-4f43-9d6a-2f0b7d3e8a11" />
          <resource>
            <MedicationRequest>
              <contained><Medication><id value="med" /><code><text value="Amoxicillin 500mg" /></code></Medication></contained>
              <medicationReference><reference value="#med" /></medicationReference>
            </MedicationRequest>
          </resource>
          <request><method value="POST" /><url value="MedicationRequest" /></request>
        </entry>
      </Bundle>`;

    expect(fhirXmlToJson(xml)).toEqual({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:5b4e9f0c-1f7c-4f43-9d6a-2f0b7d3e8a11',
          resource: {
            resourceType: 'MedicationRequest',
            contained: [{ resourceType: 'Medication', id: 'med', code: { text: 'Amoxicillin 500mg' } }],
            medicationReference: { reference: '#med' },
          },
          request: { method: 'POST', url: 'MedicationRequest' },
        },
      ],
    });
  });

  it('takes what carries attributes rather than values: nested and modifier extensions, ids, a single valueless primitive', () => {
    const xml = `<Condition ${FHIR}>
        <contained><Patient><id value="p" /><extension url="a"><extension url="b"><valueCode value="c" /></extension></extension></Patient></contained>
        <modifierExtension id="m1" url="http://example.org/m"><valueBoolean value="true" /></modifierExtension>
        <clinicalStatus id="cs"><coding><code value="active" /></coding></clinicalStatus>
        <recordedDate><extension url="http://hl7.org/fhir/StructureDefinition/data-absent-reason"><valueCode value="unknown" /></extension></recordedDate>
        <subject><reference value="#p" /></subject>
      </Condition>`;

    expect(fhirXmlToJson(xml)).toEqual({
      resourceType: 'Condition',
      contained: [
        {
          resourceType: 'Patient',
          id: 'p',
          extension: [{ url: 'a', extension: [{ url: 'b', valueCode: 'c' }] }],
        },
      ],
      modifierExtension: [{ id: 'm1', url: 'http://example.org/m', valueBoolean: true }],
      clinicalStatus: { id: 'cs', coding: [{ code: 'active' }] },
      _recordedDate: {
        extension: [
          { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' },
        ],
      },
      subject: { reference: '#p' },
    });
  });

  it('keeps escaped text as text and drops comments, inside the resource and around it', () => {
    const xml = `<?xml version="1.0"?>
      <!-- exported by the supplier -->
      <Patient ${FHIR}>
        <!-- snippet start -->
        <name><family value="O&apos;Brien &lt;&quot;Jr&quot;&gt; &amp; Sons" /></name>
        <!-- snippet end -->
        <gender value="male" />
      </Patient>
      <!-- end -->`;

    expect(fhirXmlToJson(xml)).toEqual({
      resourceType: 'Patient',
      name: [{ family: 'O\'Brien <"Jr"> & Sons' }],
      gender: 'male',
    });
  });

  describe('refuses, naming the fault', () => {
    it('a DOCTYPE with entities (entity expansion, XXE), before anything is parsed', () => {
      const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><Patient ${FHIR}><gender value="&lol2;" /></Patient>`;
      const external = `<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Patient ${FHIR}><gender value="&xxe;" /></Patient>`;

      for (const xml of [laughs, external]) expect(refusalOf(xml)).toMatch(/DOCTYPE or entities/);
    });

    it('XML that is not well-formed, with where', () => {
      expect(refusalOf(`<Patient ${FHIR}>\n<gender value="male"></Patient>`)).toBe(
        'the body is not well-formed XML: Unexpected close tag at line 2, column 31',
      );
    });

    it('an element R4 does not have where it stands, instead of silently dropping it', () => {
      expect(
        refusalOf(`<Patient ${FHIR}><gender value="male" /><favouriteColour value="red" /></Patient>`),
      ).toMatch(/^element\(s\) <favouriteColour> \(1 of 1\) are not FHIR R4 elements where they stand/);
    });

    it('a valueless item of a repeating primitive before a valued one, which FHIR.js 4.12.0 would misplace', () => {
      const xml = `<Patient ${FHIR}><name><given><extension url="http://hl7.org/fhir/StructureDefinition/data-absent-reason"><valueCode value="unknown" /></extension></given><given value="Jo" /></name></Patient>`;

      expect(refusalOf(xml)).toMatch(/^element\(s\) <given> \(1 of 2\) /);
    });

    it('an element with neither value nor children', () => {
      expect(refusalOf(`<Patient ${FHIR}><gender value="" /><active value="true" /></Patient>`)).toMatch(
        /^element\(s\) <gender> \(1 of 1\)/,
      );
    });

    it('text where FHIR XML has values in attributes, which the library would drop; text in the div is the div', () => {
      expect(refusalOf(`<Patient ${FHIR}><name><family>Smith</family></name></Patient>`)).toBe(
        'element(s) <family> hold text; FHIR XML gives values in value attributes (<family value="Smith"/>), and ' +
          'text elsewhere would be lost',
      );
      expect(refusalOf(`<Patient ${FHIR}><gender value="male"><![CDATA[male]]></gender></Patient>`)).toMatch(
        /^element\(s\) <gender> hold text/,
      );
      const div = `<Patient ${FHIR}><text><status value="generated" /><div xmlns="http://www.w3.org/1999/xhtml">Jo <b>Bloggs</b> 1970</div></text></Patient>`;
      expect(fhirXmlToJson(div)).toMatchObject({
        text: { div: expect.stringContaining('Jo <b>Bloggs</b> 1970') },
      });
    });

    it('a root outside the FHIR namespace, or a root that is no R4 resource', () => {
      expect(refusalOf('<Patient><gender value="male" /></Patient>')).toMatch(/not in the FHIR namespace/);
      expect(refusalOf('<Patient xmlns="urn:hl7-org:v3"><gender value="male" /></Patient>')).toMatch(
        /it declares urn:hl7-org:v3/,
      );
      expect(refusalOf(`<Prescription ${FHIR} />`)).toBe(
        'Prescription is not an R4 resource type (the root element must be one)',
      );
    });

    it('a value of the wrong type', () => {
      expect(refusalOf(`<Patient ${FHIR}><active value="yes" /></Patient>`)).toBe(
        'the body is not valid FHIR XML: Value should be a boolean but got: yes',
      );
    });

    it('nesting deeper than any resource needs, before the converter recurses into it', () => {
      const deep = `<Patient ${FHIR}>${'<extension url="u">'.repeat(MAX_XML_DEPTH + 5)}${'</extension>'.repeat(MAX_XML_DEPTH + 5)}</Patient>`;

      expect(refusalOf(deep)).toBe(
        `elements nest ${MAX_XML_DEPTH + 6} deep; at most ${MAX_XML_DEPTH} levels are accepted`,
      );
    });

    it('an empty body, a body without elements, and two roots', () => {
      expect(refusalOf('  ')).toMatch(/the body is empty/);
      expect(refusalOf('{"resourceType":"Patient"}')).toMatch(/no XML element/);
      expect(refusalOf(`<Patient ${FHIR} /><Patient ${FHIR} />`)).toMatch(/exactly one root element/);
    });
  });
});

describe('FHIR JSON to FHIR XML', () => {
  it('writes an OperationOutcome that reads back as the same resource, quotes and markup escaped', () => {
    const outcome = {
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'required',
          details: { text: 'Condition.subject: "Patient/x" & <more>' },
          diagnostics: 'Condition.subject: "Patient/x" & <more>',
          expression: ['Condition.subject'],
        },
      ],
    };

    const xml = fhirJsonToXml(outcome);

    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><OperationOutcome xmlns="http:\/\/hl7.org\/fhir">/,
    );
    expect(fhirXmlToJson(xml)).toEqual(outcome);
  });

  it('writes a batch-response whose entries carry their OperationOutcome', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'batch-response',
      entry: [
        { response: { status: '201 Created', location: 'Condition/c1/_history/1', etag: 'W/"1"' } },
        {
          response: {
            status: '422 Unprocessable Entity',
            outcome: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'required' }] },
          },
        },
      ],
    };

    expect(fhirXmlToJson(fhirJsonToXml(bundle))).toEqual(bundle);
  });
});
