import { recordChangeTopic, type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { changelogKey } from '@crosscare/projection';
import { testEvents, TEST_PROVIDERS } from '@crosscare/projection/testing';
import { SEQUENCE_HEADER } from '@crosscare/read-model';
import { eventually } from '@crosscare/testing';
import type { ProjectorRuntime } from '../projector-runtime';
import { RegionUnderTest } from '../testing/region-under-test';
import {
  endOffset,
  endOffsetReaching,
  TransactionLanes,
  type LaneMessage,
} from '../testing/transaction-lanes';

jest.setTimeout(120_000);

/**
 * docs/reliability.md, finding 2: ingest's lanes are separate transactional producers, so a partition can end in two
 * commit markers, or in an aborted transaction. Neither reaches a projection; the projector's stored position must
 * still reach the partition's end offset, so a fully projected partition shows a lag of 0.
 */
describe('partitions ending in commit markers or an aborted transaction (real broker, registry and Postgres)', () => {
  let region: RegionUnderTest;
  let lanes: TransactionLanes;
  let ccr: ProjectorRuntime;
  let schema: string;

  beforeAll(async () => {
    // One partition per ICS topic: every message of a topic lands on partition 0.
    region = await RegionUnderTest.start('commit_markers', 1);
    lanes = new TransactionLanes(region.kafka.kafka);
    schema = region.newSchema('CCR');
    ccr = await region.startProjector('CCR', schema);
  });

  afterAll(async () => {
    await lanes.close();
    await region.close();
  });

  const message = async (event: RecordChangeEvent): Promise<LaneMessage> => ({
    key: event.header.nhsNumber,
    value: await region.serde.encode(event.header.eventType as never, event as never),
  });
  const providers = {
    QHL: TEST_PROVIDERS.ccrGpPractice,
    QWU: { providerOdsCode: 'RTO', ics: 'QWU', collaborative: 'CCR' },
    QGH: { providerOdsCode: 'REI', ics: 'QGH', collaborative: 'CCR' },
  };
  const problem = (serial: number, ics: keyof typeof providers = 'QHL') =>
    testEvents.ProblemRecorded({
      header: {
        ...providers[ics],
        nhsNumber: testNhsNumber(serial),
        sourceRecordId: `Condition/markers-${serial}`,
      },
    });
  const position = async (topic: string, partition: number) => {
    const [row] = await region.query<{ next_offset: string }>(
      `select next_offset from "${schema}".consumed_offset where topic = $1 and partition = $2`,
      [topic, partition],
    );
    return row ? BigInt(row.next_offset) : undefined;
  };
  const projectedTo = async (topic: string, partition: number, end: bigint) =>
    eventually(`${topic}[${partition}]'s stored position to reach its end offset ${end}`, async () =>
      (await position(topic, partition)) === end ? true : undefined,
    );
  const lagOf = async (topic: string, partition: number) =>
    (await ccr.services.lag.refresh()).find((l) => l.topic === topic && l.partition === partition)?.lag;
  const sourceRecordIds = async (serials: readonly number[]) =>
    (
      await region.query<{ source_record_id: string }>(
        `select source_record_id from "${schema}".record_item where nhs_number = any($1::text[])
         order by source_record_id`,
        [serials.map((s) => testNhsNumber(s))],
      )
    ).map((r) => r.source_record_id);

  it('projects a partition ending in two interleaved transactions’ commit markers to its end: lag 0', async () => {
    const topic = recordChangeTopic('QHL', region.prefix);
    await lanes.interleaveCommits(topic, 0, [await message(problem(201)), await message(problem(202))]);
    const admin = await region.kafka.connectedAdmin();
    // Two messages, then two markers: the layout of finding 2.
    await endOffsetReaching(admin, topic, 0, 4n);

    await projectedTo(topic, 0, 4n);
    expect(await sourceRecordIds([201, 202])).toEqual(['Condition/markers-201', 'Condition/markers-202']);
    expect(await lagOf(topic, 0)).toBe(0n);
  });

  it('moves past an aborted transaction at the tail of a partition, projecting none of it: lag 0', async () => {
    const topic = recordChangeTopic('QWU', region.prefix);
    await lanes.interleaveCommits(topic, 0, [
      await message(problem(211, 'QWU')),
      await message(problem(212, 'QWU')),
    ]);
    await projectedTo(topic, 0, 4n);
    // A later fetch holds only the aborted records and the abort marker: kafkajs hands no batch to the projection.
    await lanes.abort(topic, 0, [await message(problem(213, 'QWU')), await message(problem(214, 'QWU'))]);
    const admin = await region.kafka.connectedAdmin();
    await endOffsetReaching(admin, topic, 0, 7n);

    await projectedTo(topic, 0, 7n);
    expect(await lagOf(topic, 0)).toBe(0n);
    // Committed afterwards: the position moved past the aborted records only, not past what follows them.
    await lanes.interleaveCommits(topic, 0, [
      await message(problem(215, 'QWU')),
      await message(problem(216, 'QWU')),
    ]);
    await projectedTo(topic, 0, 11n);
    expect(await sourceRecordIds([211, 212, 213, 214, 215, 216])).toEqual([
      'Condition/markers-211',
      'Condition/markers-212',
      'Condition/markers-215',
      'Condition/markers-216',
    ]);
  });

  it('starts a partition that holds only an aborted transaction at its end offset', async () => {
    const topic = recordChangeTopic('QGH', region.prefix);
    await lanes.abort(topic, 0, [await message(problem(221, 'QGH'))]);
    const admin = await region.kafka.connectedAdmin();
    await endOffsetReaching(admin, topic, 0, 2n);

    await projectedTo(topic, 0, 2n);
    expect(await lagOf(topic, 0)).toBe(0n);
    expect(await sourceRecordIds([221])).toEqual([]);
  });

  it('projects the remote changelog to its end when it ends in two commit markers: lag 0', async () => {
    const topic = ccr.services.topology.remoteChangelogTopic;
    const head = async (serial: number): Promise<LaneMessage> => {
      const nhsNumber = testNhsNumber(serial);
      return {
        key: changelogKey(nhsNumber),
        value: await region.changelogSerde.encodeHead({
          nhsNumber,
          collaborative: 'OHC',
          sequence: 1,
          updatedAt: Date.now(),
          mergedInto: null,
          mergedFrom: [],
          itemCount: 0,
          changeItems: 0,
        }),
        headers: { [SEQUENCE_HEADER]: '1' },
      };
    };
    const admin = await region.kafka.connectedAdmin();
    const before = await endOffset(admin, topic, 0);
    await lanes.interleaveCommits(topic, 0, [await head(231), await head(232)]);
    const end = await endOffsetReaching(admin, topic, 0, before + 4n);

    await projectedTo(topic, 0, end);
    const heads = await region.query<{ nhs_number: string }>(
      `select nhs_number from "${schema}".remote_patient where nhs_number = any($1::text[]) order by nhs_number`,
      [[testNhsNumber(231), testNhsNumber(232)]],
    );
    expect(heads.map((h) => h.nhs_number)).toEqual([testNhsNumber(231), testNhsNumber(232)].sort());
    expect(await lagOf(topic, 0)).toBe(0n);
  });
});
