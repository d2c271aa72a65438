import { optOutTopicSpec, recordChangeTopicSpecs } from './record-change-topics';

describe('record-change topics of the local stack', () => {
  it('given one broker, names one topic per ICS with 6 partitions, replicated once, kept forever', () => {
    const specs = recordChangeTopicSpecs(1);

    expect(specs.map((s) => s.name)).toEqual([
      'crosscare.qhl.record-changes.v1',
      'crosscare.qwu.record-changes.v1',
      'crosscare.qgh.record-changes.v1',
      'crosscare.qoc.record-changes.v1',
      'crosscare.qua.record-changes.v1',
      'crosscare.qnc.record-changes.v1',
    ]);
    for (const spec of specs) {
      expect(spec).toMatchObject({ partitions: 6, replicationFactor: 1 });
      expect(spec.config).toEqual({ 'retention.ms': '-1' });
    }
  });

  it('given three brokers and a topic prefix, replicates three times under that prefix', () => {
    const specs = recordChangeTopicSpecs(3, 'dev-alice');

    expect(specs[0]).toMatchObject({ name: 'dev-alice.qhl.record-changes.v1', replicationFactor: 3 });
    expect(new Set(specs.map((s) => s.replicationFactor))).toEqual(new Set([3]));
  });

  it('leaves min.insync.replicas to the brokers, which set it for their mode', () => {
    for (const spec of recordChangeTopicSpecs(3))
      expect(spec.config).not.toHaveProperty('min.insync.replicas');
  });

  it('given one broker, makes the opt-out topic compacted, kept forever, partitioned as the ICS topics', () => {
    expect(optOutTopicSpec(1)).toEqual({
      name: 'crosscare.opt-outs.v1',
      partitions: recordChangeTopicSpecs(1)[0].partitions,
      replicationFactor: 1,
      config: { 'cleanup.policy': 'compact', 'retention.ms': '-1' },
    });
  });

  it('given three brokers and a topic prefix, replicates the opt-out topic three times under that prefix', () => {
    expect(optOutTopicSpec(3, 'dev-alice')).toMatchObject({
      name: 'dev-alice.opt-outs.v1',
      replicationFactor: 3,
    });
    expect(optOutTopicSpec(3).config).not.toHaveProperty('min.insync.replicas');
  });
});
