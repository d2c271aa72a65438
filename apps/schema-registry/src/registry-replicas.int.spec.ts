import { TestSchema } from '@crosscare/testing';
import { call, startRegistry, type RegistryUnderTest } from './testing/registry-under-test';

// Schema n has n optional fields more than schema 0, so any two are BACKWARD compatible in either order.
const schemaNumber = (n: number) =>
  JSON.stringify({
    type: 'record',
    name: 'Event',
    namespace: 'test.replicas',
    fields: [
      { name: 'value', type: 'string' },
      ...Array.from({ length: n }, (_, i) => ({
        name: `extra${i}`,
        type: ['null', 'string'],
        default: null,
      })),
    ],
  });

describe('schema registry replicas sharing one database (real Postgres)', () => {
  // A registry database per test: the first asserts ids from 1, which another test's registrations would take.
  let db: TestSchema;
  const running: RegistryUnderTest[] = [];

  beforeEach(async () => {
    db = await TestSchema.create('registry_replicas');
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()));
    await db?.drop();
  });

  async function start(): Promise<RegistryUnderTest> {
    const registry = await startRegistry(db.databaseUrl, db.name);
    running.push(registry);
    return registry;
  }

  it('two registries registering the same schemas at once agree on every id, with no gaps', async () => {
    // Both start together too: their migrations must take turns.
    const [a, b] = await Promise.all([start(), start()]);
    const subjects = Array.from({ length: 12 }, (_, n) => `replicas-subject-${n % 4}`);
    const requests = subjects.flatMap((subject, n) =>
      [a, b].map((registry) =>
        call(registry.url, 'POST', `/subjects/${subject}/versions`, { schema: schemaNumber(n % 6) }).then(
          (res) => ({ subject, n: n % 6, status: res.status, id: res.body.id as number }),
        ),
      ),
    );
    const results = await Promise.all(requests);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);

    const idBySchema = new Map<number, Set<number>>();
    for (const r of results) idBySchema.set(r.n, (idBySchema.get(r.n) ?? new Set()).add(r.id));
    for (const [n, ids] of idBySchema)
      expect({ schema: n, ids: [...ids] }).toEqual({ schema: n, ids: [...ids].slice(0, 1) });
    const ids = [...new Set(results.map((r) => r.id))].sort((x, y) => x - y);
    expect(ids).toEqual(Array.from({ length: 6 }, (_, i) => i + 1));

    // Each subject got each of its distinct schemas once, versions 1..k without gaps, seen alike from both.
    for (const subject of new Set(subjects)) {
      const fromA = await call(a.url, 'GET', `/subjects/${subject}/versions`);
      const fromB = await call(b.url, 'GET', `/subjects/${subject}/versions`);
      expect(fromA.body).toEqual(fromB.body);
      expect(fromA.body).toEqual(Array.from({ length: fromA.body.length }, (_, i) => i + 1));
    }
  });

  it('a restarted registry serves the same ids, versions and settings', async () => {
    const before = await start();
    const registered = await call(before.url, 'POST', '/subjects/replicas-restart/versions', {
      schema: schemaNumber(100),
    });
    await call(before.url, 'PUT', '/config/replicas-restart', { compatibility: 'FULL_TRANSITIVE' });
    const snapshot = {
      subjects: (await call(before.url, 'GET', '/subjects')).body,
      latest: (await call(before.url, 'GET', '/subjects/replicas-restart/versions/latest')).body,
      config: (await call(before.url, 'GET', '/config/replicas-restart')).body,
    };
    await Promise.all(running.splice(0).map((r) => r.close()));

    const after = await start();
    expect({
      subjects: (await call(after.url, 'GET', '/subjects')).body,
      latest: (await call(after.url, 'GET', '/subjects/replicas-restart/versions/latest')).body,
      config: (await call(after.url, 'GET', '/config/replicas-restart')).body,
    }).toEqual(snapshot);
    expect((await call(after.url, 'GET', `/schemas/ids/${registered.body.id}`)).body.schema).toBe(
      snapshot.latest.schema,
    );
    // The next new schema continues the sequence instead of reusing or skipping an id.
    const next = await call(after.url, 'POST', '/subjects/replicas-next/versions', {
      schema: schemaNumber(101),
    });
    expect(next.body.id).toBe(registered.body.id + 1);
  });
});
