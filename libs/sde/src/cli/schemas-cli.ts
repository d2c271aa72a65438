/**
 * npm run schemas:register | schemas:check (usage: libs/events/src/cli/schemas-command.ts): the event contract, then
 * every approved SDE project's row schema, all or none. The entry point lives here because libs/sde is the lowest
 * library that sees both: libs/events holds the command and cannot import libs/sde, which derives the project
 * schemas from the contract's events.
 *
 * The projects are those the publisher runs on: SDE_PROJECTS_FILE when set, else the repository's. With --git-ref,
 * the repository's file at that commit, if it had one then (before SDE projects existed it had not: nothing to add).
 */
import { errorMessage } from '@crosscare/errors';
import { DEFAULT_DIRECTORY_DATA_DIR } from '@crosscare/governance';
import * as path from 'node:path';
// The file itself, not an export of @crosscare/events: the command reads the local stack's credentials, which no
// service bundling libs/events should carry.
import { schemasCli, type AdditionalSchemaSource } from '../../../events/src/cli/schemas-command';
import { approvedProjectSchemas, RAISE_OUTPUT_VERSION } from '../approved-project-schemas';
import { loadSdeProjects, SDE_PROJECTS_FILE } from '../sde-project';
import { projectsFileAtGitRef } from './projects-at-git-ref';

const REPOSITORY_FILE = path.join(DEFAULT_DIRECTORY_DATA_DIR, SDE_PROJECTS_FILE);

const projectRowSchemas: AdditionalSchemaSource = ({ repoRoot, gitRef }) => {
  let file: string;
  let source: string;
  if (gitRef !== undefined) {
    const copy = projectsFileAtGitRef(repoRoot, gitRef, REPOSITORY_FILE);
    if (copy === undefined) {
      return { description: `no SDE project row schemas: ${gitRef} has no ${REPOSITORY_FILE}`, schemas: [] };
    }
    file = copy;
    source = `${REPOSITORY_FILE} at ${gitRef}`;
  } else {
    const given = process.env.SDE_PROJECTS_FILE?.trim();
    file = given ? path.resolve(given) : path.join(repoRoot, REPOSITORY_FILE);
    source = path.relative(process.cwd(), file) || file;
  }
  let projects;
  try {
    projects = loadSdeProjects({ file });
  } catch (error) {
    throw new Error(`the approved SDE projects (${source}) cannot be read: ${errorMessage(error)}`);
  }
  const schemas = approvedProjectSchemas(projects, source);
  return {
    description:
      `${schemas.length} SDE project row schema${schemas.length === 1 ? '' : 's'} ` +
      `(${projects.map((p) => `${p.id} v${p.output.version}`).join(', ') || 'none approved'}) from ${source}`,
    schemas,
    whenIncompatible: RAISE_OUTPUT_VERSION,
  };
};

schemasCli(process.argv.slice(2), [projectRowSchemas]);
