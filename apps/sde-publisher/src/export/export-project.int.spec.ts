import { optOutTopic, recordChangeTopic, SchemaRegistryClient, type EventType } from '@crosscare/events';
import { kindField, projectRowSchema, projectRowSubject, type SdeProject } from '@crosscare/sde';
import { rejectionOf, startTestRegistry, TestSchema, type TestRegistry } from '@crosscare/testing';
import { tableFromIPC } from 'apache-arrow';
import { Type, type Schema } from 'avsc';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readParquet } from 'parquet-wasm';
import type { DataSource } from 'typeorm';
import { openSdeDatabase } from '../store/sde-database';
import { sdeTestProject } from '../testing/sde-test-project';
import { exportProject, type ExportProjectOptions } from './export-project';
import { openProjectSnapshot } from './project-snapshot';
import { SdeExportError } from './sde-export-error';

/**
 * sde:export against the real Postgres (the publisher's store, migrated into a schema of this suite's own) and a real
 * registry; every Parquet file is read back with parquet-wasm, i.e. arrow-rs: an implementation independent of the
 * one that wrote it.
 */
const CURRENT = {
  ObservationRecorded: ['code', 'category', 'effectiveAt', 'valueQuantity', 'interpretation'],
  EncounterEnded: ['endedAt', 'outcome', 'diagnoses'],
  PatientDetailsChanged: ['gender', 'changedDetails'],
  ImmunisationRecorded: ['vaccine', 'doseNumber'],
  EndOfLifePreferencesRecorded: ['respectFormInPlace'],
  PatientDied: ['dateOfDeath'],
} satisfies Partial<Record<EventType, string[]>>;
/** The same project before valueQuantity, interpretation and the later kinds were approved. */
const FIRST = { ObservationRecorded: ['code', 'category', 'effectiveAt'] } satisfies Partial<
  Record<EventType, string[]>
>;

const suffix = randomBytes(4).toString('hex');
const project = sdeTestProject(`export-${suffix}`, CURRENT, { context: ['ics', 'providerType'] });
const firstVersion = sdeTestProject(`export-${suffix}`, FIRST, { context: ['ics', 'providerType'] });

let registry: TestRegistry;
let store: TestSchema;
let dataSource: DataSource;
let ids: { first: number; current: number };
let work: string;

beforeAll(async () => {
  [registry, store] = await Promise.all([startTestRegistry('sde-export'), TestSchema.create('sde_export')]);
  dataSource = await openSdeDatabase({ url: store.databaseUrl, poolSize: 3 }, store.name);
  const admin = new SchemaRegistryClient({ url: registry.url });
  const subject = projectRowSubject(project);
  ids = {
    first: await admin.register(subject, projectRowSchema(firstVersion)),
    current: await admin.register(subject, projectRowSchema(project)),
  };
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sde-export-'));
});

