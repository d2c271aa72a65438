import { ChangelogFold } from '@crosscare/projection';
import { eventually } from '@crosscare/testing';
import type { ProjectorRuntime } from '../projector-runtime';
import { churn } from '../testing/churn';
import { RegionUnderTest, type ChangelogEntry } from '../testing/region-under-test';

jest.setTimeout(120_000);

/** How many of the relay's marks (its delete of what the broker acknowledged) lose their connection. */
const LOST_MARKS = 2;

/**
 * A relay that dies between the broker's acknowledgement and its delete from the outbox (docs/projections.md, "How
 * the projector publishes it"): the next round publishes the same messages again, with the same sequences, and a
 * subscriber (ChangelogFold, the other collaborative's remote view) drops the copies.
 */
describe('changelog outbox relay that dies mid-send (real broker, registry and Postgres)', () => {
  let region: RegionUnderTest;

  beforeAll(async () => {
    region = await RegionUnderTest.start('relay_mid_send');
  });

  afterAll(() => region.close());

  it('republishes what it sent but did not mark with the same sequences, and subscribers hold each change once', async () => {
    const schema = region.newSchema('CCR');
    const ccr: ProjectorRuntime = await region.startProjector('CCR', schema);
    const ohcSchema = region.newSchema('OHC');
    await region.startProjector('OHC', ohcSchema);
    // The relay's connection dies inside its delete, after the send: "sent but not marked sent", as when the
    // database connection drops or the process is killed at that moment. A sequence, because it is not rolled back
    // with the dying transaction: only the first LOST_MARKS deletes die.
    await region.query(`create sequence "${schema}".lost_marks`);
    await region.query(
      `create function "${schema}".lose_mark() returns trigger language plpgsql as $$
       begin
         if nextval('"${schema}".lost_marks') <= ${LOST_MARKS} then perform pg_terminate_backend(pg_backend_pid()); end if;
         return null;
       end $$`,
    );
    await region.query(
      `create trigger lose_mark before delete on "${schema}".changelog_outbox
       for each statement execute function "${schema}".lose_mark()`,
    );

    await region.publish(churn({ seed: 4, patients: 12, events: 240, firstSerial: 720_000 }));
    await eventually(
      'the outbox drained past the lost marks',
      async () => {
        const [row] = await region.query<{ pending: number; marks: string }>(
          `select (select count(*)::int from "${schema}".changelog_outbox) as pending,
                  (select last_value from "${schema}".lost_marks) as marks`,
        );
        const stored = await region.query<{ n: number }>(
          `select count(*)::int as n from "${schema}".consumed_offset`,
        );
        return row.pending === 0 && Number(row.marks) > LOST_MARKS && stored[0].n > 0 ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const patients = await region.query<{ nhs_number: string; sequence: string }>(
      `select nhs_number, sequence from "${schema}".patient`,
    );
    const lastHeads = new Map(patients.map((p) => [p.nhs_number, Number(p.sequence)]));
    const topic = ccr.services.topology.changelogTopic;
    const entries = await region.readChangelogMessages(topic, (read) =>
      [...lastHeads].every(([nhsNumber, sequence]) =>
        read.some(
          (e) => e.message.type === 'head' && e.key === nhsNumber && e.message.head.sequence === sequence,
        ),
      ),
    );

    // Copies were published (the lost marks happened), and a copy is the same message: same key, sequence, bytes.
    const byMessage = new Map<string, ChangelogEntry[]>();
    for (const entry of entries) {
      const id = `${entry.key}@${entry.sequenceHeader}`;
      byMessage.set(id, [...(byMessage.get(id) ?? []), entry]);
    }
    const copied = [...byMessage.values()].filter((copies) => copies.length > 1);
    expect(copied.length).toBeGreaterThan(0);
    for (const copies of copied) {
      const [first, ...rest] = copies;
      for (const copy of rest) {
        expect(copy.partition).toBe(first.partition);
        expect(copy.message).toEqual(first.message);
      }
    }

    // A subscriber folding the topic drops the copies, finds no gap and no missing item, and holds what the read
    // model holds.
    const fold = new ChangelogFold();
    let dropped = 0;
    for (const entry of entries) {
      const outcome = fold.apply(entry.message);
      expect(outcome.finding).toBeUndefined();
      if (outcome.duplicate) dropped++;
    }
    expect(dropped).toBe(entries.length - byMessage.size);
    for (const [nhsNumber, sequence] of lastHeads) {
      const record = fold.record(nhsNumber);
      expect(record?.sequence).toBe(sequence);
      const stored = await region.items(schema, 'nhs_number = $1 and not removed', [nhsNumber]);
      expect(record?.items.map((e) => e.header.eventId).sort()).toEqual(stored.map((r) => r.event_id).sort());
    }

    // So does the other collaborative's remote view: each patient's last head, each current item once.
    const remote = async () => ({
      heads: await region.query(
        `select nhs_number, sequence::int from "${ohcSchema}".remote_patient order by nhs_number`,
      ),
      items: await region.query(
        `select nhs_number, provider_ods_code, source_record_id, part
         from "${ohcSchema}".remote_record_item order by 1, 2, 3, 4`,
      ),
    });
    const expected = {
      heads: await region.query(
        `select nhs_number, sequence::int from "${schema}".patient order by nhs_number`,
      ),
      items: await region.query(
        `select nhs_number, provider_ods_code, source_record_id, part
         from "${schema}".record_item where not removed order by 1, 2, 3, 4`,
      ),
    };
    const held = await eventually(
      'the remote view to hold every patient as the read model does',
      async () => {
        const view = await remote();
        return JSON.stringify(view.heads) === JSON.stringify(expected.heads) ? view : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(held.items).toEqual(expected.items);
  });
});
