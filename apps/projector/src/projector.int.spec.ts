import { recordChangeTopic } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { testEvents, TEST_PROVIDERS } from '@crosscare/projection/testing';
import { decodeRecordItem } from '@crosscare/read-model';
import { eventually } from '@crosscare/testing';
import { partitionOfKey } from '@crosscare/kafka';
import { activeSharingObjection, patientOfChangelogKey } from '@crosscare/projection';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProjectorApp } from './projector-app';
import { DEAD_LETTER_HEADERS } from './consumer/dead-letter-publisher';
import { readDeadLetters, replayDeadLetters } from './dead-letters/dead-letter-store';
import type { ProjectorRuntime } from './projector-runtime';
import { RegionUnderTest, type ChangelogEntry } from './testing/region-under-test';

jest.setTimeout(120_000);

const QNC_ACUTE = { providerOdsCode: 'RNB', ics: 'QNC', collaborative: 'OHC' };

describe('projector (real broker, registry and Postgres)', () => {
  let region: RegionUnderTest;
  let ccr: ProjectorRuntime;
  let ccrSchema: string;

  beforeAll(async () => {
    region = await RegionUnderTest.start('projector');
    ccrSchema = region.newSchema('CCR');
    ccr = await region.startProjector('CCR', ccrSchema);
  });

  afterAll(() => region.close());

  const itemsOf = (nhsNumber: string) => region.items(ccrSchema, 'nhs_number = $1', [nhsNumber]);

  it('keeps the highest version of a record whatever order its versions arrive in', async () => {
    const nhsNumber = testNhsNumber(101);
    const header = { nhsNumber, sourceRecordId: 'AllergyIntolerance/a-101' };
    await region.publish([
      testEvents.AllergyRecorded({
        header: { ...header, sourceRecordVersion: 2 },
        clinicalStatus: 'RESOLVED',
      }),
      testEvents.AllergyRecorded({ header: { ...header, sourceRecordVersion: 1 }, clinicalStatus: 'ACTIVE' }),
      testEvents.PatientRegistered({ header: { nhsNumber, sourceRecordId: 'Patient/p-101' } }),
    ]);
    const items = await eventually('both items projected', async () => {
      const rows = await itemsOf(nhsNumber);
      return rows.length === 2 ? rows : undefined;
    });
    const allergy = items.find((i) => i.kind === 'allergy');
    expect(allergy?.source_record_version).toBe('2');
    expect(decodeRecordItem(allergy!.item!)).toMatchObject({ clinicalStatus: 'RESOLVED' });
  });

  it('removes a removed record, and a late copy of an older version does not bring it back', async () => {
    const nhsNumber = testNhsNumber(102);
    const header = { nhsNumber, sourceRecordId: 'Condition/c-102' };
    await region.publish([
      testEvents.ProblemRecorded({ header: { ...header, sourceRecordVersion: 1 } }),
      testEvents.RecordRemoved({
        header: { ...header, sourceRecordVersion: 2, operation: 'DELETE' },
        removedEventType: 'ProblemRecorded',
        removedSourceRecordId: header.sourceRecordId,
      }),
      testEvents.ProblemRecorded({ header: { ...header, sourceRecordVersion: 1, eventId: undefined } }),
      testEvents.ImmunisationRecorded({ header: { nhsNumber, sourceRecordId: 'Immunization/i-102' } }),
    ]);
    const items = await eventually('the immunisation after the removal is projected', async () => {
      const rows = await itemsOf(nhsNumber);
      return rows.some((r) => r.kind === 'immunisation') ? rows : undefined;
    });
    const problem = items.find((i) => i.kind === 'problem');
    expect(problem).toMatchObject({ removed: true, source_record_version: '2', event_type: 'RecordRemoved' });
    const record = await eventually('the changelog record without the problem', async () => {
      const log = await region.readChangelog(ccr.services.topology.changelogTopic, (rs) =>
        rs.some(
          (r) =>
            r.key === nhsNumber && r.record.items.some((e) => e.header.eventType === 'ImmunisationRecorded'),
        ),
      );
      return log.filter((r) => r.key === nhsNumber).pop();
    });
    expect(record.record.items.map((e) => e.header.eventType)).toEqual(['ImmunisationRecorded']);
  });

  it('moves a merged record to the surviving NHS number, points the retired one at it, and redirects late events', async () => {
    const retired = testNhsNumber(103);
    const surviving = testNhsNumber(104);
    await region.publish([
      testEvents.AllergyRecorded({
        header: { nhsNumber: retired, sourceRecordId: 'AllergyIntolerance/a-103' },
      }),
      testEvents.PatientRegistered({ header: { nhsNumber: surviving, sourceRecordId: 'Patient/p-104' } }),
    ]);
    await eventually('the retired number has its allergy', async () =>
      (await itemsOf(retired)).length === 1 ? true : undefined,
    );
    await region.publish([
      testEvents.PatientMerged({
        header: { nhsNumber: surviving, sourceRecordId: 'Patient/p-104', sourceRecordVersion: 2 },
        retiredNhsNumber: retired,
        survivingNhsNumber: surviving,
      }),
    ]);
    await eventually('the allergy moved to the survivor', async () =>
      (await itemsOf(surviving)).length === 2 ? true : undefined,
    );
    // Recorded under the retired number after the merge (a provider that had not caught up): lands on the survivor.
    await region.publish([
      testEvents.ProblemRecorded({ header: { nhsNumber: retired, sourceRecordId: 'Condition/c-103' } }),
    ]);
    const items = await eventually('the late problem redirected', async () => {
      const rows = await itemsOf(surviving);
      return rows.length === 3 ? rows : undefined;
    });
    expect(await itemsOf(retired)).toEqual([]);
    const problem = items.find((i) => i.kind === 'problem');
    expect(decodeRecordItem(problem!.item!).header.nhsNumber).toBe(retired);
    const [pointer] = await region.query<{ merged_into: string }>(
      `select merged_into from "${ccrSchema}".patient where nhs_number = $1`,
      [retired],
    );
    expect(pointer.merged_into).toBe(surviving);
    const log = await region.readChangelog(
      ccr.services.topology.changelogTopic,
      (rs) =>
        rs.some((r) => r.key === retired && r.record.mergedInto === surviving) &&
        rs.some((r) => r.key === surviving && r.record.mergedFrom.includes(retired)),
    );
    const survivor = log.filter((r) => r.key === surviving).pop();
    expect(survivor?.record.mergedFrom).toEqual([retired]);
  });

  it('publishes every change of a patient to the changelog with consecutive sequence numbers, in order', async () => {
    const nhsNumber = testNhsNumber(105);
    for (let version = 1; version <= 5; version++)
      await region.publish([
        testEvents.MedicationPrescribed({
          header: { nhsNumber, sourceRecordId: 'MedicationRequest/m-105', sourceRecordVersion: version },
          dosageText: `version ${version}`,
        }),
      ]);
    const log = await region.readChangelog(ccr.services.topology.changelogTopic, (rs) =>
      rs.some(
        (r) =>
          r.key === nhsNumber &&
          r.record.items.some((e) => 'dosageText' in e && e.dosageText === 'version 5'),
      ),
    );
    const mine = log.filter((r) => r.key === nhsNumber);
    const sequences = mine.map((r) => r.record.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => sequences[0] + i));
    expect(mine.map((r) => r.sequenceHeader)).toEqual(sequences.map(String));
    await eventually('the outbox drained', async () => {
      const [row] = await region.query<{ n: string }>(
        `select count(*) as n from "${ccrSchema}".changelog_outbox`,
      );
      return row.n === '0' ? true : undefined;
    });
  });

  it("publishes a change to a long record as the items it changed and a head, each on the patient's partition", async () => {
    const nhsNumber = testNhsNumber(109);
    const history = Array.from({ length: 300 }, (_, i) =>
      testEvents.ObservationRecorded({ header: { nhsNumber, sourceRecordId: `Observation/o-109-${i}` } }),
    );
    await region.publish(history);
    await region.publish([
      testEvents.ObservationRecorded({ header: { nhsNumber, sourceRecordId: 'Observation/o-109-new' } }),
      testEvents.RecordRemoved({
        header: { nhsNumber, sourceRecordId: 'Observation/o-109-7', sourceRecordVersion: 2 },
        removedEventType: 'ObservationRecorded',
        removedSourceRecordId: 'Observation/o-109-7',
      }),
    ]);
    const topic = ccr.services.topology.changelogTopic;
    const isMine = (e: ChangelogEntry) => patientOfChangelogKey(e.key) === nhsNumber;
    const holds = (e: ChangelogEntry, id: string) =>
      e.record?.items.some((item) => item.header.sourceRecordId === `Observation/o-109-${id}`) === true;
    const log = await region.readChangelogMessages(topic, (entries) =>
      entries.some((e) => isMine(e) && holds(e, 'new') && !holds(e, '7')),
    );
    const mine = log.filter(isMine);

    // Every message of the patient is on the partition Kafka's Java client would give its NHS number.
    expect(new Set(mine.map((e) => e.partition))).toEqual(new Set([partitionOfKey(nhsNumber, 6)]));
    // However the history arrived in batches, the last changes carried only the new item and the tombstone.
    const changed = mine.filter(
      (e) =>
        e.message.type !== 'head' &&
        (e.key.endsWith('o-109-new|ObservationRecorded') || e.message.type === 'tombstone'),
    );
    expect(changed.map((e) => e.message.type).sort()).toEqual(['item', 'tombstone']);
    const tombstone = changed.find((e) => e.message.type === 'tombstone')!;
    expect(tombstone.bytes).toBe(Buffer.byteLength(tombstone.key));
    // No message holds more than one item: the largest is far below one record's worth of 300 items.
    expect(Math.max(...mine.map((e) => e.bytes))).toBeLessThan(2_000);
    // A subscriber folding the topic finds nothing missing and holds the record the read model holds.
    expect(mine.filter((e) => e.finding !== undefined)).toEqual([]);
    const last = mine.filter((e) => e.record !== undefined).at(-1)!;
    const stored = await itemsOf(nhsNumber);
    expect(last.record!.items.map((e) => e.header.eventId).sort()).toEqual(
      stored
        .filter((row) => !row.removed)
        .map((row) => row.event_id)
        .sort(),
    );
  });

  it('dead-letters an event it cannot decode, with the reason and source, and keeps projecting the partition', async () => {
    const nhsNumber = testNhsNumber(106);
    const topic = recordChangeTopic('QHL', region.prefix);
    await region.publishRaw(topic, nhsNumber, Buffer.from('not an avro frame'));
    await region.publish([
      testEvents.AllergyRecorded({ header: { nhsNumber, sourceRecordId: 'AllergyIntolerance/a-106' } }),
    ]);
    await eventually('the later event projected', async () =>
      (await itemsOf(nhsNumber)).length === 1 ? true : undefined,
    );
    const letters = await eventually('the dead letter', async () => {
      const all = await readDeadLetters(
        region.kafka.kafka,
        ccr.services.topology.deadLetterTopic,
        'crosscare-test',
      );
      const mine = all.filter((l) => l.key?.toString() === nhsNumber);
      return mine.length > 0 ? mine : undefined;
    });
    expect(letters).toHaveLength(1);
    expect(letters[0].value?.toString()).toBe('not an avro frame');
    expect(letters[0].headers).toMatchObject({
      [DEAD_LETTER_HEADERS.sourceTopic]: topic,
      [DEAD_LETTER_HEADERS.consumerGroup]: ccr.services.config.groupId,
    });
    expect(letters[0].headers[DEAD_LETTER_HEADERS.reason]).toMatch(/cannot decode/);
    expect(Number(letters[0].headers[DEAD_LETTER_HEADERS.sourceOffset])).toBeGreaterThanOrEqual(0);
  });

  it('replays a dead letter through the retry topic, where a fixed cause lets it project', async () => {
    // A merge into itself is refused by the projection and dead-lettered.
    const nhsNumber = testNhsNumber(107);
    const invalid = testEvents.PatientMerged({
      header: { nhsNumber, sourceRecordId: 'Patient/p-107' },
      retiredNhsNumber: nhsNumber,
      survivingNhsNumber: nhsNumber,
    });
    await region.publish([invalid]);
    const [letter] = await eventually('the refused merge dead-lettered', async () => {
      const mine = (
        await readDeadLetters(region.kafka.kafka, ccr.services.topology.deadLetterTopic, 'crosscare-test')
      ).filter((l) => l.headers[DEAD_LETTER_HEADERS.eventId] === invalid.header.eventId);
      return mine.length > 0 ? mine : undefined;
    });
    expect(letter.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/retired/i);

    await replayDeadLetters(
      await region.producer(),
      ccr.services.topology.retryTopic,
      ccr.services.topology.deadLetterTopic,
      [letter],
    );
    // Replayed unchanged, it is refused again, now from the retry topic: proof the projector consumes replays.
    const again = await eventually('the replay dead-lettered from the retry topic', async () => {
      const mine = (
        await readDeadLetters(region.kafka.kafka, ccr.services.topology.deadLetterTopic, 'crosscare-test')
      ).filter(
        (l) =>
          l.headers[DEAD_LETTER_HEADERS.eventId] === invalid.header.eventId &&
          l.headers[DEAD_LETTER_HEADERS.sourceTopic] === ccr.services.topology.retryTopic,
      );
      return mine.length > 0 ? mine : undefined;
    });
    expect(again).toHaveLength(1);
    expect(again[0].headers[DEAD_LETTER_HEADERS.sourceTopic]).toBe(ccr.services.topology.retryTopic);
  });

  it('serves readiness, its partitions and lag per group and partition as Prometheus metrics', async () => {
    const app = await createProjectorApp(ccr);
    await app.listen(0, '127.0.0.1');
    try {
      const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      const health = (await (await fetch(`${base}/health`)).json()) as {
        assignment: unknown[];
        changelog: { relaying: boolean };
      };
      expect(health.assignment.length).toBeGreaterThan(0);
      expect(health.changelog.relaying).toBe(true);
      await ccr.services.lag.refresh();
      const metrics = await (await fetch(`${base}/metrics`)).text();
      const qhl = recordChangeTopic('QHL', region.prefix);
      const lagLines = metrics
        .split('\n')
        .filter((line) => line.startsWith('crosscare_consumer_lag{'))
        .filter(
          (line) =>
            line.includes(`group="${ccr.services.config.groupId}"`) && line.includes(`topic="${qhl}"`),
        );
      expect(lagLines.length).toBe(3);
      for (const line of lagLines) expect(line).toMatch(/ \d+$/);
      expect(metrics).toContain('crosscare_projector_events_total{');
      expect(metrics).toMatch(
        /^crosscare_consumer_lag_measured_timestamp_seconds\{group="[^"]+",.*service="projector"/m,
      );
      // The shared HTTP pair, by route pattern: the probes above were counted.
      expect(metrics).toContain(
        'crosscare_http_requests_total{route="/health/ready",method="GET",status="200"',
      );
    } finally {
      await app.close();
    }
  });

  it('refuses a read model built from another Kafka cluster, or starts it afresh when told to', async () => {
    const schema = region.newSchema('CCR');
    const first = await region.startProjector('CCR', schema);
    await region.stopProjector(first);
    await region.query(`update "${schema}".source_cluster set cluster_id = 'another-cluster'`);
    await region.query(
      `insert into "${schema}".consumed_offset (topic, partition, next_offset) values ('x', 0, 42)`,
    );

    await expect(region.startProjector('CCR', schema)).rejects.toThrow(
      /built from Kafka cluster another-cluster/,
    );
    const fresh = await region.startProjector('CCR', schema, { PROJECTOR_RESET_ON_NEW_CLUSTER: 'true' });
    expect(await region.query(`select * from "${schema}".consumed_offset where topic = 'x'`)).toEqual([]);
    const [recorded] = await region.query<{ cluster_id: string }>(
      `select cluster_id from "${schema}".source_cluster`,
    );
    expect(recorded.cluster_id).not.toBe('another-cluster');
    await region.stopProjector(fresh);
  });

  it("shows the other collaborative's records in its remote view", async () => {
    const nhsNumber = testNhsNumber(108);
    const ohcSchema = region.newSchema('OHC');
    await region.startProjector('OHC', ohcSchema);
    await region.publish([
      testEvents.EncounterStarted({
        header: { ...QNC_ACUTE, nhsNumber, sourceRecordId: 'Encounter/e-108' },
        careSetting: 'ACUTE',
        encounterClass: 'INPATIENT',
      }),
      testEvents.ProblemRecorded({
        header: { ...TEST_PROVIDERS.ccrGpPractice, nhsNumber, sourceRecordId: 'Condition/c-108' },
      }),
    ]);
    // Each side holds the other's items as items, with the head of its last change.
    const remoteView = (schema: string, description: string) =>
      eventually(description, async () => {
        const [head] = await region.query<{ collaborative: string; item_count: string }>(
          `select collaborative, item_count from "${schema}".remote_patient where nhs_number = $1`,
          [nhsNumber],
        );
        if (!head) return undefined;
        const items = await region.query<{ item: Buffer }>(
          `select item from "${schema}".remote_record_item where nhs_number = $1`,
          [nhsNumber],
        );
        return { ...head, ics: items.map((row) => decodeRecordItem(row.item).header.ics) };
      });
    expect(await remoteView(ccrSchema, "OHC's record in CCR's remote view")).toEqual({
      collaborative: 'OHC',
      item_count: '1',
      ics: ['QNC'],
    });
    expect(await remoteView(ohcSchema, "CCR's record in OHC's remote view")).toEqual({
      collaborative: 'CCR',
      item_count: '1',
      ics: ['QHL'],
    });
  });

  it("projects a patient's objection to sharing, carries it to the other collaborative, and both sides' records show it active", async () => {
    const nhsNumber = testNhsNumber(111);
    const ohcSchema = region.newSchema('OHC');
    const ohc = await region.startProjector('OHC', ohcSchema);
    const objection = testEvents.SharingObjectionRecorded({
      header: { ...TEST_PROVIDERS.ccrGpPractice, nhsNumber, sourceRecordId: 'Consent/s-111' },
    });
    await region.publish([
      objection,
      testEvents.EncounterStarted({ header: { ...QNC_ACUTE, nhsNumber, sourceRecordId: 'Encounter/e-111' } }),
    ]);

    const [item] = await eventually('the objection projected in CCR', async () => {
      const rows = (await itemsOf(nhsNumber)).filter((row) => row.kind === 'sharing-objection');
      return rows.length === 1 ? rows : undefined;
    });
    expect(item).toMatchObject({ part: 'SharingObjectionRecorded', event_type: 'SharingObjectionRecorded' });
    expect(decodeRecordItem(item.item!)).toMatchObject({ status: 'ACTIVE', statedOn: objection.statedOn });
    const carried = await eventually("CCR's objection in OHC's remote view", async () => {
      const rows = await region.query<{ item: Buffer }>(
        `select item from "${ohcSchema}".remote_record_item where nhs_number = $1`,
        [nhsNumber],
      );
      const events = rows.map((row) => decodeRecordItem(row.item));
      return events.some((e) => e.header.eventType === 'SharingObjectionRecorded') ? events : undefined;
    });
    expect(carried.find((e) => e.header.eventType === 'SharingObjectionRecorded')?.header.eventId).toBe(
      objection.header.eventId,
    );

    // What the record API reads: each collaborative's own snapshot of the patient, from its changelog.
    const latestOf = async (topic: string, description: string) =>
      eventually(description, async () => {
        const log = await region.readChangelog(topic, (rs) => rs.some((r) => r.key === nhsNumber));
        return log.filter((r) => r.key === nhsNumber).pop()?.record;
      });
    const records = [
      await latestOf(ccr.services.topology.changelogTopic, "the patient's CCR record"),
      await latestOf(ohc.services.topology.changelogTopic, "the patient's OHC record"),
    ];
    expect(records.map((r) => r.items.map((e) => e.header.eventType))).toEqual([
      ['SharingObjectionRecorded'],
      ['EncounterStarted'],
    ]);
    expect(activeSharingObjection(records)).toMatchObject({
      provider: TEST_PROVIDERS.ccrGpPractice.providerOdsCode,
      eventId: objection.header.eventId,
    });
    await region.stopProjector(ohc);
  });
});