afterAll(async () => {
  await dataSource?.destroy();
  await Promise.all([store?.drop(), registry?.close()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The export as the CLI runs it, reading the registry as a reader (a lookup is a read). */
const run = (out: string, overrides: Partial<ExportProjectOptions> = {}) =>
  exportProject({
    dataSource,
    registry: new SchemaRegistryClient({ url: registry.readerUrl }),
    project,
    out,
    rowGroupRows: 2,
    pageRows: 3,
    ...overrides,
  });

const pseudonym = (n: number) => createHash('sha256').update(`patient-${n}`).digest('hex');
const code = (c: string) => ({ system: 'http://snomed.info/sct', code: c });

/** A row of `p` as the publisher would encode it: every kind's field null but its own. */
function row(p: SdeProject, kind: EventType, patient: number, n: number, fields: Record<string, unknown>) {
  const value: Record<string, unknown> = {
    pseudonym: pseudonym(patient),
    rowId: `row-${kind}-${n}`,
    recordId: `record-${kind}-${n}`,
    eventType: kind,
    operation: 'CREATE',
    occurred: '2026-11',
    ics: 'QHL',
    providerType: n % 2 === 0 ? null : 'gp-practice',
  };
  for (const other of p.events.keys()) value[kindField(other)] = null;
  value[kindField(kind)] = Object.fromEntries(
    p.events.get(kind)!.map((f) => [f.name, fields[f.name] ?? null]),
  );
  return value;
}

interface Stored {
  readonly project?: string;
  readonly key: string;
  readonly schemaId: number;
  readonly payload: Buffer;
  readonly withheld?: boolean;
}

async function storeRows(rows: readonly Stored[]): Promise<void> {
  for (const [i, r] of rows.entries()) {
    await dataSource.query(
      `insert into project_rows (project, row_key, pseudonym, schema_id, payload, source_topic, source_partition,
         source_offset, withheld) values ($1, $2, $3, $4, $5, $6, 0, $7, $8)`,
      [
        r.project ?? project.id,
        r.key,
        `p-${r.key}`,
        r.schemaId,
        r.payload,
        recordChangeTopic('QHL'),
        i,
        r.withheld ?? false,
      ],
    );
  }
}

const encode = (p: SdeProject, value: object) =>
  Type.forSchema(projectRowSchema(p) as Schema).toBuffer(value);

/** A Parquet file's rows as arrow-rs reads them, as plain JSON values. */
function readBack(file: string): { columns: string[]; rows: Record<string, unknown>[] } {
  const table = tableFromIPC(readParquet(fs.readFileSync(file)).intoIPCStream());
  const plain = (v: unknown): unknown =>
    JSON.parse(
      JSON.stringify(v, (_, x: unknown) =>
        x && typeof (x as { toArray?: unknown }).toArray === 'function'
          ? (x as { toArray(): unknown }).toArray()
          : x,
      ),
    );
  return {
    columns: table.schema.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? '?' : ''}`),
    rows: table.toArray().map((r) => plain(r) as Record<string, unknown>),
  };
}

const common = (kind: EventType, patient: number, n: number) => ({
  pseudonym: pseudonym(patient),
  rowId: `row-${kind}-${n}`,
  recordId: `record-${kind}-${n}`,
  eventType: kind,
  operation: 'CREATE',
  occurred: '2026-11',
  ics: 'QHL',
  providerType: n % 2 === 0 ? null : 'gp-practice',
});

describe('sde:export (real Postgres and registry; read back with arrow-rs)', () => {
  const consumed = [
    { topic: recordChangeTopic('QHL'), partition: 1, nextOffset: 95 },
    { topic: recordChangeTopic('QHL'), partition: 0, nextOffset: 120 },
    { topic: optOutTopic(), partition: 0, nextOffset: 7 },
  ];

  beforeAll(async () => {
    const hba1c = { value: 48.5, unit: 'mmol/mol', ucumCode: 'mmol/mol' };
    await storeRows([
      {
        key: 'a-obs-1',
        schemaId: ids.current,
        payload: encode(
          project,
          row(project, 'ObservationRecorded', 1, 1, {
            code: code('1049301000000100'),
            category: 'laboratory',
            effectiveAt: '2026-11',
            valueQuantity: hba1c,
            interpretation: 'HIGH',
          }),
        ),
      },
      {
        // Written before valueQuantity and interpretation were approved: they read as null.
        key: 'a-obs-2',
        schemaId: ids.first,
        payload: encode(
          firstVersion,
          row(firstVersion, 'ObservationRecorded', 2, 2, {
            code: code('271649006'),
            category: 'vital-signs',
          }),
        ),
      },
      {
        key: 'a-obs-3',
        schemaId: ids.current,
        withheld: true,
        payload: encode(project, row(project, 'ObservationRecorded', 3, 3, { code: code('1') })),
      },
      {
        key: 'b-enc-1',
        schemaId: ids.current,
        payload: encode(
          project,
          row(project, 'EncounterEnded', 1, 1, {
            endedAt: '2026-11',
            outcome: 'DISCHARGED',
            diagnoses: [code('44054006'), code('38341003')],
          }),
        ),
      },
      {
        key: 'b-enc-2',
        schemaId: ids.current,
        payload: encode(project, row(project, 'EncounterEnded', 2, 2, { outcome: 'DIED', diagnoses: [] })),
      },
      {
        key: 'b-enc-3',
        schemaId: ids.current,
        payload: encode(project, row(project, 'EncounterEnded', 1, 3, {})),
      },
      {
        key: 'c-pdc-1',
        schemaId: ids.current,
        payload: encode(
          project,
          row(project, 'PatientDetailsChanged', 1, 1, {
            gender: 'female',
            changedDetails: ['ADDRESS', 'GENDER'],
          }),
        ),
      },
      {
        key: 'd-imm-1',
        schemaId: ids.current,
        payload: encode(
          project,
          row(project, 'ImmunisationRecorded', 2, 1, { vaccine: code('39114911000001105'), doseNumber: 2 }),
        ),
      },
      ...[true, false, null].map((respect, i) => ({
        key: `e-eol-${i + 1}`,
        schemaId: ids.current,
        payload: encode(
          project,
          row(project, 'EndOfLifePreferencesRecorded', 1, i + 1, { respectFormInPlace: respect }),
        ),
      })),
      {
        // The only PatientDied row, withheld: no file, and nothing in the manifest to tell it was there.
        key: 'f-died-1',
        schemaId: ids.current,
        withheld: true,
        payload: encode(project, row(project, 'PatientDied', 3, 1, { dateOfDeath: '2026-10' })),
      },
      {
        project: `other-${suffix}`,
        key: 'a-obs-1',
        schemaId: ids.current,
        payload: encode(project, row(project, 'ObservationRecorded', 9, 9, { code: code('9') })),
      },
    ]);
    for (const c of consumed)
      await dataSource.query(
        'insert into consumed_offsets (topic, partition, next_offset) values ($1, $2, $3)',
        [c.topic, c.partition, c.nextOffset],
      );
  });

  it("writes exactly the rows not withheld, one typed file per kind, in today's shape, with manifest and checksums", async () => {
    const out = path.join(work, 'complete');
    fs.mkdirSync(out); // an empty directory is as good as none
    const generatedAt = new Date('2026-12-04T09:30:00Z');

    const outcome = await run(out, { now: () => generatedAt });

    expect(fs.readdirSync(out).sort()).toEqual([
      'EncounterEnded.parquet',
      'EndOfLifePreferencesRecorded.parquet',
      'ImmunisationRecorded.parquet',
      'ObservationRecorded.parquet',
      'PatientDetailsChanged.parquet',
      'SHA256SUMS',
      'manifest.json',
    ]);
    expect(fs.readdirSync(work).filter((name) => name.includes('.partial-'))).toEqual([]);

    const observations = readBack(path.join(out, 'ObservationRecorded.parquet'));
    expect(observations.columns).toEqual([
      'pseudonym: Utf8',
      'rowId: Utf8',
      'recordId: Utf8',
      'eventType: Utf8',
      'operation: Utf8',
      'occurred: Utf8',
      'ics: Utf8?',
      'providerType: Utf8?',
      'code_system: Utf8?',
      'code_code: Utf8?',
      'category: Utf8?',
      'effectiveAt: Utf8?',
      'valueQuantity_value: Float64?',
      'valueQuantity_unit: Utf8?',
      'valueQuantity_ucumCode: Utf8?',
      'interpretation: Utf8?',
    ]);
    expect(observations.rows).toEqual([
      {
        ...common('ObservationRecorded', 1, 1),
        code_system: 'http://snomed.info/sct',
        code_code: '1049301000000100',
        category: 'laboratory',
        effectiveAt: '2026-11',
        valueQuantity_value: 48.5,
        valueQuantity_unit: 'mmol/mol',
        valueQuantity_ucumCode: 'mmol/mol',
        interpretation: 'HIGH',
      },
      {
        ...common('ObservationRecorded', 2, 2),
        code_system: 'http://snomed.info/sct',
        code_code: '271649006',
        category: 'vital-signs',
        effectiveAt: null,
        valueQuantity_value: null,
        valueQuantity_unit: null,
        valueQuantity_ucumCode: null,
        interpretation: null,
      },
    ]);

    const encounters = readBack(path.join(out, 'EncounterEnded.parquet'));
    expect(encounters.columns.slice(8)).toEqual([
      'endedAt: Utf8?',
      'outcome: Utf8?',
      'diagnoses: List<Struct<{system:Utf8, code:Utf8}>>?',
    ]);
    expect(
      encounters.rows.map(({ rowId, endedAt, outcome, diagnoses }) => ({
        rowId,
        endedAt,
        outcome,
        diagnoses,
      })),
    ).toEqual([
      {
        rowId: 'row-EncounterEnded-1',
        endedAt: '2026-11',
        outcome: 'DISCHARGED',
        diagnoses: [code('44054006'), code('38341003')],
      },
      { rowId: 'row-EncounterEnded-2', endedAt: null, outcome: 'DIED', diagnoses: [] },
      { rowId: 'row-EncounterEnded-3', endedAt: null, outcome: null, diagnoses: null },
    ]);

    const details = readBack(path.join(out, 'PatientDetailsChanged.parquet'));
    expect(details.columns.slice(8)).toEqual(['gender: Utf8?', 'changedDetails: List<Utf8>?']);
    expect(details.rows).toEqual([
      { ...common('PatientDetailsChanged', 1, 1), gender: 'female', changedDetails: ['ADDRESS', 'GENDER'] },
    ]);

    const immunisations = readBack(path.join(out, 'ImmunisationRecorded.parquet'));
    expect(immunisations.columns.slice(8)).toEqual([
      'vaccine_system: Utf8?',
      'vaccine_code: Utf8?',
      'doseNumber: Int32?',
    ]);
    expect(immunisations.rows).toEqual([
      {
        ...common('ImmunisationRecorded', 2, 1),
        vaccine_system: 'http://snomed.info/sct',
        vaccine_code: '39114911000001105',
        doseNumber: 2,
      },
    ]);

    const preferences = readBack(path.join(out, 'EndOfLifePreferencesRecorded.parquet'));
    expect(preferences.columns.slice(8)).toEqual(['respectFormInPlace: Bool?']);
    expect(preferences.rows.map((r) => r.respectFormInPlace)).toEqual([true, false, null]);

    // The manifest: what was written, as of the publisher's offsets, and the files' true sizes and hashes.
    const manifest = JSON.parse(
      fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'),
    ) as typeof outcome.manifest;
    expect(manifest).toEqual(outcome.manifest);
    expect(manifest).toMatchObject({
      project: { id: project.id, title: project.title, agreement: 'DSA-TEST-0001', outputVersion: 1 },
      schema: {
        subject: projectRowSubject(project),
        id: ids.current,
        version: 2,
        writerSchemaIds: [ids.first, ids.current],
      },
      generatedAt: '2026-12-04T09:30:00.000Z',
      asOf: [
        { topic: optOutTopic(), partition: 0, nextOffset: 7 },
        { topic: recordChangeTopic('QHL'), partition: 0, nextOffset: 120 },
        { topic: recordChangeTopic('QHL'), partition: 1, nextOffset: 95 },
      ],
      eventKinds: Object.keys(CURRENT),
      totalRows: 10,
      writer: { library: 'hyparquet-writer', version: '0.17.0', compression: 'SNAPPY' },
    });
    for (const file of manifest.files) {
      const bytes = fs.readFileSync(path.join(out, file.name));
      expect({
        name: file.name,
        rows: readBack(path.join(out, file.name)).rows.length,
        bytes: bytes.length,
      }).toEqual({
        name: file.name,
        rows: file.rows,
        bytes: file.bytes,
      });
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(manifest.files.map((f) => [f.eventKind, f.rows])).toEqual([
      ['EncounterEnded', 3],
      ['EndOfLifePreferencesRecorded', 3],
      ['ImmunisationRecorded', 1],
      ['ObservationRecorded', 2],
      ['PatientDetailsChanged', 1],
    ]);

    // A TRE checks with standard tools.
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' })).toBe(
      [...manifest.files.map((f) => f.name), 'manifest.json']
        .sort()
        .map((name) => `${name}: OK\n`)
        .join(''),
    );

    expect(fs.statSync(out).mode & 0o777).toBe(0o750);
    for (const name of fs.readdirSync(out))
      expect([name, fs.statSync(path.join(out, name)).mode & 0o777]).toEqual([name, 0o640]);
  });

  it('reads rows and offsets from one snapshot while the publisher goes on writing', async () => {
    const snapshot = await openProjectSnapshot(dataSource, project.id, 4);
    try {
      const asOf = snapshot.asOf;
      // The publisher, meanwhile: a new row with its offset, and an opt-out withholding rows already there.
      await dataSource.transaction(async (tx) => {
        await tx.query(
          `insert into project_rows (project, row_key, pseudonym, schema_id, payload, source_topic, source_partition,
             source_offset, withheld) values ($1, 'z-late', 'p-late', $2, $3, $4, 0, 120, false)`,
          [
            project.id,
            ids.current,
            encode(project, row(project, 'PatientDied', 4, 2, {})),
            recordChangeTopic('QHL'),
          ],
        );
        await tx.query(
          `update project_rows set withheld = true where project = $1 and row_key like 'e-eol-%'`,
          [project.id],
        );
        await tx.query(`update consumed_offsets set next_offset = 121 where partition = 0 and topic = $1`, [
          recordChangeTopic('QHL'),
        ]);
      });

      const keys: string[] = [];
      for await (const page of snapshot.pages()) keys.push(...page.map((r) => r.rowKey));

      expect(asOf).toContainEqual({ topic: recordChangeTopic('QHL'), partition: 0, nextOffset: 120 });
      expect([snapshot.rowCount, keys]).toEqual([
        10,
        [
          'a-obs-1',
          'a-obs-2',
          'b-enc-1',
          'b-enc-2',
          'b-enc-3',
          'c-pdc-1',
          'd-imm-1',
          'e-eol-1',
          'e-eol-2',
          'e-eol-3',
        ],
      ]);
    } finally {
      await snapshot.close();
      // As it was, for the other tests.
      await dataSource.transaction(async (tx) => {
        await tx.query(`delete from project_rows where project = $1 and row_key = 'z-late'`, [project.id]);
        await tx.query(
          `update project_rows set withheld = false where project = $1 and row_key like 'e-eol-%'`,
          [project.id],
        );
        await tx.query(`update consumed_offsets set next_offset = 120 where partition = 0 and topic = $1`, [
          recordChangeTopic('QHL'),
        ]);
      });
    }
  });

  it('refuses an --out that is not empty, and leaves it as it was', async () => {
    const out = fs.mkdtempSync(path.join(work, 'earlier-'));
    fs.writeFileSync(path.join(out, 'manifest.json'), '{"an": "earlier export"}\n');

    const error = await rejectionOf(SdeExportError, run(out));

    expect(error.message).toBe(
      `--out ${out} is not empty (1 entries): an export goes into a new or empty directory, never beside the files of another`,
    );
    expect(fs.readdirSync(out)).toEqual(['manifest.json']);
    expect(fs.readdirSync(work).filter((name) => name.includes('.partial-'))).toEqual([]);
  });

  it('leaves nothing at --out when a row cannot be read, naming the row', async () => {
    const broken = sdeTestProject(`export-broken-${suffix}`, CURRENT, { context: ['ics', 'providerType'] });
    const id = await new SchemaRegistryClient({ url: registry.url }).register(
      projectRowSubject(broken),
      projectRowSchema(broken),
    );
    await storeRows([
      {
        project: broken.id,
        key: 'a-good',
        schemaId: id,
        payload: encode(broken, row(broken, 'ObservationRecorded', 1, 1, { code: code('1') })),
      },
      { project: broken.id, key: 'b-truncated', schemaId: id, payload: Buffer.from([0x80]) },
    ]);
    const out = path.join(work, 'broken');

    const error = await rejectionOf(SdeExportError, run(out, { project: broken, rowGroupRows: 1 }));

    expect(error.message).toMatch(new RegExp(`^row b-truncated is not Avro of schema id ${id}: `));
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(work).filter((name) => name.includes('.partial-'))).toEqual([]);
  });

  it('refuses a project whose schema as approved today the registry does not know', async () => {
    const unregistered = sdeTestProject(`export-unregistered-${suffix}`, { PatientDied: ['dateOfDeath'] });
    const out = path.join(work, 'unregistered');

    const error = await rejectionOf(SdeExportError, run(out, { project: unregistered }));

    expect(error.message).toMatch(`is not registered under ${projectRowSubject(unregistered)}`);
    expect(fs.existsSync(out)).toBe(false);
  });
});
