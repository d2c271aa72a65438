import * as fs from 'node:fs';
import * as path from 'node:path';

import { EVENT_SCHEMAS, EVENT_TYPES } from '../generated/record-changes';
import { loadSchemaDirectory } from '../schemas/load-schema-directory';
import { GENERATED_FILE, generateRecordChanges, SCHEMA_DIR } from './generate-record-changes';

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
