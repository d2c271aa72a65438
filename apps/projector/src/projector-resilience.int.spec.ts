import { eventually } from '@crosscare/testing';
import type { ChildProcess } from 'node:child_process';
import type { ProjectorRuntime } from './projector-runtime';
import { churn, seededRandom } from './testing/churn';
import { exactlyOnceFindings, type ReadModelItem, type ReadModelPatient } from './testing/exactly-once-audit';
import { RegionUnderTest, sleep } from './testing/region-under-test';

jest.setTimeout(300_000);

describe('projector under crashes and scale-out (real broker, registry and Postgres)', () => {
  let region: RegionUnderTest;

  beforeAll(async () => {
    region = await RegionUnderTest.start('resilience');
  });

  afterAll(() => region.close());

  /** Whether the read model's stored positions have reached the end of every ICS partition it reads. */
  async function caughtUp(schema: string, topics: readonly string[]): Promise<boolean> {
    const admin = await region.kafka.connectedAdmin();
    const stored = await region.query<{ topic: string; partition: number; next_offset: string }>(
      `select topic, partition, next_offset from "${schema}".consumed_offset`,
    );
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (p.high === '0') continue;
        const position = stored.find((s) => s.topic === topic && s.partition === p.partition);
        if (!position || BigInt(position.next_offset) < BigInt(p.high)) return false;
      }
    }
    return true;
  }

  const itemCount = async (schema: string) =>
    Number(
      (await region.query<{ n: string }>(`select count(*) as n from "${schema}".record_item`))[0]?.n ?? 0,
    );

  it('after kill -9 mid-batch, several times while events flow, the read model equals a from-scratch build', async () => {
    const events = churn({ seed: 20261125, patients: 60, events: 6000, firstSerial: 300_000 });
    const topology = region.topology('CCR');
    const icsTopics = topology.recordChangeTopics.filter((t) => t !== topology.retryTopic);
    const crashed = region.newSchema('CCR');
    const random = seededRandom(7);

    // Events keep flowing in small chunks for the whole test, as from live providers.
    const publishing = (async () => {
      for (let i = 0; i < events.length; i += 150) {
        await region.publish(events.slice(i, i + 150));
        await sleep(40);
      }
    })();

    let kills = 0;
    for (; kills < 4; kills++) {
      const before = await itemCount(crashed).catch(() => 0);
      const child = region.spawnProjector('CCR', crashed, { PROJECTOR_MAX_BYTES_PER_PARTITION: '16384' });
      // Kill only once it is demonstrably projecting: its item count moved.
      await eventually(
        `projector run ${kills + 1} to project something`,
        async () => ((await itemCount(crashed).catch(() => 0)) > before ? true : undefined),
        { timeoutMs: 60_000, intervalMs: 20 },
      );
      await sleep(Math.floor(random() * 300));
      await killHard(child);
    }
    await publishing;

    const survivor = region.spawnProjector('CCR', crashed);
    await eventually(
      'the restarted projector to catch up',
      async () => ((await caughtUp(crashed, icsTopics)) ? true : undefined),
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    await eventually('the outbox drained', async () => {
      const [row] = await region.query<{ n: string }>(
        `select count(*) as n from "${crashed}".changelog_outbox`,
      );
      return row.n === '0' ? true : undefined;
    });
    await killHard(survivor);
    // The whole changelog, not its tail, before the from-scratch build publishes to the same topic. Nothing is
    // compacted yet (min.compaction.lag.ms is a minute, and the active segment is never compacted).
    // This test's patients only: when the scale-out test ran first, the ICS topics (which this test's projectors read
    // from the start) and the changelog (where its read model published them too) also hold its patients.
    const ours = new Set(events.map((event) => event.header.nhsNumber));
    const changelog = (
      await region.readChangelogMessages(topology.changelogTopic, 'end-offsets', 60_000)
    ).filter(({ message }) => ours.has(message.type === 'head' ? message.head.nhsNumber : message.nhsNumber));
    const patients = (
      await region.query<{ nhs_number: string; sequence: string; merged_into: string | null }>(
        `select nhs_number, sequence, merged_into from "${crashed}".patient where nhs_number = any($1)`,
        [[...ours]],
      )
    ).map((p): ReadModelPatient => ({
      nhsNumber: p.nhs_number,
      sequence: Number(p.sequence),
      mergedInto: p.merged_into,
    }));
    const liveItems = (await region.items(crashed, 'not removed and nhs_number = any($1)', [[...ours]])).map(
      (i): ReadModelItem => ({
        nhsNumber: i.nhs_number,
        providerOdsCode: i.provider_ods_code,
        sourceRecordId: i.source_record_id,
        part: i.part,
        item: i.item ?? Buffer.alloc(0),
      }),
    );

    const fresh = region.newSchema('CCR');
    const scratch = await region.startProjector('CCR', fresh);
    await eventually(
      'the from-scratch build to catch up',
      async () => ((await caughtUp(fresh, icsTopics)) ? true : undefined),
      { timeoutMs: 120_000, intervalMs: 250 },
    );

    const [afterCrashes, fromScratch] = [await region.items(crashed), await region.items(fresh)];
    expect(kills).toBe(4);
    expect(afterCrashes.length).toBeGreaterThan(300);
    expect(afterCrashes).toEqual(fromScratch);
    // Exactly-once effect, which equal item rows cannot show (a write applied twice leaves its row as it was): per
    // patient, the changelog numbers its changes 1..n with no gap and no number reused, n is the read model's
    // sequence, every change changed the record (none consumed a number re-applying what was there), and the record
    // the changelog assembles is the read model's.
    expect(patients.filter((p) => p.sequence > 1).length).toBeGreaterThan(50);
    expect(changelog.length).toBeGreaterThan(afterCrashes.filter((i) => ours.has(i.nhs_number)).length);
    expect(exactlyOnceFindings(changelog, patients, liveItems)).toEqual([]);
    const pointers = (schema: string) =>
      region.query(
        `select nhs_number, merged_into from "${schema}".patient where merged_into is not null order by 1`,
      );
    expect(await pointers(crashed)).toEqual(await pointers(fresh));
    expect((await pointers(fresh)).length).toBeGreaterThan(0);
    // It publishes to the same changelog topic as the other test's projectors: stopped before they start.
    await region.stopProjector(scratch);
  });

  it('shares partitions between two instances of one group: no event projected twice, per-patient order kept', async () => {
    const schema = region.newSchema('CCR');
    const first = await region.startProjector('CCR', schema, { PROJECTOR_INSTANCE_ID: 'first' });
    const second = await region.startProjector('CCR', schema, { PROJECTOR_INSTANCE_ID: 'second' });
    const metadata = await (
      await region.kafka.connectedAdmin()
    ).fetchTopicMetadata({ topics: first.services.consumer.topics });
    const partitions = metadata.topics.reduce((n, t) => n + t.partitions.length, 0);
    const ids = (list: readonly { topic: string; partition: number }[]) =>
      list.map((p) => `${p.topic}:${p.partition}`);
    // Each instance learns its share when it rejoins: wait for the settled split, disjoint and complete.
    await eventually(
      'the two instances to split the partitions between them',
      () => {
        const [a, b] = [ids(first.services.consumer.assignment), ids(second.services.consumer.assignment)];
        const disjoint = a.length > 0 && b.length > 0 && a.every((p) => !b.includes(p));
        return disjoint && new Set([...a, ...b]).size === partitions ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );

    const events = churn({ seed: 99, patients: 30, events: 900, firstSerial: 400_000 });
    await region.publish(events);
    const topology = region.topology('CCR');
    await eventually(
      'the group to project everything',
      async () =>
        (await caughtUp(
          schema,
          topology.recordChangeTopics.filter((t) => t !== topology.retryTopic),
        ))
          ? true
          : undefined,
      { timeoutMs: 120_000, intervalMs: 250 },
    );

    // Every message on the ICS topics (the other test's too, if it ran first: the group reads from the start) was
    // projected or dead-lettered exactly once between the two instances; redeliveries a rebalance causes are skipped,
    // not redone.
    const handled = async (runtime: ProjectorRuntime) =>
      (await runtime.services.metrics.events.get()).values
        .filter((v) => v.labels.outcome === 'projected' || v.labels.outcome === 'dead_lettered')
        .filter(
          (v) => v.labels.topic !== topology.retryTopic && v.labels.topic !== topology.remoteChangelogTopic,
        )
        .reduce((n, v) => n + v.value, 0);
    const [byFirst, bySecond] = [await handled(first), await handled(second)];
    expect(byFirst).toBeGreaterThan(0);
    expect(bySecond).toBeGreaterThan(0);
    const admin = await region.kafka.connectedAdmin();
    let published = 0;
    for (const topic of topology.recordChangeTopics.filter((t) => t !== topology.retryTopic))
      for (const p of await admin.fetchTopicOffsets(topic)) published += Number(p.high) - Number(p.low);
    expect(byFirst + bySecond).toBe(published);

    // Per patient, the changelog's sequence numbers rise by one, in topic order, with no repeats.
    await eventually('the outbox drained', async () => {
      const [row] = await region.query<{ n: string }>(
        `select count(*) as n from "${schema}".changelog_outbox`,
      );
      return row.n === '0' ? true : undefined;
    });
    // One of this test's own patients: the suite's changelog topic may also hold the other test's records (other read
    // models, republished after each kill -9), and for its patients those can carry the same sequence numbers, so
    // reading until one of them could stop early and mix two read models' records.
    const ours = [...new Set(events.map((event) => event.header.nhsNumber))];
    const [patient] = await region.query<{ nhs_number: string; sequence: string }>(
      `select nhs_number, sequence from "${schema}".patient where nhs_number = any($1)
       order by sequence desc limit 1`,
      [ours],
    );
    const log = await region.readChangelog(topology.changelogTopic, (rs) =>
      rs.some(
        (r) =>
          r.key === patient.nhs_number &&
          r.record.sequence === Number(patient.sequence) &&
          r.record.collaborative === 'CCR',
      ),
    );
    const mine = log
      .filter((r) => r.key === patient.nhs_number && r.record.sequence <= Number(patient.sequence))
      .slice(-Number(patient.sequence));
    expect(mine.map((r) => r.record.sequence)).toEqual(mine.map((_, i) => i + 1));

    // And what two instances built equals what one builds from scratch.
    const fresh = region.newSchema('CCR');
    const single = await region.startProjector('CCR', fresh);
    await eventually(
      'a single-instance build to catch up',
      async () =>
        (await caughtUp(
          fresh,
          topology.recordChangeTopics.filter((t) => t !== topology.retryTopic),
        ))
          ? true
          : undefined,
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(await region.items(schema)).toEqual(await region.items(fresh));
    // They publish to the same changelog topic as the other test's projectors: stopped, so that they cannot go on
    // publishing its patients' records (from other read models) while it checks them.
    for (const runtime of [first, second, single]) await region.stopProjector(runtime);
  });
});

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) throw new Error(`the projector exited by itself with code ${child.exitCode}`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
