import { loadSdeProjects, projectRowSchema } from '@crosscare/sde';
import { thrownBy } from '@crosscare/testing';
import { Type, type Schema } from 'avsc';
import { sdeTestProject } from '../testing/sde-test-project';
import { columnValue, exportLayouts, type ExportColumn } from './export-columns';
import { SdeExportError } from './sde-export-error';

const project = sdeTestProject(
  'columns',
  {
    ObservationRecorded: ['code', 'category', 'effectiveAt', 'valueQuantity', 'interpretation'],
    EncounterEnded: ['endedAt', 'outcome', 'diagnoses'],
    PatientDetailsChanged: ['gender', 'changedDetails'],
    ImmunisationRecorded: ['vaccine', 'doseNumber'],
    EndOfLifePreferencesRecorded: ['respectFormInPlace'],
    CarePlanRecorded: ['period'],
  },
  { context: ['ics', 'providerType'] },
);
const rowType = Type.forSchema(projectRowSchema(project) as Schema);
const layouts = new Map(exportLayouts(project, rowType).map((l) => [l.kind, l]));

/** name: type, with ? for nullable: compact enough to read a whole file's columns at a glance. */
const describe_ = (columns: readonly ExportColumn[]) =>
  columns.map((c) => {
    const s = c.shape;
    const type =
      s.kind === 'scalar'
        ? s.type
        : s.kind === 'list'
          ? `list<${s.items}>`
          : `list<{${s.fields.map((f) => `${f.name}: ${f.type}${f.nullable ? '?' : ''}`).join(', ')}}>`;
    return `${c.name}: ${type}${c.nullable ? '?' : ''}`;
  });

const COMMON = [
  'pseudonym: string',
  'rowId: string',
  'recordId: string',
  'eventType: string',
  'operation: string',
  'occurred: string',
  'ics: string?',
  'providerType: string?',
];

describe('exportLayouts', () => {
  it('gives each approved kind a file named after it, in approval order', () => {
    expect([...layouts.values()].map((l) => l.file)).toEqual([
      'ObservationRecorded.parquet',
      'EncounterEnded.parquet',
      'PatientDetailsChanged.parquet',
      'ImmunisationRecorded.parquet',
      'EndOfLifePreferencesRecorded.parquet',
      'CarePlanRecorded.parquet',
    ]);
  });

  it("flattens a kind's records into typed columns after the common ones: codes, quantities", () => {
    expect(describe_(layouts.get('ObservationRecorded')!.columns)).toEqual([
      ...COMMON,
      'code_system: string?',
      'code_code: string?',
      'category: string?',
      'effectiveAt: string?',
      // Required inside Quantity, but Quantity itself may be absent.
      'valueQuantity_value: double?',
      'valueQuantity_unit: string?',
      'valueQuantity_ucumCode: string?',
      'interpretation: string?',
    ]);
  });

  it('keeps lists as lists: codes as records of system and code, symbols as strings', () => {
    expect(describe_(layouts.get('EncounterEnded')!.columns).slice(COMMON.length)).toEqual([
      'endedAt: string?',
      'outcome: string?',
      'diagnoses: list<{system: string, code: string}>?',
    ]);
    expect(describe_(layouts.get('PatientDetailsChanged')!.columns).slice(COMMON.length)).toEqual([
      'gender: string?',
      'changedDetails: list<string>?',
    ]);
  });

  it('types ints, booleans and periods', () => {
    expect(describe_(layouts.get('ImmunisationRecorded')!.columns).slice(COMMON.length)).toEqual([
      'vaccine_system: string?',
      'vaccine_code: string?',
      'doseNumber: int?',
    ]);
    expect(describe_(layouts.get('EndOfLifePreferencesRecorded')!.columns).slice(COMMON.length)).toEqual([
      'respectFormInPlace: boolean?',
    ]);
    expect(describe_(layouts.get('CarePlanRecorded')!.columns).slice(COMMON.length)).toEqual([
      'period_start: string?',
      'period_end: string?',
    ]);
  });

  it('lays out every project approved in the repository', () => {
    for (const approved of loadSdeProjects()) {
      const type = Type.forSchema(projectRowSchema(approved) as Schema);
      expect(exportLayouts(approved, type).map((l) => l.kind)).toEqual([...approved.events.keys()]);
    }
  });

  const custom = (kindFields: object[]) =>
    Type.forSchema({
      type: 'record',
      name: 'ProjectRow',
      fields: [
        { name: 'pseudonym', type: 'string' },
        {
          name: 'observationRecorded',
          type: ['null', { type: 'record', name: 'ObservationRecorded', fields: kindFields }],
        },
      ],
    } as Schema);
  const observations = sdeTestProject('custom', { ObservationRecorded: ['code'] });

  it.each([
    [
      'a union of two types',
      [{ name: 'value', type: ['null', 'string', 'int'] }],
      'observationRecorded.value: a union other than ["null", X] has no column form',
    ],
    ['a long', [{ name: 'count', type: 'long' }], 'observationRecorded.count: Avro long has no column form'],
    [
      'a list of lists',
      [{ name: 'grid', type: { type: 'array', items: { type: 'array', items: 'string' } } }],
      'observationRecorded.grid: Avro array has no column form',
    ],
    [
      'two fields flattening to one name',
      [
        { name: 'code', type: { type: 'record', name: 'C', fields: [{ name: 'system', type: 'string' }] } },
        { name: 'code_system', type: 'string' },
      ],
      'ObservationRecorded would have two columns named code_system',
    ],
  ])('refuses %s, naming it', (_, fields, message) => {
    const attempt = () => exportLayouts(observations, custom(fields));
    expect(thrownBy(SdeExportError, attempt).message).toBe(message);
  });
});

describe('columnValue', () => {
  const observation = layouts.get('ObservationRecorded')!;
  const encounter = layouts.get('EncounterEnded')!;
  const column = (layout: typeof observation, name: string) => layout.columns.find((c) => c.name === name)!;

  it('reads nested values, and null wherever the path meets null', () => {
    const row = {
      pseudonym: 'p1',
      ics: null,
      observationRecorded: { code: { system: 'http://snomed.info/sct', code: '1' }, valueQuantity: null },
    };
    expect(columnValue(row, column(observation, 'pseudonym'))).toBe('p1');
    expect(columnValue(row, column(observation, 'ics'))).toBeNull();
    expect(columnValue(row, column(observation, 'code_code'))).toBe('1');
    expect(columnValue(row, column(observation, 'valueQuantity_unit'))).toBeNull();
    expect(
      columnValue({ pseudonym: 'p1', observationRecorded: null }, column(observation, 'code_code')),
    ).toBeNull();
  });

  it("keeps only the schema's fields of a list's records, and empty lists apart from absent ones", () => {
    const diagnoses = column(encounter, 'diagnoses');
    const coded = { system: 's', code: 'c', display: 'never released' };
    expect(columnValue({ encounterEnded: { diagnoses: [coded] } }, diagnoses)).toEqual([
      { system: 's', code: 'c' },
    ]);
    expect(columnValue({ encounterEnded: { diagnoses: [] } }, diagnoses)).toEqual([]);
    expect(columnValue({ encounterEnded: { diagnoses: null } }, diagnoses)).toBeNull();
  });
});
