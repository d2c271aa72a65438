import { eventually, TestDatabase } from '@crosscare/testing';
import { call, startRegistry, type RegistryUnderTest } from './testing/registry-under-test';

jest.setTimeout(60_000);

/** docs/operations.md: `GET /health` answers 200 when Postgres answers and 503 when it does not. */
describe('schema registry readiness when its database goes down (real Postgres)', () => {
  let database: TestDatabase;
  let registry: RegistryUnderTest;

  beforeAll(async () => {
    // A database of its own, so that taking it down touches no other suite on the shared server.
    database = await TestDatabase.create('registry_ready');
    registry = await startRegistry(database.databaseUrl, 'schema_registry');
  });

  afterAll(async () => {
    await registry?.close();
    await database?.drop();
  });

  it('answers 503 while its database refuses connections, and 200 again once it is back', async () => {
    const schema = JSON.stringify({ type: 'record', name: 'Ready', fields: [] });
    expect((await call(registry.url, 'POST', '/subjects/ready/versions', { schema })).status).toBe(200);
    expect(await call(registry.baseUrl, 'GET', '/health')).toMatchObject({
      status: 200,
      body: { status: 'ok', database: 'up' },
    });

    await database.takeDown();
    // Terminated connections and refused new ones: every probe fails, not only the first on a dead connection.
    for (let probe = 0; probe < 3; probe++)
      expect(await call(registry.baseUrl, 'GET', '/health')).toMatchObject({
        status: 503,
        body: { status: 'unavailable', database: 'down' },
      });

    await database.bringBack();
    await eventually('readiness back to 200', async () =>
      (await call(registry.baseUrl, 'GET', '/health')).status === 200 ? true : undefined,
    );
    // Back for real: what was registered before the outage is served again.
    expect((await call(registry.url, 'GET', '/subjects/ready/versions')).body).toEqual([1]);
  });
});
