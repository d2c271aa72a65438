import {
  LOCAL_KAFKA_ADMIN,
  localKafkaEnvironment,
  startLocalKafka,
  stackPaths,
  stopLocalKafka,
  type LocalKafka,
} from '@crosscare/local-stack';
import { eventually, TestKafka, uniqueName } from '@crosscare/testing';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The three-broker mode the fault tests stand on: replication factor 3 and min.insync.replicas 2 by default,
 * so an acks=all write survives the loss of one broker.
 */
describe('local three-broker cluster', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'crosscare-cluster-e2e-'));
  const paths = { ...stackPaths(home), cache: stackPaths().cache };
  let cluster: LocalKafka;
  let kafka: TestKafka;

  beforeAll(async () => {
    // Clients 22092-22094, controllers 32092-32094: below the ephemeral range, so no outgoing socket holds them.
    cluster = await startLocalKafka({ brokers: 3, basePort: 22092, paths });
    kafka = new TestKafka(localKafkaEnvironment(cluster, paths, LOCAL_KAFKA_ADMIN));
  });

  afterAll(async () => {
    await kafka?.cleanup().catch(() => undefined);
    await stopLocalKafka({ paths });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('replicates new topics three times and keeps accepting acks=all writes after losing one broker', async () => {
    expect(cluster.bootstrap).toEqual(['127.0.0.1:22092', '127.0.0.1:22093', '127.0.0.1:22094']);
    const topic = await kafka.createTopic({ kind: 'replicated', partitions: 3 });
    const admin = await kafka.connectedAdmin();
    // Each broker learns of a new topic, and each follower joins the ISR, on its own time: ask until all three have.
    const partitions = await eventually('every partition to have three replicas in sync', async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const all = metadata.topics[0].partitions;
      return all.every((p) => p.isr.length === 3) ? all : undefined;
    });
    for (const partition of partitions) expect(partition.replicas).toHaveLength(3);
    const [config] = (
      await admin.describeConfigs({
        resources: [{ type: 2, name: topic, configNames: ['min.insync.replicas'] }],
        includeSynonyms: false,
      })
    ).resources;
    expect(config.configEntries[0].configValue).toBe('2');

    const producer = await kafka.producer();
    await producer.send({ topic, messages: [{ key: 'before', value: '1' }] });

    const victim = cluster.nodes[2];
    process.kill(victim.pid, 'SIGKILL');
    await producer.send({ topic, messages: [{ key: uniqueName('after'), value: '2' }] });

    const messages = await kafka.waitForMessages(topic, 2, { timeoutMs: 30_000 });
    expect(messages.map((m) => m.value?.toString()).sort()).toEqual(['1', '2']);
  });
});
