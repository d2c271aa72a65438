import { ChangelogSerde, SEQUENCE_HEADER } from '@crosscare/read-model';
import { changelogTopic } from '@crosscare/events';
import { fhirFixtures } from '@crosscare/fhir/testing';
import { CERNER_ADT, withControlId } from '@crosscare/hl7v2/testing';
import { eventually, uniqueIdentifier, uniqueName } from '@crosscare/testing';
import type { Bundle, Provenance } from '@medplum/fhirtypes';
import { send, startIngest, type IngestUnderTest } from '../../apps/ingest/src/testing/ingest-under-test';
import { loadProjectorConfig } from '../../apps/projector/src/projector-config';
import { ProjectorRuntime } from '../../apps/projector/src/projector-runtime';
import { RecordApiUnderTest } from '../../apps/record-api/src/testing/record-api-under-test';
import { Pool } from 'pg';

jest.setTimeout(180_000);

/**
 * The whole path, as a patient's care crosses the CCR/OHC boundary: a GP practice in Birmingham and Solihull (QHL,
 * CCR) sends a FHIR Condition and an acute trust in Staffordshire and Stoke-on-Trent (QNC, OHC) an HL7 v2 admission
 * through ingest; both collaboratives' projectors project them; each publishes its changelog and follows the other's;
 * the record API shows the whole record with provenance, and audits the read.
 */
