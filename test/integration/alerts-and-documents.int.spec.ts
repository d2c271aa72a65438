import { fhirFixtures } from '@crosscare/fhir/testing';
import { eventually, uniqueIdentifier, uniqueName } from '@crosscare/testing';
import type { Bundle, DocumentReference, Flag, Resource } from '@medplum/fhirtypes';
import { Pool } from 'pg';
import { send, startIngest, type IngestUnderTest } from '../../apps/ingest/src/testing/ingest-under-test';
import { loadProjectorConfig } from '../../apps/projector/src/projector-config';
import { ProjectorRuntime } from '../../apps/projector/src/projector-runtime';
import { RecordApiUnderTest } from '../../apps/record-api/src/testing/record-api-under-test';

jest.setTimeout(120_000);

interface AlertView {
  readonly text: string | null;
  readonly reasonableAdjustment: boolean;
  readonly status: string;
  readonly notes: string | null;
}
interface DocumentView {
  readonly description: string | null;
  readonly url: string | null;
  readonly data: string | null;
  readonly size: number | null;
  readonly provenance: { readonly sourceRecordId: string };
}
interface RecordAnswer {
  readonly alerts: AlertView[];
  readonly documents: DocumentView[];
  readonly [section: string]: unknown;
}

/**
 * Alerts and documents along the real path: a GP practice's FHIR Flag and an acute trust's DocumentReferences through
 * ingest onto a Birmingham and Solihull topic, the CCR projector's read model, and the record API's JSON and Bundle.
 */
