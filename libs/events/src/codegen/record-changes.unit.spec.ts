import * as fs from 'node:fs';
import * as path from 'node:path';

import { AUDIT_NAMESPACE, AUDIT_SCHEMAS } from '../generated/audit-schemas';
import { CHANGELOG_NAMESPACE, CHANGELOG_SCHEMAS } from '../generated/changelog-schemas';
import { EVENT_SCHEMAS, EVENT_TYPES } from '../generated/record-changes';
import { loadSchemaDirectory } from '../schemas/load-schema-directory';
import {
  generateContract,
  GENERATED_AUDIT_FILE,
  GENERATED_SDE_FILE,
  GENERATED_CHANGELOG_FILE,
  GENERATED_FILE,
  generateRecordChanges,
  SCHEMA_DIR,
} from './generate-record-changes';

const repoRoot = path.resolve(__dirname, '../../../..');

describe(GENERATED_FILE, () => {
  it('is what npm run schemas:generate makes of schemas/ (run it after editing a schema)', async () => {
    const committed = fs.readFileSync(path.join(repoRoot, GENERATED_FILE), 'utf8');
    expect(committed).toBe(await generateRecordChanges(repoRoot));
  });

  it('carries every event schema exactly as the loader composes it', () => {
    const { events } = loadSchemaDirectory(path.join(repoRoot, SCHEMA_DIR));
    expect(EVENT_TYPES).toEqual(events.map((e) => e.name));
    expect(EVENT_SCHEMAS).toEqual(Object.fromEntries(events.map((e) => [e.name, e.schema])));
  });
});

describe(`${GENERATED_CHANGELOG_FILE} and ${GENERATED_AUDIT_FILE}`, () => {
  it('are what npm run schemas:generate makes of schemas/', async () => {
    const generated = await generateContract(repoRoot);
    expect(generated.map((g) => g.file)).toEqual([
      GENERATED_FILE,
      GENERATED_CHANGELOG_FILE,
      GENERATED_AUDIT_FILE,
      GENERATED_SDE_FILE,
    ]);
    for (const { file, text } of generated) {
      expect(fs.readFileSync(path.join(repoRoot, file), 'utf8')).toBe(text);
    }
  });

  it('carry the changelog and audit records exactly as the loader composes them, in their namespaces', () => {
    const { changelog, audit } = loadSchemaDirectory(path.join(repoRoot, SCHEMA_DIR));
    expect(CHANGELOG_NAMESPACE).toBe('uk.nhs.crosscare.changelog');
    expect(AUDIT_NAMESPACE).toBe('uk.nhs.crosscare.audit');
    expect(JSON.stringify(CHANGELOG_SCHEMAS)).toBe(
      JSON.stringify(Object.fromEntries(changelog.map((r) => [r.name, r.schema]))),
    );
    expect(JSON.stringify(AUDIT_SCHEMAS)).toBe(
      JSON.stringify(Object.fromEntries(audit.map((r) => [r.name, r.schema]))),
    );
  });
});
