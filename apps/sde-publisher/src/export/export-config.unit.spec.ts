import { ConfigError } from '@crosscare/config';
import { thrownBy } from '@crosscare/testing';
import { loadExportConfig } from './export-config';

describe('loadExportConfig', () => {
  it("defaults to the local stack's database and registry and the schema sde", () => {
    expect(loadExportConfig({})).toEqual({
      database: { url: 'postgres://postgres@127.0.0.1:5432/crosscare', poolSize: 10 },
      databaseSchema: 'sde',
      schemaRegistry: { url: 'http://127.0.0.1:8081', timeoutMs: 5000 },
    });
  });

  it('names every bad variable, hiding passwords', () => {
    const error = thrownBy(ConfigError, () =>
      loadExportConfig({
        SDE_DATABASE_SCHEMA: 'sde"; drop table project_rows',
        DATABASE_URL: 'mysql://u:secret@h/db',
        SCHEMA_REGISTRY_URL: 'ftp://registry',
      }),
    );
    expect(error.message).toMatch(/SDE_DATABASE_SCHEMA/);
    expect(error.message).toMatch(/DATABASE_URL/);
    expect(error.message).toMatch(/SCHEMA_REGISTRY_URL/);
    expect(error.message).not.toMatch(/secret/);
  });
});
