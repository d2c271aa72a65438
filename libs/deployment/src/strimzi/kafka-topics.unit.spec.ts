import { distinctTopics, kafkaTopics } from './kafka-topics';

describe('kafkaTopics', () => {
  it("keeps a declaration's partitions and settings, with three replicas unless it says otherwise", () => {
    const [topic] = kafkaTopics([
      { name: 'crosscare.x.v1', partitions: 6, config: { 'retention.ms': '-1' } },
    ]);
    expect(topic).toMatchObject({
      apiVersion: 'kafka.strimzi.io/v1',
      kind: 'KafkaTopic',
      metadata: { name: 'crosscare.x.v1', labels: { 'strimzi.io/cluster': 'crosscare' } },
      spec: { partitions: 6, replicas: 3, config: { 'retention.ms': '-1' } },
    });
    expect(topic.spec.topicName).toBeUndefined();
  });

  it('names a topic whose name is no valid resource name through spec.topicName', () => {
    const [topic] = kafkaTopics([{ name: 'Crosscare_Audit', partitions: 1, replicationFactor: 1 }]);
    expect(topic.metadata.name).toBe('crosscare-audit');
    expect(topic.spec).toEqual({ topicName: 'Crosscare_Audit', partitions: 1, replicas: 1 });
  });

  it('keeps one of two identical declarations and refuses two that differ', () => {
    const spec = { name: 't', partitions: 6, config: { 'cleanup.policy': 'compact' } };
    expect(distinctTopics([spec, { ...spec }])).toHaveLength(1);
    expect(() => distinctTopics([spec, { ...spec, partitions: 3 }])).toThrow(/declared twice, differently/);
  });
});
