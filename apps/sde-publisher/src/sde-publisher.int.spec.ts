import { sdeNoticeTopic, sdeProjectTopic, type RecordChangeEvent } from '@crosscare/events';
import { isValidNhsNumber, loadProviderDirectory } from '@crosscare/governance';
import { Pseudonymiser, type SdeProject } from '@crosscare/sde';
import { generateRegion } from '@crosscare/synthetic-region';
import { tableFromIPC } from 'apache-arrow';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readParquet } from 'parquet-wasm';
import { exportProject } from './export/export-project';
import type { SdePublisherServices } from './sde-publisher-services';
import { SdeUnderTest, type SdeTopicMessage } from './testing/sde-under-test';

/**
 * The proof issue 16 asks for, over the real broker, registry and Postgres: a seeded synthetic region through the
 * publisher into both approved projects, every byte of every SDE topic scanned for the generated patients' direct
 * identifiers, pseudonyms stable within a project and unlinkable across, and opt-outs before and after publication,
 * withdrawn, and not applied where the project is exempt.
 */

const DIABETES = 'diabetes-outcomes';
const URGENT = 'urgent-care-flow';

let sde: SdeUnderTest;
let publisher: SdePublisherServices;
let events: RecordChangeEvent[];
/** The last patient's events are held back, to arrive after their opt-out. */
let heldBack: RecordChangeEvent[];
let lateNhsNumber: string;

const topicOf = (project: SdeProject) => sdeProjectTopic(project.id, project.output.version, sde.prefix);
const noticesOf = (project: SdeProject) => sdeNoticeTopic(project.id, sde.prefix);
const pseudonymsOf = (id: string) => new Pseudonymiser(sde.key(id));

/** Patients in order of first appearance, with the number of their events each project would receive. */
function nhsNumbers(list: readonly RecordChangeEvent[]): string[] {
  return [...new Set(list.map((e) => e.header.nhsNumber))];
}

/**
 * The patients the opt-out tests act on, chosen up front so the tests of what each project receives can leave them
 * out: a type 1 objection removes its patient for good, and the held-back patient's events arrive only in its test.
 * (The national opt-out's patient is withdrawn again within its test, as it was.)
 */
const encounterPatients = () => nhsNumbers(events.filter((e) => e.header.eventType === 'EncounterStarted'));
const optedOutAfterPublication = () => encounterPatients()[0];
const type1Objector = () => encounterPatients()[1];

const rowsOf = (state: Map<string, Record<string, unknown>>, pseudonym: string) =>
  [...state.values()].filter((row) => row.pseudonym === pseudonym);

beforeAll(async () => {
  sde = await SdeUnderTest.start('proof');
  const all = [...generateRegion({ seed: 16, patients: 30, directory: loadProviderDirectory() })];
  const patients = nhsNumbers(all);
  lateNhsNumber = patients[patients.length - 1];
  events = all.filter((e) => e.header.nhsNumber !== lateNhsNumber);
  heldBack = all.filter((e) => e.header.nhsNumber === lateNhsNumber);
  await sde.publish(events);
  publisher = await sde.startPublisher();
  await sde.settled(publisher);
}, 180_000);

afterAll(async () => {
  await sde?.close();
}, 60_000);

