import { testNhsNumber } from '@crosscare/events/synthetic';
import { testEvents } from '@crosscare/projection/testing';
import { eventually } from '@crosscare/testing';
import { DEAD_LETTER_HEADERS } from '../../apps/projector/src/consumer/dead-letter-publisher';
import { readDeadLetters } from '../../apps/projector/src/dead-letters/dead-letter-store';
import { RegionUnderTest } from '../../apps/projector/src/testing/region-under-test';

jest.setTimeout(120_000);

/**
 * `npm run dlq -- list|show|replay --collaborative CCR` as an operator runs it (docs/operations.md, "Dead letters";
 * docs/projections.md): against what a running projector dead-lettered, on a region of the suite's own.
 */
describe('dlq command line (real broker, registry and Postgres)', () => {
  let region: RegionUnderTest;

  beforeAll(async () => {
    region = await RegionUnderTest.start('dlq_cli');
  });

  afterAll(() => region.close());

  it('lists and shows what a running projector dead-lettered, and replays one once its cause is fixed', async () => {
    const schema = region.newSchema('CCR');
    await region.startProjector('CCR', schema);
    const topology = region.topology('CCR');
    const dlq = (...args: string[]) =>
      region.runTool('dlq', [...args, '--collaborative', 'CCR'], 'CCR', schema);

    // A value the read model refuses (here a constraint standing in for a projection bug), and a corrupt frame.
    await region.query(
      `alter table "${schema}".record_item add constraint refuses_c131 check (source_record_id <> 'Condition/c-131')`,
    );
    const refusedPatient = testNhsNumber(131);
    const corruptPatient = testNhsNumber(132);
    const refused = testEvents.ProblemRecorded({
      header: { nhsNumber: refusedPatient, sourceRecordId: 'Condition/c-131' },
    });
    await region.publish([
      refused,
      testEvents.AllergyRecorded({
        header: { nhsNumber: refusedPatient, sourceRecordId: 'AllergyIntolerance/a-131' },
      }),
    ]);
    await region.publishRaw(topology.recordChangeTopics[0], corruptPatient, Buffer.from('not an avro frame'));
    const letters = await eventually('both dead-lettered', async () => {
      const all = await readDeadLetters(region.kafka.kafka, topology.deadLetterTopic, 'crosscare-test');
      return all.length === 2 ? all : undefined;
    });
    const refusedId = letters.find(
      (l) => l.headers[DEAD_LETTER_HEADERS.eventId] === refused.header.eventId,
    )!.id;
    const corruptId = letters.find((l) => l.key?.toString() === corruptPatient)!.id;
    // Only the culprit of its batch: the patient's other event was projected.
    expect(
      (await region.items(schema, 'nhs_number = $1', [refusedPatient])).map((r) => r.source_record_id),
    ).toEqual(['AllergyIntolerance/a-131']);

    const list = await dlq('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${topology.deadLetterTopic}: 2 dead letter(s)`);
    const row = (id: string) => list.stdout.split('\n').find((line) => line.startsWith(`${id} `));
    expect(row(refusedId)).toMatch(/ProblemRecorded\s+the read model refused the event: .*refuses_c131/);
    expect(row(corruptId)).toContain(`${topology.recordChangeTopics[0]}[`);
    expect(row(corruptId)).toMatch(/cannot decode/);

    const shown = await dlq('show', refusedId);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`key: ${refusedPatient}`);
    expect(shown.stdout).toContain(`${DEAD_LETTER_HEADERS.eventId}: ${refused.header.eventId}`);
    expect(shown.stdout).toContain('"sourceRecordId": "Condition/c-131"');
    const corrupt = await dlq('show', corruptId);
    expect(corrupt.stdout).toContain('(cannot decode');
    expect(corrupt.stdout).toContain(Buffer.from('not an avro frame').toString('hex'));

    // The fix is deployed; the operator re-drives the refused event (not the corrupt frame, which no fix mends).
    await region.query(`alter table "${schema}".record_item drop constraint refuses_c131`);
    const replay = await dlq('replay', refusedId);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain(`replayed 1 dead letter(s) onto ${topology.retryTopic}`);
    const items = await eventually('the replayed event projected', async () => {
      const rows = await region.items(schema, 'nhs_number = $1', [refusedPatient]);
      return rows.length === 2 ? rows : undefined;
    });
    expect(items.map((r) => [r.source_record_id, r.event_id])).toEqual([
      ['AllergyIntolerance/a-131', expect.any(String)],
      ['Condition/c-131', refused.header.eventId],
    ]);
    // Safe to repeat: replayed again, the version already projected changes nothing and dead-letters nothing.
    expect((await dlq('replay', refusedId)).code).toBe(0);
    const admin = await region.kafka.connectedAdmin();
    const replayed = await admin.fetchTopicOffsets(topology.retryTopic);
    await eventually('the projector past the second replay', async () => {
      const stored = await region.query<{ partition: number; next_offset: string }>(
        `select partition, next_offset from "${schema}".consumed_offset where topic = $1`,
        [topology.retryTopic],
      );
      const done = replayed.every(
        (p) =>
          p.high === '0' ||
          BigInt(stored.find((s) => s.partition === p.partition)?.next_offset ?? -1) >= BigInt(p.high),
      );
      return done ? true : undefined;
    });
    expect(await region.items(schema, 'nhs_number = $1', [refusedPatient])).toEqual(items);
    // The dead-letter topic is a record, never rewritten: the same two are listed, and no third.
    expect((await dlq('list')).stdout).toContain(`${topology.deadLetterTopic}: 2 dead letter(s)`);
    const unknown = await dlq('replay', '9:999');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no dead letter\(s\) 9:999 on /);
  });

  it('refuses a command line it does not understand, saying why, with exit code 64', async () => {
    const usage = await region.runTool(
      'dlq',
      ['replay', '--collaborative', 'CCR'],
      'CCR',
      region.newSchema('CCR'),
    );
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('replay takes dead letter ids or --all');
    expect(usage.stderr).toContain('usage: npm run dlq');
  });
});
