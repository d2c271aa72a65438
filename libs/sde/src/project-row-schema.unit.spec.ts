import { Type } from 'avsc';
import { kindField, projectRowSchema, projectRowSubject, PROJECT_ROW_NAME } from './project-row-schema';
import { loadSdeProjects, type SdeProject } from './sde-project';
import { EVERY_FIELD_PROJECT } from './testing/every-field-project';

interface AvroField {
  readonly name: string;
  readonly type: unknown;
  readonly default?: unknown;
}
interface AvroRecord {
  readonly type: 'record';
  readonly name: string;
  readonly namespace?: string;
  readonly fields: readonly AvroField[];
}

/** The fields every row has, whatever its project: who, which event and record, what happened and when. */
const IDENTITY = ['pseudonym', 'rowId', 'recordId', 'eventType', 'operation', 'occurred'];

const projects: Array<[string, SdeProject]> = [
  ...loadSdeProjects().map((p): [string, SdeProject] => [p.id, p]),
  [EVERY_FIELD_PROJECT.id, EVERY_FIELD_PROJECT],
];

/** The record a nullable field holds: `["null", {record}]`. */
const recordOf = (field: AvroField): AvroRecord => (field.type as [string, AvroRecord])[1];

describe.each(projects)('the row schema of project %s', (_id, project) => {
  const schema = projectRowSchema(project) as AvroRecord;

  it("is valid Avro for avsc, under the project's own namespace and subject", () => {
    const type = Type.forSchema(schema as never);
    expect(type.name).toBe(projectRowSubject(project));
    expect(projectRowSubject(project)).toBe(
      `uk.nhs.crosscare.sde.${project.id.replace(/-/g, '_')}.v${project.output.version}.${PROJECT_ROW_NAME}`,
    );
  });

  it('has the identity fields, the approved context and one field per approved kind, and nothing else', () => {
    expect(schema.fields.map((f) => f.name)).toEqual([
      ...IDENTITY,
      ...project.context,
      ...[...project.events.keys()].map(kindField),
    ]);
  });

  it("holds exactly each kind's approved fields, in the agreement's catalogue order", () => {
    for (const [kind, approved] of project.events) {
      const field = schema.fields.find((f) => f.name === kindField(kind))!;
      expect({ kind, fields: recordOf(field).fields.map((f) => f.name) }).toEqual({
        kind,
        fields: approved.map((a) => a.name),
      });
    }
  });

  it("makes every field but the identity nullable with a null default, down to each kind's fields", () => {
    const optional = [
      ...schema.fields.filter((f) => !IDENTITY.includes(f.name)),
      ...[...project.events.keys()].flatMap(
        (kind) => recordOf(schema.fields.find((f) => f.name === kindField(kind))!).fields,
      ),
    ];
    const notNullable = optional
      .filter((f) => !(Array.isArray(f.type) && f.type[0] === 'null' && f.default === null))
      .map((f) => f.name);
    expect(notNullable).toEqual([]);
    expect(schema.fields.filter((f) => IDENTITY.includes(f.name)).map((f) => f.type)).toEqual(
      IDENTITY.map(() => 'string'),
    );
  });

  it('documents every field', () => {
    const undocumented = (record: AvroRecord): string[] =>
      record.fields.filter((f) => !(f as { doc?: string }).doc).map((f) => `${record.name}.${f.name}`);
    const kinds = schema.fields.filter((f) => [...project.events.keys()].map(kindField).includes(f.name));
    expect([...undocumented(schema), ...kinds.flatMap((f) => undocumented(recordOf(f)))]).toEqual([]);
  });
});

describe('row schemas across projects', () => {
  it('differ by project, so each is a registry subject of its own', () => {
    const subjects = projects.map(([, p]) => projectRowSubject(p));
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it('name no field a project did not approve: the diabetes study gets no postcode sector, no ODS codes', () => {
    const [diabetes] = loadSdeProjects();
    const text = JSON.stringify(projectRowSchema(diabetes));
    expect(text).not.toMatch(
      /"name":"(registeredGpPracticeOdsCode|providerOdsCode|collaborative|locationOdsCode)"/,
    );
    expect(text).not.toMatch(
      /"name":"(nhsNumber|name|address|telecom|dosageText|valueString|description|title)"/,
    );
  });
});
