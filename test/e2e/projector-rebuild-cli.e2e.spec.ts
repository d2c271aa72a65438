import { eventually } from '@crosscare/testing';
import { churn } from '../../apps/projector/src/testing/churn';
import { RegionUnderTest } from '../../apps/projector/src/testing/region-under-test';

jest.setTimeout(120_000);

/**
 * `npm run projector:rebuild -- --collaborative CCR` as an operator runs it to recover a damaged read model
 * (docs/operations.md, "Rebuild"): the rebuilt read model is, row for row, what the projector had built before.
 */
describe('projector:rebuild command line (real broker, registry and Postgres)', () => {
  let region: RegionUnderTest;
  let rebuilt: string | undefined;

  beforeAll(async () => {
    region = await RegionUnderTest.start('rebuild_cli');
  });

  afterAll(async () => {
    // The rebuild named its fresh schema itself: the region does not know to drop it.
    if (rebuilt) await region.query(`drop schema if exists "${rebuilt}" cascade`).catch(() => undefined);
    await region.close();
  });

  it('rebuilds a damaged read model into a fresh schema equal to the original, and the projector follows it', async () => {
    const name = region.newSchema('CCR');
    const live = await region.startProjector('CCR', name);
    const topology = region.topology('CCR');
    await region.publish(churn({ seed: 18, patients: 25, events: 600, firstSerial: 700_000 }));
    const admin = await region.kafka.connectedAdmin();
    await eventually(
      'the live read model to project every event',
      async () => {
        const stored = await region.query<{ topic: string; partition: number; next_offset: string }>(
          `select topic, partition, next_offset from "${name}".consumed_offset`,
        );
        for (const topic of topology.recordChangeTopics)
          for (const p of await admin.fetchTopicOffsets(topic)) {
            const at = stored.find((s) => s.topic === topic && s.partition === p.partition)?.next_offset;
            if (BigInt(at ?? 0) < BigInt(p.high)) return undefined;
          }
        return true;
      },
      { timeoutMs: 60_000 },
    );
    const patientsOf = (schema: string) =>
      region.query(`select nhs_number, merged_into from "${schema}".patient order by nhs_number`);
    const original = await region.items(name);
    const originalPatients = await patientsOf(name);
    expect(original.length).toBeGreaterThan(50);

    // Damage, as a bad manual fix would leave it: a patient's items gone, another item changed.
    const [victim] = original;
    await region.query(`delete from "${name}".record_item where nhs_number = $1`, [
      original.at(-1)!.nhs_number,
    ]);
    await region.query(
      `update "${name}".record_item set source_record_version = 999, event_type = 'Damaged'
       where provider_ods_code = $1 and source_record_id = $2 and part = $3`,
      [victim.provider_ods_code, victim.source_record_id, victim.part],
    );
    expect(await region.items(name)).not.toEqual(original);

    const run = await region.runTool('projector:rebuild', ['--collaborative', 'CCR'], 'CCR', name);
    expect(run).toMatchObject({ code: 0 });
    const served = / now served by (\S+) \(previous: (\S+), kept for a rollback\)/.exec(run.stdout);
    expect(served?.[2]).toBe(name);
    rebuilt = served![1];
    expect(rebuilt).not.toBe(name);
    // The patient whose items were deleted differs from what the damaged schema held: its record is published again.
    expect(Number(/(\d+) changelog record\(s\) republished/.exec(run.stdout)?.[1])).toBeGreaterThanOrEqual(1);

    expect(await region.items(rebuilt)).toEqual(original);
    expect(await patientsOf(rebuilt)).toEqual(originalPatients);
    // The read model's name now points at the rebuilt schema, and the running projector reopened on it.
    await eventually('the projector to follow the switch', () =>
      live.services.schema === rebuilt ? true : undefined,
    );
    // Stopped here, not by the region: afterAll drops the rebuilt schema, which a running projector would still use.
    await region.stopProjector(live);
  });
});
