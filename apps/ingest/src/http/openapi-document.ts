import type { IngestConfig } from '../ingest-config';

const json = (schema: object) => ({ 'application/json': { schema } });
// FHIR XML carries the same resources (fhir-xml-body.ts); its schema is the FHIR specification's, not JSON Schema.
const fhirJson = (schema: object) => ({
  'application/fhir+json': { schema },
  'application/fhir+xml': { schema: { type: 'string', description: 'the same resource in FHIR XML' } },
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function refusals(kind: 'fhir' | 'hl7v2' | 'problem') {
  const body =
    kind === 'fhir'
      ? fhirJson(ref('OperationOutcome'))
      : kind === 'hl7v2'
        ? {
            'x-application/hl7-v2+er7': {
              schema: { type: 'string', description: 'AE or AR ACK with ERR segments' },
            },
          }
        : { 'application/problem+json': { schema: ref('Problem') } };
  const answer = (description: string) => ({ description, content: body });
  return {
    '400': answer(
      'Not parseable, or not the structure the format demands (including bytes that are not UTF-8 and JSON nested deeper than 100 levels); nothing was published',
    ),
    '401': answer('No API key, or one that is unknown, malformed or revoked'),
    '403': answer(
      'The provider may not use this format, send as another provider, or publish this kind of record; or it sent a ' +
        'death or a merge of a patient it holds no records for (for a merge: the retired NHS number)',
    ),
    '409': answer('This record version was already shared with different content'),
    ...(kind === 'fhir'
      ? {
          '412': answer(
            'If-Match (or a Bundle entry request.ifMatch) names another version than the current one; nothing was published',
          ),
        }
      : {}),
    '413': answer('Over the body size, event size or entry limit'),
    '415': answer('Unsupported Content-Type'),
    '422': answer(
      'Failed validation (FHIR structure, cardinality, codings, NHS number); nothing was published',
    ),
    '429': answer('Over the provider rate limit; see Retry-After'),
    '503': answer(
      'The event store did not acknowledge in time; nothing was published; retry after Retry-After',
    ),
  };
}

/** The OpenAPI 3.1 description served at /openapi.json; a test checks every route in the app appears in it. */
export function openApiDocument(config: IngestConfig): object {
  const limits = config.limits;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Crosscare ingest',
      version: '1.0.0',
      description:
        'Providers send record changes in the formats their systems speak; each accepted change becomes a canonical ' +
        'Avro event on its ICS record-change topic, keyed by NHS number. 202 is answered once the events are kept in ' +
        "ingest's database, in the transaction that records their versions; a relay then publishes each exactly " +
        `once, in the order accepted. Limits: body ${limits.maxBodyBytes} bytes, event ${limits.maxEventBytes} bytes, ` +
        `${limits.maxEntries} entries per Bundle ` +
        `or extract, ${limits.requestsPerMinute} requests a minute per provider (burst ${limits.burst}).`,
    },
    servers: [{ url: '/' }],
    security: [{ providerApiKey: [] }],
    paths: {
      '/fhir': {
        post: {
          summary: 'FHIR transaction (all or nothing) or batch (per entry) Bundle',
          requestBody: { required: true, content: fhirJson(ref('Bundle')) },
          responses: {
            '202': {
              description: 'transaction-response or batch-response Bundle',
              content: fhirJson(ref('Bundle')),
            },
            ...refusals('fhir'),
          },
        },
      },
      '/fhir/{type}': {
        post: {
          summary: 'Create: a new FHIR resource (Patient, Encounter, Condition, AllergyIntolerance, ...)',
          parameters: [{ $ref: '#/components/parameters/ResourceType' }],
          requestBody: { required: true, content: fhirJson(ref('Resource')) },
          responses: { '202': ref('AcceptedOutcome'), ...refusals('fhir') },
        },
      },
      '/fhir/{type}/{id}': {
        put: {
          summary:
            'Update: a new version of a FHIR resource (the declared meta.versionId or meta.lastUpdated must increase; ' +
            'without them Crosscare assigns the version: the same content is the current version, changed content the next)',
          parameters: [
            { $ref: '#/components/parameters/ResourceType' },
            { $ref: '#/components/parameters/Id' },
            { $ref: '#/components/parameters/IfMatch' },
          ],
          requestBody: { required: true, content: fhirJson(ref('Resource')) },
          responses: { '202': ref('AcceptedOutcome'), ...refusals('fhir') },
        },
        delete: {
          summary: 'Delete at source: publishes RecordRemoved for a record this provider shared before',
          parameters: [
            { $ref: '#/components/parameters/ResourceType' },
            { $ref: '#/components/parameters/Id' },
            { $ref: '#/components/parameters/IfMatch' },
          ],
          responses: {
            '202': ref('AcceptedOutcome'),
            '404': {
              description: 'This provider never shared that record',
              content: fhirJson(ref('OperationOutcome')),
            },
            ...refusals('fhir'),
          },
        },
      },
      '/hl7v2': {
        post: {
          summary:
            'One HL7 v2 ER7 message: ADT (A01 A02 A03 A04 A08 A11 A13 A28 A31 A40) or ORU^R01 results; also over MLLP',
          requestBody: {
            required: true,
            content: {
              'x-application/hl7-v2+er7': { schema: { type: 'string' } },
              'text/plain': { schema: { type: 'string' } },
            },
          },
          responses: {
            '202': {
              description: 'AA ACK',
              content: { 'x-application/hl7-v2+er7': { schema: { type: 'string' } } },
            },
            ...refusals('hl7v2'),
          },
        },
      },
      '/social-care/extracts': {
        post: {
          summary: "A council's social care extract: JSON or CSV (all or nothing)",
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('SocialCareExtract') },
              'text/csv': { schema: { type: 'string', description: 'header row, then one record per row' } },
            },
          },
          responses: {
            '202': { description: 'Receipt', content: json(ref('Receipt')) },
            ...refusals('problem'),
          },
        },
      },
      '/directory': {
        get: {
          summary: 'Directory release, ICSs, collaboratives, counts',
          security: [],
          responses: { '200': { description: 'Directory summary' } },
        },
      },
      '/directory/providers': {
        get: {
          summary: 'Providers, filtered by ics, type or collaborative',
          security: [],
          parameters: ['ics', 'type', 'collaborative'].map((name) => ({
            name,
            in: 'query',
            schema: { type: 'string' },
          })),
          responses: { '200': { description: 'Providers' }, '400': { description: 'Bad filter' } },
        },
      },
      '/directory/providers/{odsCode}': {
        get: {
          summary: 'One provider, with the formats and record kinds it may send',
          security: [],
          parameters: [{ name: 'odsCode', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'Provider' }, '404': { description: 'Unknown ODS code' } },
        },
      },
      '/health': {
        get: {
          summary: 'Readiness',
          security: [],
          responses: { '200': { description: 'UP' }, '503': { description: 'DOWN' } },
        },
      },
      '/health/live': {
        get: { summary: 'Liveness', security: [], responses: { '200': { description: 'UP' } } },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics of the process: memory, heap, event-loop delay',
          security: [],
          responses: { '200': { description: 'Prometheus text format 0.0.4' } },
        },
      },
      '/openapi.json': {
        get: { summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI' } } },
      },
    },
    components: {
      securitySchemes: {
        providerApiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The provider API key (cck_...). X-API-Key is accepted too. Over MLLP, MSH-8 carries it.',
        },
      },
      parameters: {
        ResourceType: { name: 'type', in: 'path', required: true, schema: { type: 'string' } },
        Id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
        IfMatch: {
          name: 'If-Match',
          in: 'header',
          required: false,
          description:
            'The ETag of the version last seen (W/"3"): change the record only if that is still current, else 412',
          schema: { type: 'string' },
        },
      },
      responses: {
        AcceptedOutcome: {
          description:
            'Accepted (or already accepted): an OperationOutcome with one information issue per event, its id in ' +
            'details.coding (system https://fhir.crosscare.nhs.uk/CodeSystem/event-id)',
          headers: {
            ETag: {
              description: 'The record version now current, W/"<version>"',
              schema: { type: 'string' },
            },
            Location: {
              description: '<base>/<type>/<id>/_history/<version> of the version now current',
              schema: { type: 'string' },
            },
          },
          content: fhirJson(ref('OperationOutcome')),
        },
      },
      schemas: {
        Resource: {
          type: 'object',
          required: ['resourceType'],
          properties: { resourceType: { type: 'string' } },
        },
        Bundle: {
          type: 'object',
          required: ['resourceType', 'type'],
          properties: {
            resourceType: { const: 'Bundle' },
            type: { enum: ['transaction', 'batch', 'transaction-response', 'batch-response'] },
            entry: { type: 'array' },
          },
        },
        OperationOutcome: {
          type: 'object',
          properties: { resourceType: { const: 'OperationOutcome' }, issue: { type: 'array' } },
        },
        Problem: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            correlationId: { type: 'string' },
            issues: { type: 'array', items: ref('Issue') },
          },
        },
        Issue: {
          type: 'object',
          properties: { location: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
        },
        Receipt: {
          type: 'object',
          properties: {
            correlationId: { type: 'string' },
            events: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  eventId: { type: 'string', format: 'uuid' },
                  eventType: { type: 'string' },
                  sourceRecordId: { type: 'string' },
                  sourceRecordVersion: { type: 'integer' },
                  topic: { type: 'string' },
                  outcome: { enum: ['accepted', 'duplicate'] },
                },
              },
            },
          },
        },
        SocialCareExtract: {
          type: 'object',
          required: ['council', 'records'],
          description: 'See docs/ingest.md',
        },
      },
    },
  };
}
