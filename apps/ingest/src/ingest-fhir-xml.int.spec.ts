import { fhirJsonToXml, fhirXmlToJson } from '@crosscare/fhir';
import { fhirFixtures } from '@crosscare/fhir/testing';
import { uniqueName } from '@crosscare/testing';
import { randomUUID } from 'node:crypto';
import {
  receiptLines,
  responseEntries,
  startIngest,
  type IngestUnderTest,
} from './testing/ingest-under-test';

const { gpCondition, gpAllergy } = fhirFixtures;

const MAX_BODY_BYTES = 64 * 1024;

/** FHIR XML through the real ingest, broker, registry and Postgres: taken as JSON is, answered as the sender asks. */
describe('ingest: FHIR XML and content negotiation (real broker, registry and Postgres)', () => {
  let ingest: IngestUnderTest;
  let token: string;
  let topic: string;

  beforeAll(async () => {
    ingest = await startIngest('fhirxml', { INGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
    const gp = ingest.provider('GP_PRACTICE', 'QHL');
    token = await ingest.credentialFor(gp.odsCode);
    topic = ingest.topic(gp.ics);
  });
  afterAll(() => ingest?.close());

  async function post(
    path: string,
    body: string,
    contentType: string,
    options: { accept?: string } = {},
  ): Promise<{ status: number; type: string; text: string; correlationId: string }> {
    const correlationId = uniqueName('corr');
    const response = await fetch(`${ingest.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-correlation-id': correlationId,
        'content-type': contentType,
        ...(options.accept ? { accept: options.accept } : {}),
      },
      body,
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      text: await response.text(),
      correlationId,
    };
  }

  it.each(['application/fhir+xml', 'application/xml', 'text/xml'])(
    'a Condition sent as %s is published as its JSON would be, and the receipt comes back in FHIR XML',
    async (contentType) => {
      const condition = { ...gpCondition(), id: randomUUID() };
      const answer = await post('/fhir/Condition', fhirJsonToXml(condition), contentType);

      expect(answer.status).toBe(202);
      expect(answer.type).toContain('application/fhir+xml');
      expect(answer.text).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?><OperationOutcome xmlns="http:\/\/hl7.org\/fhir">/,
      );
      const receipt = receiptLines(fhirXmlToJson(answer.text));
      expect(receipt.map((r) => r.eventType)).toEqual(['ProblemRecorded']);
      const [{ event }] = await ingest.events(topic, 1, { correlationId: answer.correlationId });
      expect(event.header.eventId).toBe(receipt[0].eventId);
      expect(event.header.sourceRecordId).toBe(`Condition/${condition.id}`);
      expect(event.header.nhsNumber).toBe(condition.subject?.identifier?.value);
    },
  );

  it('a batch Bundle in XML is answered with a batch-response in XML, each entry its own status', async () => {
    const good = { ...gpAllergy(), id: randomUUID() };
    const bad = { ...gpCondition('9990000019'), id: randomUUID() };
    const bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [good, bad].map((resource) => ({
        resource,
        request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
      })),
    };

    const answer = await post('/fhir', fhirJsonToXml(bundle), 'application/fhir+xml');

    expect(answer.status).toBe(202);
    expect(answer.type).toContain('application/fhir+xml');
    const response = fhirXmlToJson(answer.text);
    expect(response).toMatchObject({ resourceType: 'Bundle', type: 'batch-response' });
    const [accepted, refused] = responseEntries(response);
    expect(accepted.status).toMatch(/^20[01]/);
    expect(refused.status).toMatch(/^422/);
    const events = await ingest.events(topic, 1, { correlationId: answer.correlationId });
    expect(events.map((e) => e.event.header.eventId)).toEqual(accepted.events.map((r) => r.eventId));
  });

  it('answers in the format asked for: Accept over the body format, _format over Accept', async () => {
    const condition = { ...gpCondition(), id: randomUUID() };
    const xml = fhirJsonToXml(condition);

    const asJson = await post(`/fhir/Condition`, xml, 'application/fhir+xml', {
      accept: 'application/fhir+json',
    });
    expect(asJson.status).toBe(202);
    expect(asJson.type).toContain('application/fhir+json');
    expect(JSON.parse(asJson.text)).toMatchObject({ resourceType: 'OperationOutcome' });

    const refusedAsXml = await post(
      `/fhir/Condition?_format=xml`,
      '{"resourceType": "Cond',
      'application/fhir+json',
      {
        accept: 'application/fhir+json',
      },
    );
    expect(refusedAsXml.status).toBe(400);
    expect(refusedAsXml.type).toContain('application/fhir+xml');
    expect(fhirXmlToJson(refusedAsXml.text)).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  describe('refused XML publishes nothing and is answered with an OperationOutcome naming the fault', () => {
    async function refused(body: string, status: number, fault: RegExp): Promise<void> {
      const before = await ingest.offsetsWritten(topic);
      const answer = await post('/fhir/Condition', body, 'application/fhir+xml');
      expect(answer.status).toBe(status);
      expect(answer.type).toContain('application/fhir+xml');
      const outcome = fhirXmlToJson(answer.text) as { issue: { code: string; diagnostics: string }[] };
      expect(outcome.issue[0].diagnostics).toMatch(fault);
      expect(await ingest.offsetsWritten(topic)).toBe(before);
    }

    it('XML that is not well-formed: 400 with the line and column', async () => {
      await refused(
        '<Condition xmlns="http://hl7.org/fhir"><id value="x"></Condition>',
        400,
        /not well-formed XML: .* at line 1, column \d+/,
      );
    });

    it('a DOCTYPE with entities (entity expansion, XXE): 400, nothing expanded', async () => {
      const xml = fhirJsonToXml({ ...gpCondition(), id: randomUUID(), note: [{ text: '&lol9;' }] }).replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0"?><!DOCTYPE Condition [<!ENTITY lol "lol"><!ENTITY lol9 "&lol;&lol;&lol;&lol;">]>',
      );
      await refused(xml.replace('&amp;lol9;', '&lol9;'), 400, /DOCTYPE or entities/);
    });

    it('an element FHIR R4 does not have: 400 naming it, not silently dropped', async () => {
      const xml = fhirJsonToXml({ ...gpCondition(), id: randomUUID() }).replace(
        '</Condition>',
        '<severityScore value="7"/></Condition>',
      );
      await refused(xml, 400, /<severityScore>/);
    });

    it('a body over the size limit: 413, as for JSON', async () => {
      const xml = fhirJsonToXml({
        ...gpCondition(),
        id: randomUUID(),
        note: [{ text: 'x'.repeat(MAX_BODY_BYTES) }],
      });
      await refused(xml, 413, new RegExp(`larger than the limit of ${MAX_BODY_BYTES} bytes`));
    });

    it('valid XML whose resource breaks a Crosscare rule: 422 from the same mapping as JSON', async () => {
      await refused(fhirJsonToXml({ ...gpCondition('9990000019'), id: randomUUID() }), 422, /modulus-11/);
    });
  });
});