describe('what each project receives', () => {
  it('is every approved event of every patient, pseudonymised with the project key, and nothing unapproved', async () => {
    for (const id of [DIABETES, URGENT]) {
      const project = sde.project(id);
      const state = SdeUnderTest.current(await sde.readTopic(topicOf(project)));
      const keys = pseudonymsOf(id);
      // Whichever of the opt-out tests ran before this one: their patients' rows are theirs to assert.
      const changedByOptOuts = new Set([type1Objector(), lateNhsNumber].map((nhs) => keys.patient(nhs)));
      const expected = events.filter(
        (e) => project.events.has(e.header.eventType as never) && e.header.nhsNumber !== type1Objector(),
      );
      // Restricted social care is never released; neither project approves it, so every approved event is a row.
      expect(
        [...state.values()].filter((row) => !changedByOptOuts.has(row.pseudonym as string)),
      ).toHaveLength(expected.length);
      for (const event of expected) {
        const row = state.get(`${keys.patient(event.header.nhsNumber)}.${keys.event(event.header.eventId)}`);
        expect(row).toBeDefined();
        expect(row!.eventType).toBe(event.header.eventType);
        expect(row!.recordId).toBe(keys.record(event.header.providerOdsCode, event.header.sourceRecordId));
      }
      for (const row of state.values()) expect(project.events.has(row.eventType as never)).toBe(true);
    }
  });

  it('gives one patient one pseudonym within a project and unrelated ones across projects', async () => {
    const pseudonyms = async (id: string) =>
      new Set(
        [...SdeUnderTest.current(await sde.readTopic(topicOf(sde.project(id)))).values()].map(
          (r) => r.pseudonym,
        ),
      );
    const diabetes = await pseudonyms(DIABETES);
    const urgent = await pseudonyms(URGENT);
    // Rows per patient collapse onto one pseudonym each: no more pseudonyms than patients.
    expect(diabetes.size).toBeLessThanOrEqual(nhsNumbers(events).length);
    expect(diabetes.size).toBeGreaterThan(0);
    expect([...diabetes].filter((p) => urgent.has(p))).toEqual([]);
    for (const nhs of nhsNumbers(events))
      expect(pseudonymsOf(DIABETES).patient(nhs)).not.toBe(pseudonymsOf(URGENT).patient(nhs));
  });

  it('generalises as approved: birth year for one project, year and month for the other; districts and sectors', async () => {
    const registered = (id: string) =>
      sde
        .readTopic(topicOf(sde.project(id)))
        .then((m) =>
          [...SdeUnderTest.current(m).values()].filter((r) => r.eventType === 'PatientRegistered'),
        );
    const diabetes = await registered(DIABETES);
    const urgent = await registered(URGENT);
    expect(diabetes.length).toBeGreaterThan(0);
    for (const row of diabetes) {
      const fields = row.patientRegistered as Record<string, unknown>;
      expect(fields.birthDate).toMatch(/^\d{4}$/);
      if (fields.postcode !== null) expect(fields.postcode).toMatch(/^[A-Z]{1,2}\d[A-Z\d]?$/);
      expect(row.occurred).toMatch(/^\d{4}-\d{2}$/);
    }
    for (const row of urgent) {
      const fields = row.patientRegistered as Record<string, unknown>;
      expect(fields.birthDate).toMatch(/^\d{4}-\d{2}$/);
      if (fields.postcode !== null) expect(fields.postcode).toMatch(/^[A-Z]{1,2}\d[A-Z\d]? \d$/);
    }
  });
});

