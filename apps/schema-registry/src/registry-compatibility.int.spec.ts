import { COMPATIBILITY_LEVELS } from './avro';
import { MATRIX, type Field } from './avro/compatibility-matrix.fixture';
import { call, startIsolatedRegistry, type IsolatedRegistry } from './testing/registry-under-test';

const schema = (fields: Field[]) =>
  JSON.stringify({ type: 'record', name: 'Prescribed', namespace: 'ns', fields });

/** The compatibility matrix as clients meet it: registering the change under each level, over HTTP. */
describe('compatibility matrix through the registry (real Postgres)', () => {
  let registry: IsolatedRegistry;

  beforeAll(async () => {
    registry = await startIsolatedRegistry('registry_compat');
  });

  afterAll(async () => {
    await registry?.close();
  });

  const cases = MATRIX.flatMap((row, r) =>
    COMPATIBILITY_LEVELS.map((level) => ({
      ...row,
      subject: `matrix-${r}-${level}`,
      level,
      accepted: row.verdicts[level],
    })),
  );

  it.each(cases)(
    '$change under $level: accepted=$accepted',
    async ({ subject, level, before, after, accepted, breaks }) => {
      expect((await call(registry.url, 'PUT', `/config/${subject}`, { compatibility: level })).status).toBe(
        200,
      );
      expect(
        (await call(registry.url, 'POST', `/subjects/${subject}/versions`, { schema: schema(before) }))
          .status,
      ).toBe(200);

      const tested = await call(
        registry.url,
        'POST',
        `/compatibility/subjects/${subject}/versions?verbose=true`,
        {
          schema: schema(after),
        },
      );
      const registered = await call(registry.url, 'POST', `/subjects/${subject}/versions`, {
        schema: schema(after),
      });
      if (accepted) {
        expect(tested.body).toEqual({ is_compatible: true, messages: [] });
        expect(registered.status).toBe(200);
        expect((await call(registry.url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
      } else {
        expect(tested.body.is_compatible).toBe(false);
        expect((tested.body.messages as string[]).join(' ')).toContain(`'${breaks}`);
        expect([registered.status, registered.body.error_code]).toEqual([409, 40901]);
        expect(registered.body.message).toContain(`'${breaks}`);
        expect((await call(registry.url, 'GET', `/subjects/${subject}/versions`)).body).toEqual([1]);
      }
    },
  );

  it('transitive levels check every version, plain levels only the latest', async () => {
    // v1 has `site` without default, v2 gives it one, v3 removes it: each step is FORWARD, v3 → v1 is not.
    const v1 = schema([
      { name: 'id', type: 'string' },
      { name: 'site', type: 'string' },
    ]);
    const v2 = schema([
      { name: 'id', type: 'string' },
      { name: 'site', type: 'string', default: 'arm' },
    ]);
    const v3 = schema([{ name: 'id', type: 'string' }]);
    for (const [subject, level, expected] of [
      ['transitive-plain', 'FORWARD', 200],
      ['transitive-all', 'FORWARD_TRANSITIVE', 409],
    ] as const) {
      await call(registry.url, 'PUT', `/config/${subject}`, { compatibility: level });
      expect((await call(registry.url, 'POST', `/subjects/${subject}/versions`, { schema: v1 })).status).toBe(
        200,
      );
      expect((await call(registry.url, 'POST', `/subjects/${subject}/versions`, { schema: v2 })).status).toBe(
        200,
      );
      const third = await call(registry.url, 'POST', `/subjects/${subject}/versions`, { schema: v3 });
      expect({ level, status: third.status }).toEqual({ level, status: expected });
      if (expected === 409) expect(third.body.message).toMatch(/'site'.*version 1/);
    }
  });
});
