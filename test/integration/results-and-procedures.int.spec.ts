import { fhirFixtures } from '@crosscare/fhir/testing';
import { oruFor, PATHOLOGY_ORU, withControlId } from '@crosscare/hl7v2/testing';
import { eventually, uniqueIdentifier, uniqueName } from '@crosscare/testing';
import type { Bundle, DiagnosticReport, Observation, Procedure } from '@medplum/fhirtypes';
import { Pool } from 'pg';
import { send, startIngest, type IngestUnderTest } from '../../apps/ingest/src/testing/ingest-under-test';
import { loadProjectorConfig } from '../../apps/projector/src/projector-config';
import { ProjectorRuntime } from '../../apps/projector/src/projector-runtime';
import { RecordApiUnderTest } from '../../apps/record-api/src/testing/record-api-under-test';

jest.setTimeout(120_000);

interface ReportView {
  readonly code: { code: string };
  readonly status: string;
  readonly results: { code: { code: string }; status: string; valueQuantity: { value: number } | null }[];
  readonly provenance: { sourceRecordId: string; sourceRecordVersion: number };
}

/**
 * Results and procedures along the real path: an acute trust's laboratory sends a full blood count as HL7 v2
 * ORU^R01, corrects it and cancels it, a FHIR transaction carries an HbA1c report with its result entries, and the
 * trust records an operation as a FHIR Procedure; ingest publishes, the OHC projector projects, and the record API
 * shows each as JSON and in the UK Core Bundle.
 */
describe('results and procedures (ingest → projector → record API)', () => {
  const nhsNumber = '9990001014';
  let ingest: IngestUnderTest;
  let ohc: ProjectorRuntime;
  let recordApi: RecordApiUnderTest;
  let pool: Pool;
  const schema = uniqueIdentifier('int_results_ohc');

  beforeAll(async () => {
    ingest = await startIngest('results');
    const prefix = ingest.topic('QHL').replace(/\.qhl\.record-changes\.v1$/, '');
    ohc = await ProjectorRuntime.start(
      loadProjectorConfig({
        ...ingest.kafka.environment,
        SCHEMA_REGISTRY_URL: ingest.registry.url,
        DATABASE_URL: process.env.DATABASE_URL,
        PROJECTOR_COLLABORATIVE: 'OHC',
        PROJECTOR_DATABASE_SCHEMA: schema,
        PROJECTOR_TOPIC_PREFIX: prefix,
        PROJECTOR_GROUP_ID: `${prefix}-OHC`,
        PROJECTOR_RELAY_INTERVAL_MS: '50',
        LOG_LEVEL: 'error',
      }),
    );
    recordApi = await RecordApiUnderTest.start({
      RECORD_API_COLLABORATIVE: 'OHC',
      RECORD_API_DATABASE_SCHEMA: schema,
    });
    pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  });

  afterAll(async () => {
    for (const step of [
      () => recordApi?.close(),
      () => ohc?.stop(),
      () => ingest?.close(),
      () => pool?.query(`drop schema if exists "${schema}" cascade`),
      () => pool?.end(),
    ])
      await step()?.catch(() => undefined);
  });

  it('shows a corrected then cancelled report, a report from a transaction, and a procedure', async () => {
    const trust = ingest.provider('ACUTE_TRUST', 'QNC');
    const token = await ingest.credentialFor(trust.odsCode);
    const accession = uniqueName('acc')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(-16);
    const oru = async (message: string) => {
      const answer = await send(ingest.url, 'POST', '/hl7v2', {
        token,
        body: withControlId(oruFor(message, nhsNumber, trust.odsCode, accession), uniqueName('oru')),
        contentType: 'x-application/hl7-v2+er7',
      });
      expect(answer.status).toBe(202);
    };
    const reader = recordApi.token({ org: trust.odsCode });
    const record = () =>
      recordApi.get(`/patients/${nhsNumber}/record`, {
        authorization: `Bearer ${reader}`,
        'x-purpose-of-use': 'DIRECT_CARE',
      });
    const reportUntil = (status: string) =>
      eventually(
        `the full blood count ${status}`,
        async () => {
          const answer = await record();
          const results = (answer.body?.results ?? []) as ReportView[];
          return results.find((r) => r.code.code === '26604007' && r.status === status);
        },
        { timeoutMs: 45_000, intervalMs: 300 },
      );

    await oru(PATHOLOGY_ORU.fbcFinal);
    const final = await reportUntil('FINAL');
    expect(final.results.map((r) => [r.code.code, r.valueQuantity?.value ?? null])).toEqual([
      ['718-7', 98],
      ['777-3', 250],
      ['WBC', null],
    ]);

    await oru(PATHOLOGY_ORU.fbcCorrected);
    const corrected = await reportUntil('CORRECTED');
    expect(corrected.provenance.sourceRecordId).toBe(final.provenance.sourceRecordId);
    expect(corrected.provenance.sourceRecordVersion).toBeGreaterThan(final.provenance.sourceRecordVersion);
    expect(corrected.results[0]).toMatchObject({ status: 'CORRECTED', valueQuantity: { value: 102 } });

    const transaction = fhirFixtures.fullBloodCountTransaction(nhsNumber);
    const report = transaction.entry![0].resource as DiagnosticReport;
    report.id = uniqueName('hba1c');
    report.code = {
      coding: [{ system: 'http://snomed.info/sct', code: '1022441000000105', display: 'HbA1c level' }],
    };
    const bundle = await send(ingest.url, 'POST', '/fhir', { token, body: transaction });
    expect(bundle.status).toBe(202);

    const procedure = fhirFixtures.acuteProcedure(nhsNumber);
    procedure.id = uniqueName('procedure');
    const put = await send(ingest.url, 'PUT', `/fhir/Procedure/${procedure.id}`, { token, body: procedure });
    expect(put.status).toBe(202);

    await oru(PATHOLOGY_ORU.fbcCancelled);
    const cancelled = await reportUntil('CANCELLED');
    expect(cancelled.results).toEqual([]);

    const json = await eventually(
      'the HbA1c report and the procedure',
      async () => {
        const body = (await record()).body as { results: ReportView[]; procedures: { status: string }[] };
        return body.results.length === 2 && body.procedures.length === 1 ? body : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 300 },
    );
    expect(json.results.find((r) => r.code.code === '1022441000000105')?.results.length).toBe(2);
    expect(json.procedures).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);

    const fhir = await recordApi.get(`/patients/${nhsNumber}/record?_format=fhir`, {
      authorization: `Bearer ${reader}`,
      'x-purpose-of-use': 'DIRECT_CARE',
    });
    expect(fhir.status).toBe(200);
    const resources = ((fhir.body as Bundle).entry ?? []).map((e) => e.resource);
    const reports = resources.filter((r): r is DiagnosticReport => r?.resourceType === 'DiagnosticReport');
    expect(reports.map((r) => r.status).sort()).toEqual(['cancelled', 'final']);
    const hba1c = reports.find((r) => r.status === 'final');
    expect((hba1c?.contained as Observation[]).map((o) => o.code.coding?.[0].code)).toEqual([
      '718-7',
      '777-3',
    ]);
    expect(resources.filter((r): r is Procedure => r?.resourceType === 'Procedure')).toHaveLength(1);
    const { rows } = await pool.query<{ kind: string }>(
      `select kind from "${schema}".record_item where nhs_number = $1 and not removed order by kind`,
      [nhsNumber],
    );
    expect(rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['procedure', 'result', 'result']));
  });
});