describe('the scan: no direct identifier of a generated patient in any byte of any SDE topic', () => {
  it('finds no NHS number, name, address line, full postcode, full date of birth or source record id', async () => {
    const identifiers = directIdentifiers([...events, ...heldBack]);
    let scanned = 0;
    const hits: string[] = [];
    for (const project of sde.projects) {
      for (const topic of [topicOf(project), noticesOf(project)]) {
        const messages: SdeTopicMessage[] = await sde.readTopic(topic).catch(() => []);
        for (const m of messages) {
          const text = Buffer.concat([Buffer.from(m.key), m.raw ?? Buffer.alloc(0)]).toString('latin1');
          scanned += text.length;
          for (const found of scan(text, identifiers))
            hits.push(`${topic}@${m.partition}/${m.offset}: ${found}`);
        }
      }
    }
    expect(scanned).toBeGreaterThan(10_000);
    expect(hits).toEqual([]);
  });

  it('finds none in an export either: every file as stored, and every value of every Parquet file decompressed', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sde-proof-export-')), 'diabetes-outcomes');
    try {
      const { manifest } = await exportProject({
        dataSource: publisher.db,
        registry: sde.client,
        project: sde.project(DIABETES),
        out,
      });
      expect(manifest.totalRows).toBeGreaterThan(0);
      const identifiers = directIdentifiers([...events, ...heldBack]);
      const hits: string[] = [];
      let values = 0;
      for (const name of fs.readdirSync(out)) {
        const bytes = fs.readFileSync(path.join(out, name));
        for (const found of scan(bytes.toString('latin1'), identifiers))
          hits.push(`${name} (as stored): ${found}`);
        if (!name.endsWith('.parquet')) continue;
        // Parquet pages are compressed: the values are scanned as a reader sees them, read by arrow-rs.
        const table = tableFromIPC(readParquet(bytes).intoIPCStream());
        const text = JSON.stringify(table.toArray(), (_key, value: unknown) =>
          typeof value === 'bigint' ? value.toString() : value,
        );
        values += text.length;
        for (const found of scan(text, identifiers)) hits.push(`${name}: ${found}`);
      }
      expect(values).toBeGreaterThan(10_000);
      expect(hits).toEqual([]);
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});

describe('opt-outs', () => {
  it('removes a patient who opts out after publication, with tombstones and a notice, where the opt-out applies', async () => {
    const nhs = optedOutAfterPublication();
    const diabetes = sde.project(DIABETES);
    const urgent = sde.project(URGENT);
    const diabetesPseudonym = pseudonymsOf(DIABETES).patient(nhs);
    const urgentPseudonym = pseudonymsOf(URGENT).patient(nhs);
    const before = rowsOf(SdeUnderTest.current(await sde.readTopic(topicOf(diabetes))), diabetesPseudonym);
    const urgentBefore = rowsOf(SdeUnderTest.current(await sde.readTopic(topicOf(urgent))), urgentPseudonym);
    expect(before.length).toBeGreaterThan(0);
    expect(urgentBefore.length).toBeGreaterThan(0);

    await sde.optOut(nhs, 'NATIONAL_DATA_OPT_OUT');
    await sde.settled(publisher);

    const messages = await sde.readTopic(topicOf(diabetes));
    expect(rowsOf(SdeUnderTest.current(messages), diabetesPseudonym)).toEqual([]);
    const tombstones = messages.filter((m) => m.row === null && m.key.startsWith(`${diabetesPseudonym}.`));
    expect(tombstones.map((m) => m.key).sort()).toEqual(
      before.map((r) => `${diabetesPseudonym}.${r.rowId as string}`).sort(),
    );
    const notices = (await sde.readNotices(noticesOf(diabetes))).filter(
      (n) => n.pseudonym === diabetesPseudonym,
    );
    expect(notices).toEqual([
      expect.objectContaining({ action: 'REMOVE', reason: 'NATIONAL_DATA_OPT_OUT', rows: before.length }),
    ]);
    // The planning project holds section 251 support: the national opt-out does not apply, and it keeps the patient.
    expect(rowsOf(SdeUnderTest.current(await sde.readTopic(topicOf(urgent))), urgentPseudonym)).toHaveLength(
      urgentBefore.length,
    );
    expect((await sde.readNotices(noticesOf(urgent))).filter((n) => n.pseudonym === urgentPseudonym)).toEqual(
      [],
    );

    // Withdrawn: the same rows come back, announced.
    await sde.optOut(nhs, 'NATIONAL_DATA_OPT_OUT', 'WITHDRAWN');
    await sde.settled(publisher);
    const restored = rowsOf(SdeUnderTest.current(await sde.readTopic(topicOf(diabetes))), diabetesPseudonym);
    expect(sortByRow(restored)).toEqual(sortByRow(before));
    const after = (await sde.readNotices(noticesOf(diabetes))).filter(
      (n) => n.pseudonym === diabetesPseudonym,
    );
    expect(after.map((n) => [n.action, n.reason, n.rows])).toEqual([
      ['REMOVE', 'NATIONAL_DATA_OPT_OUT', before.length],
      ['RESTORE', 'OPT_OUT_WITHDRAWN', before.length],
    ]);
  });

  it('removes a type 1 objector from every project (neither is exempt from type 1)', async () => {
    const nhs = type1Objector();
    await sde.optOut(nhs, 'TYPE_1');
    await sde.settled(publisher);
    for (const id of [DIABETES, URGENT]) {
      const pseudonym = pseudonymsOf(id).patient(nhs);
      expect(rowsOf(SdeUnderTest.current(await sde.readTopic(topicOf(sde.project(id)))), pseudonym)).toEqual(
        [],
      );
      const notices = (await sde.readNotices(noticesOf(sde.project(id)))).filter(
        (n) => n.pseudonym === pseudonym,
      );
      expect(notices.map((n) => [n.action, n.reason])).toEqual([['REMOVE', 'TYPE_1_OPT_OUT']]);
    }
  });

  it('never publishes a patient who opted out before their events arrived, where the opt-out applies', async () => {
    await sde.optOut(lateNhsNumber, 'NATIONAL_DATA_OPT_OUT');
    await sde.settled(publisher);
    await sde.publish(heldBack);
    await sde.settled(publisher);
    const diabetesPseudonym = pseudonymsOf(DIABETES).patient(lateNhsNumber);
    const raw = await sde.readTopic(topicOf(sde.project(DIABETES)));
    // Not even a tombstone: nothing of theirs was ever on the topic.
    expect(raw.filter((m) => m.key.startsWith(`${diabetesPseudonym}.`))).toEqual([]);
    const urgentPseudonym = pseudonymsOf(URGENT).patient(lateNhsNumber);
    const approvedForUrgent = heldBack.filter((e) =>
      sde.project(URGENT).events.has(e.header.eventType as never),
    );
    expect(
      rowsOf(SdeUnderTest.current(await sde.readTopic(topicOf(sde.project(URGENT)))), urgentPseudonym),
    ).toHaveLength(approvedForUrgent.length);
  });

  it('publishes nothing twice when a new publisher resumes from the store', async () => {
    const before = await sde.readTopic(topicOf(sde.project(DIABETES)));
    const store = publisher.config.databaseSchema;
    await sde.stopPublisher(publisher);
    publisher = await sde.startPublisher(store);
    await sde.settled(publisher);
    expect((await sde.readTopic(topicOf(sde.project(DIABETES)))).length).toBe(before.length);
  });
});

describe('a store consumed from another Kafka cluster, or from a recreated topic', () => {
  it('stops the start naming the misfit, or is emptied and published afresh when told to', async () => {
    const store = sde.newStore();
    const first = await sde.startPublisher(store);
    await sde.settled(first);
    await sde.stopPublisher(first);
    const projectRows = async () =>
      (await sde.query<{ n: number }>(`select count(*)::int as n from ${store}.project_rows`))[0].n;
    const rowsBefore = await projectRows();
    expect(rowsBefore).toBeGreaterThan(0);
    // As after a purged local broker: the store's positions name a cluster whose topics are gone.
    await sde.query(`update ${store}.source_cluster set cluster_id = 'another-cluster'`);
    await sde.query(
      `insert into ${store}.consumed_offsets (topic, partition, next_offset) values ('x', 0, 42)`,
    );

    await expect(sde.startPublisher(store)).rejects.toThrow(
      /consumed from Kafka cluster another-cluster, but the brokers are cluster/,
    );
    // A new cluster has no committed group offsets either: a group of its own stands for that.
    const fresh = await sde.startPublisher(store, {
      SDE_RESET_ON_NEW_CLUSTER: 'true',
      SDE_PUBLISHER_GROUP_ID: `${sde.prefix}-${store}-afresh`,
    });
    await sde.settled(fresh);
    expect(await sde.query(`select * from ${store}.consumed_offsets where topic = 'x'`)).toEqual([]);
    const [recorded] = await sde.query<{ cluster_id: string }>(
      `select cluster_id from ${store}.source_cluster`,
    );
    expect(recorded.cluster_id).not.toBe('another-cluster');
    expect(await projectRows()).toBe(rowsBefore);
    await sde.stopPublisher(fresh);

    // A store older than the recorded cluster id, or a topic recreated on the same cluster: a position past the end.
    await sde.query(
      `update ${store}.consumed_offsets set next_offset = next_offset + 1000000 where next_offset > 0`,
    );
    await expect(sde.startPublisher(store)).rejects.toThrow(
      /holds position \d+ of \S+ partition \d+, past its end/,
    );
  });
});

function sortByRow(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return [...rows].sort((a, b) => String(a.rowId).localeCompare(String(b.rowId)));
}

interface Identifiers {
  readonly exact: Set<string>;
  /** Clinical codes the events carry (SNOMED CT, dm+d): not identifiers, though some are 10 digits long. */
  readonly codes: Set<string>;
}

/** Every direct identifier the generated events carry, in each form it could take in text. */
function directIdentifiers(list: readonly RecordChangeEvent[]): Identifiers {
  const exact = new Set<string>();
  const codes = new Set<string>();
  const collectCodes = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collectCodes);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record.system === 'string' && typeof record.code === 'string') codes.add(record.code);
      Object.values(record).forEach(collectCodes);
    }
  };
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.trim().length >= 3) exact.add(value.trim());
  };
  const day = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);
  for (const event of list) {
    const { header } = event;
    for (const nhs of [header.nhsNumber]) {
      add(nhs);
      add(`${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`);
      add(`${nhs.slice(0, 3)}-${nhs.slice(3, 6)}-${nhs.slice(6)}`);
    }
    add(header.sourceRecordId);
    add(header.eventId);
    const e = event as unknown as Record<string, unknown>;
    collectCodes(e);
    const name = e.name as { given?: string[]; family?: string } | undefined;
    if (name) {
      add(name.family);
      for (const given of name.given ?? []) add(given);
    }
    const address = e.address as { lines?: string[]; postcode?: string | null } | null | undefined;
    if (address) {
      for (const line of address.lines ?? []) add(line);
      if (address.postcode) {
        add(address.postcode);
        add(address.postcode.replace(/\s+/g, ''));
      }
    }
    if (typeof e.birthDate === 'number') {
      add(day(e.birthDate));
      add(day(e.birthDate).replace(/-/g, ''));
    }
    for (const key of [
      'retiredNhsNumber',
      'survivingNhsNumber',
      'retiredSourceRecordId',
      'prescriptionId',
      'ubrn',
    ])
      add(e[key]);
  }
  return { exact, codes };
}

/**
 * What of the identifiers a text holds, and any NHS number at all: a run of exactly 10 digits (alone, or spaced
 * 3-3-4) with a valid check digit, whoever's it is, that is not a clinical code the events carry. SHA-256 digests
 * in hex (an export's SHA256SUMS and manifest) are left out of the second search: about one digest in 150 holds such a
 * run by chance (a CI run failed on one), an export lists each twice, and the files they digest are scanned themselves.
 */
function scan(text: string, identifiers: Identifiers): string[] {
  const found: string[] = [];
  for (const value of identifiers.exact) if (text.includes(value)) found.push(JSON.stringify(value));
  const withoutDigests = text.replace(/(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/g, '#');
  for (const match of withoutDigests.matchAll(/(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)/g)) {
    const digits = match.slice(1).join('');
    if (isValidNhsNumber(digits) && !identifiers.codes.has(match[0])) found.push(`an NHS number ${match[0]}`);
  }
  return found;
}
