import type { RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { partitionOfKey } from '@crosscare/kafka';
import { changelogKey, itemKindOf } from '@crosscare/projection';
import { testEvents } from '@crosscare/projection/testing';
import { encodeRecordItem, SEQUENCE_HEADER } from '@crosscare/read-model';
import { eventually } from '@crosscare/testing';
import type { Message } from 'kafkajs';
import type { ProjectorRuntime } from '../projector-runtime';
import { RegionUnderTest } from '../testing/region-under-test';

jest.setTimeout(60_000);

const QNC_ACUTE = { providerOdsCode: 'RNB', ics: 'QNC', collaborative: 'OHC' };

/**
 * The other collaborative's changelog as a cross-ICS subscriber meets it (docs/projections.md, "The contract a
 * subscriber codes against" and "The remote view"): a message at or below the patient's last head is a redelivery and
 * is dropped; a head that skips a number is a gap, counted in crosscare_projector_remote_changelog_gaps_total.
 */
describe('remote changelog gaps and redeliveries (real broker, registry and Postgres)', () => {
  let region: RegionUnderTest;
  let ccr: ProjectorRuntime;
  let schema: string;

  beforeAll(async () => {
    region = await RegionUnderTest.start('remote_changelog');
    schema = region.newSchema('CCR');
    ccr = await region.startProjector('CCR', schema);
  });

  afterAll(() => region.close());

  it('drops redelivered changes, counts a missed one, and keeps what each later change says', async () => {
    const nhsNumber = testNhsNumber(141);
    // OHC's changelog, written here as OHC's relay would write it: the CCR projector reads it as its remote changelog.
    const topic = ccr.services.topology.remoteChangelogTopic;
    const admin = await region.kafka.connectedAdmin();
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const partition = partitionOfKey(nhsNumber, metadata.partitions.length);
    const encounter = (id: string) =>
      testEvents.EncounterStarted({ header: { ...QNC_ACUTE, nhsNumber, sourceRecordId: `Encounter/${id}` } });
    const [a, b, c] = [encounter('e-141-a'), encounter('e-141-b'), encounter('e-141-c')];

    /** One change: its item values and tombstones, then its head, all with its sequence, on the patient's partition. */
    const change = async (
      sequence: number,
      set: readonly RecordChangeEvent[],
      removed: readonly RecordChangeEvent[],
      itemCount: number,
    ): Promise<Message[]> => {
      const updatedAt = Date.now();
      const message = (key: string, value: Buffer | null): Message => ({
        key,
        value,
        partition,
        headers: { [SEQUENCE_HEADER]: String(sequence) },
      });
      const keyOf = (e: RecordChangeEvent) => ({
        providerOdsCode: e.header.providerOdsCode,
        sourceRecordId: e.header.sourceRecordId,
        part: e.header.eventType,
      });
      const items = await Promise.all(
        set.map(async (e) =>
          message(
            changelogKey(nhsNumber, keyOf(e)),
            await region.changelogSerde.encodeItem(
              {
                nhsNumber,
                collaborative: 'OHC',
                sequence,
                updatedAt,
                ...keyOf(e),
                kind: itemKindOf(e.header.eventType)!,
              },
              encodeRecordItem(e),
            ),
          ),
        ),
      );
      const tombstones = removed.map((e) => message(changelogKey(nhsNumber, keyOf(e)), null));
      const head = message(
        changelogKey(nhsNumber),
        await region.changelogSerde.encodeHead({
          nhsNumber,
          collaborative: 'OHC',
          sequence,
          updatedAt,
          mergedInto: null,
          mergedFrom: [],
          itemCount,
          changeItems: items.length + tombstones.length,
        }),
      );
      return [...items, ...tombstones, head];
    };
    const heldSequence = async () => {
      const [row] = await region.query<{ sequence: string }>(
        `select sequence from "${schema}".remote_patient where nhs_number = $1`,
        [nhsNumber],
      );
      return row ? Number(row.sequence) : undefined;
    };
    const producer = await region.producer();

    const first = await change(1, [a], [], 1);
    await producer.send({ topic, messages: first });
    await eventually('the first change in the remote view', async () =>
      (await heldSequence()) === 1 ? true : undefined,
    );
    const second = await change(2, [b], [a], 1);
    await producer.send({
      topic,
      messages: [
        ...second,
        // The relay died between its send and its delete and published the change again, same sequence.
        ...second,
        // A stale copy of the first change: applied, it would bring back the item the second change deleted.
        ...first,
        // Change 3 never arrives.
        ...(await change(4, [c], [], 2)),
      ],
    });
    await eventually('the fourth change in the remote view', async () =>
      (await heldSequence()) === 4 ? true : undefined,
    );

    const items = await region.query<{ source_record_id: string; sequence: string }>(
      `select source_record_id, sequence from "${schema}".remote_record_item where nhs_number = $1
       order by source_record_id`,
      [nhsNumber],
    );
    expect(items).toEqual([
      { source_record_id: 'Encounter/e-141-b', sequence: '2' },
      { source_record_id: 'Encounter/e-141-c', sequence: '4' },
    ]);
    const [head] = await region.query(
      `select collaborative, item_count::int from "${schema}".remote_patient where nhs_number = $1`,
      [nhsNumber],
    );
    expect(head).toEqual({ collaborative: 'OHC', item_count: 2 });
    // One gap (2 → 4); the repeated change 2 and the stale change 1 are redeliveries, not gaps.
    const metrics = await ccr.services.metrics.registry.metrics();
    expect(
      metrics
        .split('\n')
        .filter((l) => l.startsWith('crosscare_projector_remote_changelog_gaps_total{'))
        .filter((l) => l.includes(`topic="${topic}"`)),
    ).toEqual([expect.stringMatching(/ 1$/)]);

    // A subscriber reading the same topic with ChangelogFold finds the same: one gap, and the record of change 4.
    const entries = await region.readChangelogMessages(topic, (read) =>
      read.some((e) => e.message.type === 'head' && e.message.head.sequence === 4),
    );
    expect(entries.flatMap((e) => (e.finding ? [e.finding] : []))).toEqual([
      { type: 'gap', nhsNumber, held: 2, received: 4 },
    ]);
    const record = entries.find((e) => e.message.type === 'head' && e.message.head.sequence === 4)!.record!;
    expect(record.sequence).toBe(4);
    expect(record.items.map((e) => e.header.sourceRecordId).sort()).toEqual([
      'Encounter/e-141-b',
      'Encounter/e-141-c',
    ]);
  });
});
