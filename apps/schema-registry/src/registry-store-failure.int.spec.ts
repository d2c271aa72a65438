import { call, startIsolatedRegistry, type IsolatedRegistry } from './testing/registry-under-test';

describe('schema registry when its database fails (real Postgres)', () => {
  let registry: IsolatedRegistry;

  beforeAll(async () => {
    registry = await startIsolatedRegistry('registry_failure');
  });

  afterAll(async () => {
    await registry?.close();
  });

  it('answers 500 / 50001 without database detail, and registers nothing', async () => {
    const schema = JSON.stringify({ type: 'record', name: 'Failure', fields: [] });
    expect((await call(registry.url, 'POST', '/subjects/failing/versions', { schema })).status).toBe(200);

    // The store breaks underneath the running registry, as when a table is lost or permissions are revoked.
    await registry.db.query('alter table subject_versions rename to subject_versions_gone');
    const read = await call(registry.url, 'GET', '/subjects');
    expect(read.status).toBe(500);
    expect(read.body).toEqual({ error_code: 50001, message: 'Error in the backend data store' });
    const write = await call(registry.url, 'POST', '/subjects/failing/versions', {
      schema: schema.replace('[]', '[{"name":"x","type":["null","int"],"default":null}]'),
    });
    expect([write.status, write.body.error_code]).toEqual([500, 50001]);

    await registry.db.query('alter table subject_versions_gone rename to subject_versions');
    // The failed write left no schema row behind: its transaction rolled back.
    expect((await registry.db.query('select count(*)::int as n from schemas')).rows[0]).toEqual({ n: 1 });
    expect((await call(registry.url, 'GET', '/subjects/failing/versions')).body).toEqual([1]);
  });
});
