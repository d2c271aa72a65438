import { Type, type Schema } from 'avsc';
import { approvedProjectSchemas } from './approved-project-schemas';
import { projectRowSchema, projectRowSubject } from './project-row-schema';
import { loadSdeProjects } from './sde-project';

describe('approved projects’ row schemas, as the schemas CLI registers them', () => {
  const projects = loadSdeProjects();
  const schemas = approvedProjectSchemas(projects, 'libs/governance/data/sde-projects.json');

  it('gives one subject per approved project, named by its id and output version', () => {
    expect(schemas.map((s) => s.fullName)).toEqual(projects.map((p) => projectRowSubject(p)));
    expect(schemas.map((s) => s.fullName)).toContain('uk.nhs.crosscare.sde.diabetes_outcomes.v1.ProjectRow');
    expect(new Set(schemas.map((s) => s.fullName)).size).toBe(projects.length);
  });

  it('registers exactly the schema the publisher derives and looks up, under the name Avro gives it', () => {
    for (const [i, project] of projects.entries()) {
      expect(schemas[i].schema).toEqual(projectRowSchema(project));
      expect(Type.forSchema(schemas[i].schema as Schema).name).toBe(schemas[i].fullName);
      expect(schemas[i].file).toBe(`libs/governance/data/sde-projects.json (${project.id})`);
    }
  });

  it('follows a raised output version to a new subject, so consumers of the old one keep theirs', () => {
    const raised = { ...projects[0], output: { ...projects[0].output, version: 2 } };
    const [schema] = approvedProjectSchemas([raised], 'f');
    expect(schema.fullName).toBe(schemas[0].fullName.replace('.v1.', '.v2.'));
  });

  it('has nothing to register when no project is approved', () => {
    expect(approvedProjectSchemas([], 'f')).toEqual([]);
  });
});
