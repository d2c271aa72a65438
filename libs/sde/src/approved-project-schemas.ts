import type { AvroRecordSchema, ComposedSchema } from '@crosscare/events';
import { PROJECT_ROW_NAME, projectRowSchema, projectRowSubject } from './project-row-schema';
import type { SdeProject } from './sde-project';

/**
 * Each approved project's row schema as the schemas CLI registers it, after the contract: one subject per project
 * and output version (projectRowSubject), so the registry judges a project's change against what its consumers hold,
 * by the same rules as the contract's, and the publisher finds its schema by looking it up.
 */
export function approvedProjectSchemas(
  projects: readonly SdeProject[],
  /** The projects file, to say where each schema comes from. */
  file: string,
): ComposedSchema<AvroRecordSchema>[] {
  return projects.map((project) => ({
    name: PROJECT_ROW_NAME,
    fullName: projectRowSubject(project),
    file: `${file} (${project.id})`,
    schema: projectRowSchema(project) as AvroRecordSchema,
  }));
}

/** What the author of an incompatible project change must do instead: the registry keeps its consumers' schema. */
export const RAISE_OUTPUT_VERSION =
  "an approved project's rows changed in a way its consumers cannot read: raise the project's output.version " +
  'in the projects file (a new topic and subject) instead';
