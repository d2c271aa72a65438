// Types only: the topic declarations are libs/kafka's shape, and this library loads no Kafka client.
import type { TopicSpec } from '@crosscare/kafka';
import { GENERATED_LABELS, isKubernetesName, type KubernetesObject } from '../manifests/kubernetes-object';
import { STRIMZI_API_VERSION, STRIMZI_CLUSTER, TOPIC_REPLICAS } from './strimzi-cluster';

export interface KafkaTopicResource extends KubernetesObject {
  readonly kind: 'KafkaTopic';
  readonly spec: {
    /** Only when the topic's name is not a valid resource name (upper case, underscores). */
    readonly topicName?: string;
    readonly partitions: number;
    readonly replicas: number;
    readonly config?: Readonly<Record<string, string>>;
  };
}

function sameSpec(a: TopicSpec, b: TopicSpec): boolean {
  return (
    a.partitions === b.partitions &&
    a.replicationFactor === b.replicationFactor &&
    JSON.stringify(Object.entries(a.config ?? {}).sort()) ===
      JSON.stringify(Object.entries(b.config ?? {}).sort())
  );
}

/**
 * The topics the services declare, once each. Two services may declare the same topic (each projector provisions
 * the other's changelog so that either may start first); they must agree, or the topic would be whichever started
 * first's, so a disagreement stops the generator.
 */
export function distinctTopics(specs: readonly TopicSpec[]): TopicSpec[] {
  const byName = new Map<string, TopicSpec>();
  for (const spec of specs) {
    const seen = byName.get(spec.name);
    if (seen && !sameSpec(seen, spec)) {
      throw new RangeError(
        `topic ${spec.name} is declared twice, differently: ${JSON.stringify([seen, spec])}`,
      );
    }
    byName.set(spec.name, seen ?? spec);
  }
  return [...byName.values()];
}

/**
 * A KafkaTopic per declared topic, with the declaration's partitions and settings. Replicas are the declaration's
 * or three; min.insync.replicas stays the brokers' (2), as on the local stack, where the brokers set it by mode.
 */
export function kafkaTopics(specs: readonly TopicSpec[]): KafkaTopicResource[] {
  return distinctTopics(specs).map((spec) => {
    // Topic names with dots are valid resource names; spec.topicName carries any other name unchanged.
    const valid = isKubernetesName(spec.name);
    const name = valid ? spec.name : spec.name.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
    if (!isKubernetesName(name)) throw new RangeError(`topic ${spec.name} has no valid KafkaTopic name`);
    const config = spec.config && Object.keys(spec.config).length > 0 ? { ...spec.config } : undefined;
    return {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'KafkaTopic',
      metadata: { name, labels: { 'strimzi.io/cluster': STRIMZI_CLUSTER, ...GENERATED_LABELS } },
      spec: {
        ...(valid ? {} : { topicName: spec.name }),
        partitions: spec.partitions,
        replicas: spec.replicationFactor ?? TOPIC_REPLICAS,
        ...(config ? { config } : {}),
      },
    };
  });
}
