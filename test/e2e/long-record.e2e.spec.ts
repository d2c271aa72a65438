import { testNhsNumber } from '@crosscare/events/synthetic';
import { testEvents } from '@crosscare/projection/testing';
import { eventually } from '@crosscare/testing';
import type { Bundle } from '@medplum/fhirtypes';
import { RegionUnderTest } from '../../apps/projector/src/testing/region-under-test';
import { RecordApiUnderTest } from '../../apps/record-api/src/testing/record-api-under-test';

jest.setTimeout(600_000);

const ITEMS = Number(process.env.LONG_RECORD_ITEMS ?? 50_000);

/**
 * A record far longer than any whole-record message could carry (the v1 changelog refused records over 8 MiB): one
 * patient with 50,000 observations goes through the CCR projector, its changelog, the OHC projector's remote view
 * and both record APIs, and no changelog message is larger than one item. Each record API shows the 50 most recent,
 * says so, and finds all of them by search.
 */
describe(`a patient with ${ITEMS} items, end to end (projectors → changelog → remote view → record APIs)`, () => {
  const nhsNumber = testNhsNumber(4242);
  let region: RegionUnderTest;
  const apis: RecordApiUnderTest[] = [];

  beforeAll(async () => {
    region = await RegionUnderTest.start('long_record', 6);
  });

  afterAll(async () => {
    for (const api of apis) await api.close().catch(() => undefined);
    await region?.close();
  });

  it('projects, publishes item by item, mirrors and serves the whole record', async () => {
    const ccrSchema = region.newSchema('CCR');
    const ohcSchema = region.newSchema('OHC');
    const fast = { PROJECTOR_RELAY_INTERVAL_MS: '50' };
    const ccr = await region.startProjector('CCR', ccrSchema, fast);
    await region.startProjector('OHC', ohcSchema, fast);

    const started = Date.now();
    for (let start = 0; start < ITEMS; start += 1000)
      await region.publish(
        Array.from({ length: Math.min(1000, ITEMS - start) }, (_, i) =>
          testEvents.ObservationRecorded({
            header: {
              nhsNumber,
              sourceRecordId: `Observation/long-${start + i}`,
              occurredAt: started - (start + i),
            },
          }),
        ),
      );
    const count = async (sql: string) =>
      Number((await region.query<{ n: string }>(sql, [nhsNumber]))[0]?.n ?? 0);
    await eventually(
      'the CCR read model and the OHC remote view to hold every item',
      async () =>
        (await count(`select count(*) as n from "${ccrSchema}".record_item where nhs_number = $1`)) ===
          ITEMS &&
        (await count(`select item_count as n from "${ohcSchema}".remote_patient where nhs_number = $1`)) ===
          ITEMS &&
        (await count(`select count(*) as n from "${ohcSchema}".remote_record_item where nhs_number = $1`)) ===
          ITEMS
          ? true
          : undefined,
      { timeoutMs: 300_000, intervalMs: 1000 },
    );

    // The changelog: one message per item plus the heads of the changes, none larger than one item.
    // Counted as read (the predicate sees every entry read so far, after each message).
    let itemsRead = 0;
    let itemCount = 0;
    const log = await region.readChangelogMessages(
      ccr.services.topology.changelogTopic,
      (entries) => {
        const last = entries.at(-1)?.message;
        if (last?.type === 'item') itemsRead++;
        if (last?.type === 'head') itemCount = last.head.itemCount;
        return itemsRead >= ITEMS && itemCount === ITEMS;
      },
      180_000,
    );
    const items = log.filter((e) => e.message.type === 'item');
    expect(items).toHaveLength(ITEMS);
    expect(Math.max(...log.map((e) => e.bytes))).toBeLessThan(2_000);
    expect(log.filter((e) => e.finding !== undefined)).toEqual([]);
    expect(log.filter((e) => e.message.type === 'head').at(-1)?.record?.items).toHaveLength(ITEMS);

    // Both record APIs serve it: CCR from its read model, OHC through its remote view.
    for (const [collaborative, schema] of [
      ['CCR', ccrSchema],
      ['OHC', ohcSchema],
    ] as const) {
      const api = await RecordApiUnderTest.start({
        DATABASE_URL: region.databaseUrl,
        RECORD_API_COLLABORATIVE: collaborative,
        RECORD_API_DATABASE_SCHEMA: schema,
      });
      apis.push(api);
      // A clinician at the practice that recorded the observations: a relationship with the patient.
      const org = testEvents.ObservationRecorded().header.providerOdsCode;
      const headers = { authorization: `Bearer ${api.token({ org })}`, 'x-purpose-of-use': 'DIRECT_CARE' };
      const json = await api.get(`/patients/${nhsNumber}/record`, headers);
      expect(json.status).toBe(200);
      const body = json.body as { sources: { collaborative: string }[]; observations: unknown[] };
      expect(body.sources.map((s) => s.collaborative)).toEqual(['CCR']);
      expect(body.observations.length).toBeGreaterThan(0);
      const fhir = await api.get(`/patients/${nhsNumber}/record?_format=fhir`, headers);
      expect(fhir.status).toBe(200);
      const entries = (fhir.body as Bundle).entry ?? [];
      const observations = entries.filter((e) => e.resource?.resourceType === 'Observation');
      // The view's 50 most recent, and an OperationOutcome that says so and where the rest is.
      expect(observations).toHaveLength(50);
      const shortened = entries
        .flatMap((e) => (e.resource?.resourceType === 'OperationOutcome' ? e.resource.issue : []))
        .find((issue) => issue.code === 'incomplete' && issue.expression?.includes('Observation'));
      const figures = Object.fromEntries(
        (shortened?.extension?.[0]?.extension ?? []).map((e) => [e.url, e.valueInteger ?? e.valueUri]),
      );
      expect(figures).toMatchObject({ shown: 50, total: ITEMS });

      // The rest by search, over the index the projector (CCR) and the remote view (OHC) wrote.
      const counted = await api.get(`${String(figures.search)}&_summary=count`, headers);
      expect(counted.status).toBe(200);
      expect((counted.body as Bundle).total).toBe(ITEMS);
      const page = await api.get(`${String(figures.search)}&_count=100`, headers);
      const found = ((page.body as Bundle).entry ?? []).filter((e) => e.search?.mode === 'match');
      expect(found).toHaveLength(100);
      expect((page.body as Bundle).link?.some((l) => l.relation === 'next')).toBe(true);
    }
  });
});
