import { KafkaConnections } from '@crosscare/kafka';
import { Test } from '@nestjs/testing';
import { runRoundTrip, SMOKE_TOPIC_PREFIX } from './round-trip';
import { loadSmokeConfig } from './smoke-config';
import { SmokeModule } from './smoke.module';

describe('smoke round trip (real broker)', () => {
  it('reads back every record it wrote, commits past each one, and deletes its topic', async () => {
    const config = loadSmokeConfig({ ...process.env, SMOKE_MESSAGES: '9' });
    const moduleRef = await Test.createTestingModule({ imports: [SmokeModule.register(config)] }).compile();
    const app = await moduleRef.init();
    try {
      const connections = app.get(KafkaConnections);
      const report = await runRoundTrip(connections, { messages: 9 });

      expect(report.consumed).toBe(9);
      expect(new Set(report.records.map((r) => r.key)).size).toBe(9);
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