describe('alerts and documents (ingest → broker → projector → record API)', () => {
  const nhsNumber = '9990000034';
  let ingest: IngestUnderTest;
  let projector: ProjectorRuntime;
  let recordApi: RecordApiUnderTest;
  let pool: Pool;
  let gpToken: string;
  let trustToken: string;
  let readerToken: string;
  const schema = uniqueIdentifier('alerts_documents_ccr');

  beforeAll(async () => {
    ingest = await startIngest('alerts_documents');
    const prefix = ingest.topic('QHL').replace(/\.qhl\.record-changes\.v1$/, '');
    projector = await ProjectorRuntime.start(
      loadProjectorConfig({
        ...ingest.kafka.environment,
        SCHEMA_REGISTRY_URL: ingest.registry.url,
        DATABASE_URL: process.env.DATABASE_URL,
        PROJECTOR_COLLABORATIVE: 'CCR',
        PROJECTOR_DATABASE_SCHEMA: schema,
        PROJECTOR_TOPIC_PREFIX: prefix,
        PROJECTOR_GROUP_ID: `${prefix}-CCR`,
        PROJECTOR_RELAY_INTERVAL_MS: '50',
        LOG_LEVEL: 'error',
      }),
    );
    recordApi = await RecordApiUnderTest.start({ RECORD_API_DATABASE_SCHEMA: schema });
    pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
    const gp = ingest.provider('GP_PRACTICE', 'QHL');
    const trust = ingest.provider('ACUTE_TRUST', 'QHL');
    gpToken = await ingest.credentialFor(gp.odsCode);
    trustToken = await ingest.credentialFor(trust.odsCode);
    // A clinician at the trust that sends a document in each test: a relationship (CARE_PROVIDER) with the patient
    // that every test makes for itself, whatever the order (the practice's came only from the flag test).
    readerToken = recordApi.token({ org: trust.odsCode });
  });

  afterAll(async () => {
    for (const step of [
      () => recordApi?.close(),
      () => projector?.stop(),
      () => ingest?.close(),
      () => pool.query(`drop schema if exists "${schema}" cascade`),
      () => pool?.end(),
    ])
      await step()?.catch(() => undefined);
  });

  const put = (token: string, resource: Flag | DocumentReference) =>
    send(ingest.url, 'PUT', `/fhir/${resource.resourceType}/${resource.id}`, { token, body: resource });

  const read = (format = '') =>
    recordApi.get(`/patients/${nhsNumber}/record${format}`, {
      authorization: `Bearer ${readerToken}`,
      'x-purpose-of-use': 'DIRECT_CARE',
    });

  /** The JSON record once `ready` holds of it: the projector applies each change within moments. */
  const recordWhen = (description: string, ready: (record: RecordAnswer) => boolean) =>
    eventually(
      description,
      async () => {
        const answer = await read();
        return answer.status === 200 && ready(answer.body as RecordAnswer)
          ? (answer.body as RecordAnswer)
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 300 },
    );

  const bundleResources = async (): Promise<Resource[]> => {
    const answer = await read('?_format=fhir');
    expect(answer.status).toBe(200);
    return ((answer.body as Bundle).entry ?? []).map((entry) => entry.resource as Resource);
  };

  it('refuses a document inline over 256 KiB with 413, naming the limit and the URL to use, and publishes nothing', async () => {
    const topic = ingest.topic('QHL');
    const before = await ingest.offsetsWritten(topic);
    const large = fhirFixtures.acuteDischargeSummary(nhsNumber);
    large.id = uniqueName('large');
    large.content[0].attachment.data = Buffer.alloc(256 * 1024 + 1, 1).toString('base64');

    const answer = await put(trustToken, large);

    expect(answer.status).toBe(413);
    expect(answer.body.resourceType).toBe('OperationOutcome');
    expect(answer.text).toContain('262144');
    expect(answer.text).toContain('attachment.url');
    expect(await ingest.offsetsWritten(topic)).toBe(before);
  });

  it('refuses a reasonable adjustment flag from an ambulance trust (403: it may raise alerts, not this one)', async () => {
    const ambulance = ingest.provider('AMBULANCE_TRUST');
    const topic = ingest.topic(ambulance.ics);
    const before = await ingest.offsetsWritten(topic);
    const flag = fhirFixtures.gpReasonableAdjustmentFlag(nhsNumber);
    flag.id = uniqueName('ambulance-flag');

    const answer = await put(await ingest.credentialFor(ambulance.odsCode), flag);

    expect(answer.status).toBe(403);
    expect(answer.text).toContain('may not publish reasonable adjustment records');
    expect(await ingest.offsetsWritten(topic)).toBe(before);
  });

  it('shows a raised reasonable adjustment flag first (JSON and Bundle), and no longer once made inactive', async () => {
    const flag = fhirFixtures.gpReasonableAdjustmentFlag(nhsNumber);
    flag.id = uniqueName('flag');
    const summary = fhirFixtures.acuteDischargeSummary(nhsNumber);
    summary.id = uniqueName('summary');
    expect((await put(gpToken, flag)).status).toBe(202);
    expect((await put(trustToken, summary)).status).toBe(202);

    const raised = await recordWhen(
      'the flag and the summary',
      (r) => r.alerts.length > 0 && r.documents.length > 0,
    );
    expect(raised.alerts).toEqual([
      expect.objectContaining({
        text: 'Use hearing aid',
        reasonableAdjustment: true,
        status: 'ACTIVE',
        notes: 'Prefers the first appointment of the day',
      }),
    ]);
    const sections = Object.keys(raised).filter(
      (key) =>
        ![
          'nhsNumber',
          'requestedNhsNumber',
          'mergedInto',
          'mergedFrom',
          'sources',
          'access',
          'shortened',
        ].includes(key),
    );
    expect(sections[0]).toBe('alerts');
    const [first, second] = await bundleResources();
    expect([first.resourceType, (first as Flag).status, second.resourceType]).toEqual([
      'Flag',
      'active',
      'Patient',
    ]);

    const inactive = {
      ...flag,
      status: 'inactive' as const,
      meta: { versionId: '2', lastUpdated: '2024-06-01T09:00:00+00:00' },
    };
    expect((await put(gpToken, inactive)).status).toBe(202);

    await recordWhen('the flag made inactive', (r) => r.alerts.length === 0 && r.documents.length > 0);
    const resources = await bundleResources();
    expect(resources[0].resourceType).toBe('Patient');
    expect(resources.filter((r): r is Flag => r.resourceType === 'Flag').map((f) => f.status)).toEqual([
      'inactive',
    ]);
  });

  it('shows documents inline and by URL, a corrected summary in place of the one it replaces, and no letter entered in error', async () => {
    const summary = fhirFixtures.acuteDischargeSummary(nhsNumber);
    summary.id = uniqueName('original');
    summary.description = 'Original summary';
    const letter = fhirFixtures.acuteClinicLetter(nhsNumber);
    letter.id = uniqueName('letter');
    for (const document of [summary, letter]) expect((await put(trustToken, document)).status).toBe(202);

    const both = await recordWhen(
      'the summary and the letter',
      (r) =>
        r.documents.some((d) => d.provenance.sourceRecordId === `DocumentReference/${letter.id}`) &&
        r.documents.some((d) => d.provenance.sourceRecordId === `DocumentReference/${summary.id}`),
    );
    expect(both.documents.find((d) => d.provenance.sourceRecordId.endsWith(letter.id!))).toMatchObject({
      url: 'https://documents.rrk.nhs.uk/letters/3c7f0a9e.pdf',
      data: null,
      size: 48213,
    });
    expect(both.documents.find((d) => d.provenance.sourceRecordId.endsWith(summary.id!))).toMatchObject({
      url: null,
      data: summary.content[0].attachment.data,
    });

    const corrected = fhirFixtures.acuteDischargeSummary(nhsNumber);
    corrected.id = uniqueName('corrected');
    corrected.description = 'Corrected summary';
    corrected.relatesTo = [{ code: 'replaces', target: { reference: `DocumentReference/${summary.id}` } }];
    expect((await put(trustToken, corrected)).status).toBe(202);

    const after = await recordWhen('the corrected summary', (r) =>
      r.documents.some((d) => d.description === 'Corrected summary'),
    );
    expect(after.documents.map((d) => d.description)).not.toContain('Original summary');
    const documents = (await bundleResources()).filter(
      (r): r is DocumentReference => r.resourceType === 'DocumentReference',
    );
    const shown = documents.find((d) => d.description === 'Corrected summary');
    expect(shown?.relatesTo?.[0]?.target.identifier?.value).toBe(`DocumentReference/${summary.id}`);
    expect(shown?.content[0].attachment.data).toBe(summary.content[0].attachment.data);

    const withdrawn = {
      ...letter,
      status: 'entered-in-error' as const,
      meta: { versionId: '2', lastUpdated: '2024-04-23T09:00:00+00:00' },
    };
    expect((await put(trustToken, withdrawn)).status).toBe(202);
    await recordWhen('the letter withdrawn as entered in error', (r) =>
      r.documents.every((d) => d.provenance.sourceRecordId !== `DocumentReference/${letter.id}`),
    );
  });
});
