import { testNhsNumber } from '@crosscare/events/synthetic';
import { testEvents } from '@crosscare/projection/testing';
import { eventually, TestDatabase } from '@crosscare/testing';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { createProjectorApp } from './projector-app';
import type { ProjectorRuntime } from './projector-runtime';
import { RegionUnderTest } from './testing/region-under-test';

jest.setTimeout(60_000);

/** docs/projections.md: `GET /health/ready` — consuming and the database answers (503 otherwise). */
describe('projector readiness when its database goes down (real broker, registry and Postgres)', () => {
  let region: RegionUnderTest;
  let database: TestDatabase;
  let projector: ProjectorRuntime;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    region = await RegionUnderTest.start('readiness');
    // The read model in a database of its own, so that taking it down touches no other suite on the shared server.
    database = await TestDatabase.create('projector_ready');
    projector = await region.startProjector('CCR', region.newSchema('CCR'), {
      DATABASE_URL: database.databaseUrl,
    });
    app = await createProjectorApp(projector);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await region?.close();
    await database?.drop();
  });

  const ready = async () => {
    const response = await fetch(`${base}/health/ready`);
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  };

  it('answers 503 while its database refuses connections, then 200, and projects what arrived meanwhile', async () => {
    expect(await ready()).toEqual({
      status: 200,
      body: { status: 'UP', consumer: 'running', database: 'UP' },
    });

    await database.takeDown();
    // Terminated connections and refused new ones: every probe fails, not only the first on a dead connection.
    for (let probe = 0; probe < 3; probe++)
      expect(await ready()).toMatchObject({ status: 503, body: { status: 'DOWN', database: 'DOWN' } });
    // Events keep arriving during the outage; the projector cannot store them yet.
    const nhsNumber = testNhsNumber(121);
    await region.publish([
      testEvents.AllergyRecorded({ header: { nhsNumber, sourceRecordId: 'AllergyIntolerance/a-121' } }),
    ]);

    await database.bringBack();
    await eventually(
      'readiness back to 200',
      async () => ((await ready()).status === 200 ? true : undefined),
      {
        timeoutMs: 30_000,
      },
    );
    // Back for real: the event published while the database was down is in the read model once.
    const pool = new Pool({ connectionString: database.databaseUrl, max: 1 });
    try {
      const rows = await eventually(
        'the event of the outage projected',
        async () => {
          const { rows } = await pool.query<{ source_record_id: string }>(
            `select source_record_id from "${projector.services.schema}".record_item where nhs_number = $1`,
            [nhsNumber],
          );
          return rows.length > 0 ? rows : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(rows).toEqual([{ source_record_id: 'AllergyIntolerance/a-121' }]);
    } finally {
      await pool.end();
    }
    // The relay lost its connection (and the lock it held) with the outage; it takes the lock again and publishes.
    const log = await region.readChangelog(projector.services.topology.changelogTopic, (records) =>
      records.some((r) => r.key === nhsNumber),
    );
    expect(log.filter((r) => r.key === nhsNumber).map((r) => r.record.items.length)).toEqual([1]);
  });
});