describe('a patient shared across both collaboratives (ingest → projectors → changelogs → record API)', () => {
  const nhsNumber = '9990000018';
  let ingest: IngestUnderTest;
  let ccr: ProjectorRuntime;
  let ohc: ProjectorRuntime;
  let recordApi: RecordApiUnderTest;
  let pool: Pool;
  let prefix: string;
  const schemas = { CCR: uniqueIdentifier('e2e_ccr'), OHC: uniqueIdentifier('e2e_ohc') };

  beforeAll(async () => {
    ingest = await startIngest('shared_record');
    prefix = ingest.topic('QHL').replace(/\.qhl\.record-changes\.v1$/, '');
    const projector = (collaborative: 'CCR' | 'OHC') =>
      ProjectorRuntime.start(
        loadProjectorConfig({
          ...ingest.kafka.environment,
          SCHEMA_REGISTRY_URL: ingest.registry.url,
          DATABASE_URL: process.env.DATABASE_URL,
          PROJECTOR_COLLABORATIVE: collaborative,
          PROJECTOR_DATABASE_SCHEMA: schemas[collaborative],
          PROJECTOR_TOPIC_PREFIX: prefix,
          PROJECTOR_GROUP_ID: `${prefix}-${collaborative}`,
          PROJECTOR_RELAY_INTERVAL_MS: '50',
          LOG_LEVEL: 'error',
        }),
      );
    [ccr, ohc] = [await projector('CCR'), await projector('OHC')];
    recordApi = await RecordApiUnderTest.start({ RECORD_API_DATABASE_SCHEMA: schemas.CCR });
    pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  });

  afterAll(async () => {
    for (const step of [
      () => recordApi?.close(),
      () => ccr?.stop(),
      () => ohc?.stop(),
      () => ingest?.close(),
      ...Object.values(schemas).map((s) => () => pool.query(`drop schema if exists "${s}" cascade`)),
      () => pool?.end(),
    ])
      await step()?.catch(() => undefined);
  });

  it('shows the GP problem and the hospital admission, each with its provenance, from both read models', async () => {
    const gp = ingest.provider('GP_PRACTICE', 'QHL');
    const trust = ingest.provider('ACUTE_TRUST', 'QNC');
    const condition = fhirFixtures.gpCondition(nhsNumber);
    condition.id = uniqueName('condition');
    const fhir = await send(ingest.url, 'PUT', `/fhir/Condition/${condition.id}`, {
      token: await ingest.credentialFor(gp.odsCode),
      body: condition,
    });
    expect(fhir.status).toBe(202);
    const admission = withControlId(
      CERNER_ADT.A01.replace(/^MSH\|\^~\\&\|CERNER\|RRK\|/, `MSH|^~\\&|CERNER|${trust.odsCode}|`),
      uniqueName('adt'),
    );
    const hl7 = await send(ingest.url, 'POST', '/hl7v2', {
      token: await ingest.credentialFor(trust.odsCode),
      body: admission,
      contentType: 'x-application/hl7-v2+er7',
    });
    expect(hl7.status).toBe(202);

    // Each collaborative's read model holds its own provider's item.
    const item = (collaborative: 'CCR' | 'OHC', kind: string) =>
      eventually(
        `the ${kind} in ${collaborative}'s read model`,
        async () => {
          const { rows } = await pool.query<{ provider_ods_code: string; ics: string }>(
            `select provider_ods_code, ics from "${schemas[collaborative]}".record_item
           where nhs_number = $1 and kind = $2 and not removed`,
            [nhsNumber, kind],
          );
          return rows[0];
        },
        { timeoutMs: 60_000 },
      );
    expect(await item('CCR', 'problem')).toEqual({ provider_ods_code: gp.odsCode, ics: 'QHL' });
    expect(await item('OHC', 'encounter')).toEqual({ provider_ods_code: trust.odsCode, ics: 'QNC' });

    // Both changelogs carry the patient's items, keyed by NHS number and item.
    const serde = new ChangelogSerde(
      new (await import('@crosscare/events')).SchemaRegistryClient({ url: ingest.registry.url }),
      { register: false },
    );
    for (const [collaborative, ics] of [
      ['CCR', 'QHL'],
      ['OHC', 'QNC'],
    ] as const) {
      const consumer = await ingest.kafka.consumer(uniqueIdentifier('changelog'));
      const seen: { key: string; ics: string[] }[] = [];
      await consumer.subscribe({ topic: changelogTopic(collaborative, prefix), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? '';
          const read = await serde.decode(key, message.value, message.headers?.[SEQUENCE_HEADER]?.toString());
          if (read.type === 'item') seen.push({ key: read.nhsNumber, ics: [read.event.header.ics] });
        },
      });
      await eventually(
        `${collaborative}'s changelog item`,
        () => (seen.some((r) => r.key === nhsNumber && r.ics.includes(ics)) ? true : undefined),
        { timeoutMs: 30_000 },
      );
      await ingest.kafka.close(consumer);
    }

    // The CCR record API shows both, merged, with provenance; the read is audited.
    // A clinician at the GP practice that recorded the problem: a relationship (CARE_PROVIDER) with the patient.
    const token = recordApi.token({ org: gp.odsCode });
    const correlationId = uniqueName('read');
    const json = await eventually(
      'the record with both collaboratives',
      async () => {
        const answer = await recordApi.get(`/patients/${nhsNumber}/record`, {
          authorization: `Bearer ${token}`,
          'x-purpose-of-use': 'DIRECT_CARE',
          'x-correlation-id': correlationId,
        });
        const sources = (answer.body?.sources ?? []) as { collaborative: string }[];
        return answer.status === 200 && sources.length === 2
          ? (answer.body as { problems: unknown; encounters: unknown })
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(json.problems).toEqual([
      expect.objectContaining({
        provenance: expect.objectContaining({
          providerOdsCode: gp.odsCode,
          ics: 'QHL',
          collaborative: 'CCR',
        }),
      }),
    ]);
    expect(json.encounters).toEqual([
      expect.objectContaining({
        open: true,
        started: expect.objectContaining({
          provenance: expect.objectContaining({
            providerOdsCode: trust.odsCode,
            ics: 'QNC',
            collaborative: 'OHC',
          }),
        }),
      }),
    ]);

    const fhirAnswer = await recordApi.get(`/patients/${nhsNumber}/record?_format=fhir`, {
      authorization: `Bearer ${token}`,
      'x-purpose-of-use': 'DIRECT_CARE',
    });
    expect(fhirAnswer.status).toBe(200);
    const bundle = fhirAnswer.body as Bundle;
    const types = (bundle.entry ?? []).map((e) => e.resource?.resourceType);
    expect(types).toEqual(expect.arrayContaining(['Patient', 'Condition', 'Encounter', 'Provenance']));
    const authors = (bundle.entry ?? [])
      .map((e) => e.resource)
      .filter((r): r is Provenance => r?.resourceType === 'Provenance')
      .map((p) => p.agent[0]?.who?.identifier?.value);
    expect(authors).toEqual(expect.arrayContaining([gp.odsCode, trust.odsCode]));

    const audited = await recordApi.auditedReads(correlationId, 1, 0);
    expect(audited.at(-1)?.event).toMatchObject({
      nhsNumber,
      purposeOfUse: 'DIRECT_CARE',
      outcome: 'RETURNED',
      organisationOdsCode: gp.odsCode,
      relationship: 'CARE_PROVIDER',
    });
    expect(
      audited
        .at(-1)
        ?.event.sources.map((s) => s.collaborative)
        .sort(),
    ).toEqual(['CCR', 'OHC']);
  });
});
