import { recordChangeTopic } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { testEvents, TEST_PROVIDERS } from '@crosscare/projection/testing';
import { ChangelogFold } from '@crosscare/projection';
import { eventually } from '@crosscare/testing';
import { DEAD_LETTER_HEADERS } from '../consumer/dead-letter-publisher';
import { readDeadLetters } from '../dead-letters/dead-letter-store';
import { loadProjectorConfig } from '../projector-config';
import { churn } from '../testing/churn';
import { RegionUnderTest, sleep } from '../testing/region-under-test';
import { endOffsetReaching, TransactionLanes, type LaneMessage } from '../testing/transaction-lanes';
import { rebuildReadModel } from './rebuild-read-model';

jest.setTimeout(240_000);

describe('projector:rebuild (real broker, registry and Postgres)', () => {
  let region: RegionUnderTest;

  beforeAll(async () => {
    region = await RegionUnderTest.start('rebuild');
  });

  afterAll(() => region.close());

  it('replays into a fresh schema while the old one serves, then switches without a gap in the changelog', async () => {
    const name = region.newSchema('CCR');
    const live = await region.startProjector('CCR', name);
    const events = churn({ seed: 5, patients: 40, events: 2400, firstSerial: 500_000 });
    await region.publish(events.slice(0, 1200));
    const patient = events[0].header.nhsNumber;
    await eventually('the live read model to project the first half', async () => {
      const [row] = await region.query<{ n: string }>(`select count(*) as n from "${name}".record_item`);
      return Number(row.n) > 0 ? true : undefined;
    });
    // A poison message the live projector dead-letters; the rebuild's replay meets it again.
    const topology = region.topology('CCR');
    const poisonTopic = topology.recordChangeTopics[0];
    await region.publishRaw(poisonTopic, patient, Buffer.from('not an avro frame'));
    // This read model's letters: a projector the other test started reads the same topics, and letters it too.
    const poisonLetters = async () =>
      (await readDeadLetters(region.kafka.kafka, topology.deadLetterTopic, 'crosscare-test')).filter(
        (l) =>
          l.headers[DEAD_LETTER_HEADERS.sourceTopic] === poisonTopic &&
          l.headers[DEAD_LETTER_HEADERS.consumerGroup] === live.services.config.groupId,
      );
    await eventually('the live projector to dead-letter the poison message', async () =>
      (await poisonLetters()).length > 0 ? true : undefined,
    );

    // The second half flows while the rebuild replays.
    const flowing = (async () => {
      for (let i = 1200; i < events.length; i += 100) {
        await region.publish(events.slice(i, i + 100));
        await sleep(30);
      }
    })();
    const replayed: bigint[] = [];
    const rebuilt = region.newSchema('CCR');
    const outcome = await rebuildReadModel(
      loadProjectorConfig(region.environment('CCR', name)),
      { replay: (done) => replayed.push(done), step: () => undefined },
      { schema: rebuilt, pollMs: 100 },
    );
    await flowing;

    expect(outcome).toMatchObject({ previousSchema: name, schema: rebuilt });
    expect(replayed.length).toBeGreaterThan(0);
    expect(replayed).toEqual([...replayed].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    await eventually(
      'the live projector to reopen on the rebuilt schema',
      () => (live.services.schema === rebuilt ? true : undefined),
      { timeoutMs: 30_000 },
    );

    // The rebuild met the poison message again and left the dead letter already on the topic alone.
    expect(await poisonLetters()).toHaveLength(1);

    // Everything published so far is in the rebuilt schema, exactly as the old one had projected it.
    const caughtUp = async (schema: string) => {
      const admin = await region.kafka.connectedAdmin();
      const stored = await region.query<{ topic: string; partition: number; next_offset: string }>(
        `select topic, partition, next_offset from "${schema}".consumed_offset`,
      );
      for (const topic of topology.recordChangeTopics.filter((t) => t !== topology.retryTopic))
        for (const p of await admin.fetchTopicOffsets(topic)) {
          const position = stored.find((s) => s.topic === topic && s.partition === p.partition)?.next_offset;
          if (p.high !== '0' && BigInt(position ?? -1) < BigInt(p.high)) return false;
        }
      return true;
    };
    await eventually(
      'the rebuilt schema to hold every event',
      async () => ((await caughtUp(rebuilt)) ? true : undefined),
      { timeoutMs: 60_000 },
    );
    // Sequence numbers carry over: the patient's next record is numbered after the last one the old schema published.
    const [old] = await region.query<{ sequence: string }>(
      `select sequence from "${name}".patient where nhs_number = $1`,
      [patient],
    );
    const [carried] = await region.query<{ sequence: string }>(
      `select sequence from "${rebuilt}".patient where nhs_number = $1`,
      [patient],
    );
    expect(Number(carried.sequence)).toBeGreaterThanOrEqual(Number(old.sequence));
    await region.publish([
      testEvents.ImmunisationRecorded({
        header: { nhsNumber: patient, sourceRecordId: 'Immunization/after-switch' },
      }),
    ]);
    const log = await region.readChangelog(topology.changelogTopic, (rs) =>
      rs.some(
        (r) =>
          r.key === patient &&
          r.record.items.some((e) => e.header.sourceRecordId === 'Immunization/after-switch'),
      ),
    );
    const sequences = log.filter((r) => r.key === patient).map((r) => r.record.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));

    // And the rebuilt read model is what a from-scratch build makes of the same topics.
    const fresh = region.newSchema('CCR');
    const scratch = await region.startProjector('CCR', fresh);
    await eventually(
      'a from-scratch build to catch up',
      async () => ((await caughtUp(fresh)) && (await caughtUp(rebuilt)) ? true : undefined),
      { timeoutMs: 60_000 },
    );
    const after = await region.items(rebuilt);
    expect(after.length).toBeGreaterThan(100);
    expect(after).toEqual(await region.items(fresh));
    // Stopped, so that they do not go on projecting (and dead-lettering) the other test's events.
    await Promise.all([region.stopProjector(live), region.stopProjector(scratch)]);
  });

  it('fills the changelog from a read model whose changelog is incomplete, so a subscriber reading only the fill holds every record', async () => {
    const name = region.newSchema('CCR');
    const live = await region.startProjector('CCR', name, { PROJECTOR_RELAY_INTERVAL_MS: '50' });
    const events = churn({ seed: 9, patients: 30, events: 900, firstSerial: 600_000 });
    await region.publish(events);
    const topology = region.topology('CCR');
    const drained = async (schema: string) => {
      const [row] = await region.query<{ n: string }>(
        `select count(*) as n from "${schema}".changelog_outbox`,
      );
      return row.n === '0';
    };
    const admin = await region.kafka.connectedAdmin();
    const projectedAll = async () => {
      const stored = await region.query<{ topic: string; partition: number; next_offset: string }>(
        `select topic, partition, next_offset from "${name}".consumed_offset`,
      );
      for (const topic of topology.recordChangeTopics)
        for (const p of await admin.fetchTopicOffsets(topic)) {
          const position = stored.find((s) => s.topic === topic && s.partition === p.partition)?.next_offset;
          if (BigInt(position ?? 0) < BigInt(p.high)) return false;
        }
      return drained(name);
    };
    await eventually(
      'the live read model to project and publish every event',
      async () => ((await projectedAll()) ? true : undefined),
      { timeoutMs: 60_000 },
    );
    await sleep(500);
    const before = await region.query<{ nhs_number: string; sequence: string }>(
      `select nhs_number, sequence from "${name}".patient`,
    );
    // As a read model migrated from the whole-record changelog would say: what it holds is not all on v2.
    await region.query(`update "${name}".changelog_contract set complete = false`);
    const fillStart = new Map(
      (await admin.fetchTopicOffsets(topology.changelogTopic)).map((p) => [p.partition, BigInt(p.high)]),
    );

    const rebuilt = region.newSchema('CCR');
    const outcome = await rebuildReadModel(
      loadProjectorConfig(region.environment('CCR', name)),
      { replay: () => undefined, step: () => undefined },
      { schema: rebuilt, pollMs: 100 },
    );
    expect(outcome.republished).toBe(before.length);
    await eventually('the live projector to reopen on the rebuilt schema and publish the fill', async () =>
      live.services.schema === rebuilt && (await drained(rebuilt)) ? true : undefined,
    );
    expect(await region.query(`select version, complete from "${rebuilt}".changelog_contract`)).toEqual([
      { version: 2, complete: true },
    ]);

    // Only what the switch published, folded as a new subscriber would: every record, whole.
    const fill = new ChangelogFold();
    const all = await region.readChangelogMessages(
      topology.changelogTopic,
      (entries) =>
        entries.filter((e) => e.message.type === 'head' && BigInt(e.offset) >= fillStart.get(e.partition)!)
          .length >= before.length,
    );
    for (const entry of all.filter((e) => BigInt(e.offset) >= (fillStart.get(e.partition) ?? 0n)))
      expect(fill.apply(entry.message).finding).toBeUndefined();
    for (const { nhs_number: nhsNumber, sequence } of before) {
      const record = fill.record(nhsNumber);
      expect(record?.sequence).toBe(Number(sequence) + 1);
      const stored = await region.items(rebuilt, 'nhs_number = $1 and not removed', [nhsNumber]);
      expect(record?.items.map((e) => e.header.eventId).sort()).toEqual(
        stored.map((row) => row.event_id).sort(),
      );
    }
    // Stopped, so that it does not go on projecting (and dead-lettering) the other test's events.
    await region.stopProjector(live);
  });
});

