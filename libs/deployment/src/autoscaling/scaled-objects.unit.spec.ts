import { groupLagQuery, partitionsConsumed, scaledObjects, type ConsumerDeployment } from './scaled-objects';

const topics = [
  { name: 'a', partitions: 6 },
  { name: 'b', partitions: 6 },
  { name: 'c', partitions: 1 },
];
const consumer: ConsumerDeployment = {
  deployment: 'projector-ccr',
  group: 'crosscare-projector-ccr',
  topics: ['a', 'b', 'c'],
  lagPerReplica: 10_000,
  minReplicas: 2,
};

describe('scaledObjects', () => {
  it('allows at most one instance per partition the group consumes', () => {
    expect(partitionsConsumed(consumer, topics)).toBe(13);
    const [scaled] = scaledObjects([consumer], topics, { prometheusUrl: 'http://prometheus:9090' });
    expect(scaled.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'projector-ccr' },
      minReplicaCount: 2,
      maxReplicaCount: 13,
    });
  });

  it("scales on the group's lag from Prometheus, one figure per partition however many instances report it", () => {
    const [scaled] = scaledObjects([consumer], topics, { prometheusUrl: 'http://prometheus:9090' });
    expect(scaled.spec.triggers).toEqual([
      expect.objectContaining({
        type: 'prometheus',
        metadata: expect.objectContaining({
          serverAddress: 'http://prometheus:9090',
          query: groupLagQuery('crosscare-projector-ccr'),
          threshold: '10000',
        }),
      }),
    ]);
    expect(groupLagQuery('g')).toBe('sum(max by (topic, partition) (crosscare_consumer_lag{group="g"}))');
  });

  it('refuses a group reading a topic nobody declares, or more instances at least than partitions', () => {
    expect(() => partitionsConsumed({ ...consumer, topics: ['a', 'z'] }, topics)).toThrow(
      /z, which no service/,
    );
    expect(() =>
      scaledObjects([{ ...consumer, topics: ['c'] }], topics, { prometheusUrl: 'http://p' }),
    ).toThrow(/2 replicas for 1 partitions/);
  });
});
