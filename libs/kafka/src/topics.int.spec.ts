import { TestKafka, uniqueName } from '@crosscare/testing';
import { ensureTopics, TopicMismatchError } from './topics';

describe('ensureTopics (real broker)', () => {
  const kafka = new TestKafka();
  const created: string[] = [];
  afterAll(async () => {
    const admin = await kafka.connectedAdmin();
    await admin.deleteTopics({ topics: created }).catch(() => undefined);
    await kafka.cleanup();
  });

  it('creates missing topics with their partitions and config, and only once when called concurrently', async () => {
    const admin = await kafka.connectedAdmin();
    const spec = {
      name: uniqueName('changelog'),
      partitions: 4,
      config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '1000' },
    };
    created.push(spec.name);

    const results = await Promise.all([ensureTopics(admin, [spec]), ensureTopics(admin, [spec])]);
    expect(results.some((r) => r.created.includes(spec.name))).toBe(true);

    const metadata = await admin.fetchTopicMetadata({ topics: [spec.name] });
    expect(metadata.topics[0].partitions).toHaveLength(4);
    const configs = await admin.describeConfigs({
      resources: [{ type: 2 /* TOPIC */, name: spec.name, configNames: ['cleanup.policy'] }],
      includeSynonyms: false,
    });
    expect(configs.resources[0].configEntries[0].configValue).toBe('compact');

    const again = await ensureTopics(admin, [spec]);
    expect(again).toEqual({ created: [], existing: [spec.name] });
  });

  it('refuses an existing topic whose partition count differs, naming both counts', async () => {
    const admin = await kafka.connectedAdmin();
    const name = uniqueName('record-changes');
    created.push(name);
    await ensureTopics(admin, [{ name, partitions: 2 }]);
    const attempt = ensureTopics(admin, [{ name, partitions: 6 }]);
    await expect(attempt).rejects.toBeInstanceOf(TopicMismatchError);
    await expect(attempt).rejects.toThrow(`topic ${name} has 2 partitions but 6 are required`);
  });
});
