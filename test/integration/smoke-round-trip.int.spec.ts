import { createRecordChangeSerde, loadSchemaDirectory, SchemaRegistryClient } from '@crosscare/events';
import { KafkaConnections } from '@crosscare/kafka';
import { REPO_ROOT } from '@crosscare/local-stack';
import { Test } from '@nestjs/testing';
import * as path from 'node:path';
import { runRoundTrip, SMOKE_TOPIC_PREFIX } from '../../apps/smoke/src/round-trip';
import { loadSmokeConfig } from '../../apps/smoke/src/smoke-config';
import { SmokeModule } from '../../apps/smoke/src/smoke.module';
import { registerSchemas } from '../../libs/events/src/cli/schema-publisher';
import {
  startIsolatedRegistry,
  type IsolatedRegistry,
} from '../../apps/schema-registry/src/testing/registry-under-test';

/** The demo's round trip, against a real broker and a real registry holding the registered contract. */
describe('smoke round trip (real broker, real registry)', () => {
  let registry: IsolatedRegistry;

  beforeAll(async () => {
    registry = await startIsolatedRegistry('smoke_registry');
    const { events } = loadSchemaDirectory(path.join(REPO_ROOT, 'schemas'));
    await registerSchemas(new SchemaRegistryClient({ url: registry.url }), events);
  });

  afterAll(async () => {
    await registry?.close();
  });

  it('reads back every event intact, commits past each one, and deletes its topic', async () => {
    const config = loadSmokeConfig({
      ...process.env,
      SMOKE_MESSAGES: '9',
      SCHEMA_REGISTRY_URL: registry.url,
    });
    const moduleRef = await Test.createTestingModule({ imports: [SmokeModule.register(config)] }).compile();
    const app = await moduleRef.init();
    try {
      const connections = app.get(KafkaConnections);
      // Lookup only, as in production: the schemas were registered above, not by the round trip.
      const serde = createRecordChangeSerde(new SchemaRegistryClient(config.schemaRegistry));
      const report = await runRoundTrip(connections, { messages: 9, serde });

      expect(report.consumed).toBe(9);
      expect(report.mismatched).toBe(0);
      expect(new Set(report.records.map((r) => r.type))).toEqual(
        new Set(['PatientRegistered', 'AllergyRecorded']),
      );
      // One patient's changes share a key, so a partition: registration before allergy.
      const byPatient = new Map<string, number[]>();
      for (const r of report.records) byPatient.set(r.key, [...(byPatient.get(r.key) ?? []), r.partition]);
      for (const partitions of byPatient.values()) expect(new Set(partitions).size).toBe(1);
      for (const record of report.records) {
        expect(BigInt(report.committed[record.partition])).toBeGreaterThan(BigInt(record.offset));
      }
      const admin = await connections.admin();
      const topics = await admin.listTopics();
      expect(topics.filter((t) => t === report.topic)).toEqual([]);
      expect(report.topic.startsWith(SMOKE_TOPIC_PREFIX)).toBe(true);
    } finally {
      await app.close();
    }
  });
});