/** docs/reliability.md, finding 2: partitions that end in markers, not messages. */
describe('projector:rebuild over partitions ending in commit markers (real broker, registry and Postgres)', () => {
  let region: RegionUnderTest;
  let lanes: TransactionLanes;

  beforeAll(async () => {
    // One partition per ICS topic: every message of a topic lands on partition 0.
    region = await RegionUnderTest.start('rebuild_markers', 1);
    lanes = new TransactionLanes(region.kafka.kafka);
  });

  afterAll(async () => {
    await lanes.close();
    await region.close();
  });

  const message = async (serial: number, ics: 'QHL' | 'QWU' | 'QGH'): Promise<LaneMessage> => {
    const event = testEvents.ProblemRecorded({
      header: {
        ...MARKER_PROVIDERS[ics],
        nhsNumber: testNhsNumber(serial),
        sourceRecordId: `Condition/rebuild-markers-${serial}`,
      },
    });
    return {
      key: event.header.nhsNumber,
      value: await region.serde.encode(event.header.eventType as never, event as never),
    };
  };
  const positions = async (schema: string, topics: readonly string[]) =>
    new Map(
      (
        await region.query<{ topic: string; next_offset: string }>(
          `select topic, next_offset from "${schema}".consumed_offset where topic = any($1::text[]) and partition = 0`,
          [topics],
        )
      ).map((r) => [r.topic, BigInt(r.next_offset)]),
    );

  it('completes when partitions end in two interleaved commit markers and in an aborted transaction', async () => {
    const name = region.newSchema('CCR');
    const live = await region.startProjector('CCR', name);
    const [twoMarkers, abortedTail] = [
      recordChangeTopic('QHL', region.prefix),
      recordChangeTopic('QWU', region.prefix),
    ];
    await lanes.interleaveCommits(twoMarkers, 0, [await message(301, 'QHL'), await message(302, 'QHL')]);
    await lanes.interleaveCommits(abortedTail, 0, [await message(311, 'QWU'), await message(312, 'QWU')]);
    await lanes.abort(abortedTail, 0, [await message(313, 'QWU')]);
    const admin = await region.kafka.connectedAdmin();
    const ends = new Map([
      [twoMarkers, await endOffsetReaching(admin, twoMarkers, 0, 4n)],
      [abortedTail, await endOffsetReaching(admin, abortedTail, 0, 6n)],
    ]);
    await eventually('the live read model to reach both partitions’ ends', async () => {
      const stored = await positions(name, [...ends.keys()]);
      return [...ends].every(([topic, end]) => stored.get(topic) === end) ? true : undefined;
    });

    const rebuilt = region.newSchema('CCR');
    const outcome = await rebuildReadModel(
      loadProjectorConfig(region.environment('CCR', name)),
      { replay: () => undefined, step: () => undefined },
      // Well beyond a replay of a few records: a replay that stops short of the markers fails here, not at Jest's limit.
      { schema: rebuilt, pollMs: 100, replayStallTimeoutMs: 30_000 },
    );

    expect(outcome).toMatchObject({ previousSchema: name, schema: rebuilt });
    expect(await positions(rebuilt, [...ends.keys()])).toEqual(ends);
    await eventually('the live projector to reopen on the rebuilt schema', () =>
      live.services.schema === rebuilt ? true : undefined,
    );
    expect((await region.items(rebuilt)).map((i) => i.source_record_id)).toEqual(
      (await region.items(name)).map((i) => i.source_record_id),
    );
    expect((await region.items(rebuilt)).map((i) => i.source_record_id).sort()).toEqual([
      'Condition/rebuild-markers-301',
      'Condition/rebuild-markers-302',
      'Condition/rebuild-markers-311',
      'Condition/rebuild-markers-312',
    ]);
  });

  it('does not wait for a transaction still open: it replays to the last stable offset and switches', async () => {
    // A stall is what the rebuild's stall timeout is for (replay-progress.unit.spec.ts); an ingest transaction left
    // open is not one: the end offsets are read read_committed, so the replay's target stops before it.
    const name = region.newSchema('CCR');
    await region.startProjector('CCR', name);
    const held = recordChangeTopic('QGH', region.prefix);
    const open = await lanes.open(held, 0, [await message(321, 'QGH')]);
    try {
      const steps: string[] = [];
      const rebuilt = region.newSchema('CCR');
      await rebuildReadModel(
        loadProjectorConfig(region.environment('CCR', name)),
        { replay: () => undefined, step: (m) => steps.push(m) },
        { schema: rebuilt, pollMs: 100, replayStallTimeoutMs: 60_000 },
      );
      expect(steps.some((s) => s.startsWith('switched'))).toBe(true);
      const [active] = await region.query<{ schema: string }>(
        `select schema from projector_control.active_read_model where name = $1`,
        [name],
      );
      expect(active.schema).toBe(rebuilt);
    } finally {
      await open.abort();
    }
  });
});

const MARKER_PROVIDERS = {
  QHL: TEST_PROVIDERS.ccrGpPractice,
  QWU: { providerOdsCode: 'RTO', ics: 'QWU', collaborative: 'CCR' },
  QGH: { providerOdsCode: 'REI', ics: 'QGH', collaborative: 'CCR' },
};
