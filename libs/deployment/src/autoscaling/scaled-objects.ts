// Types only: the topic declarations are libs/kafka's shape, and this library loads no Kafka client.
import type { TopicSpec } from '@crosscare/kafka';
import { GENERATED_LABELS, type KubernetesObject } from '../manifests/kubernetes-object';

/** A Deployment whose instances share one consumer group, and what one instance is expected to keep up with. */
export interface ConsumerDeployment {
  /** The Deployment KEDA scales (deploy/k8s/base/<service>). */
  readonly deployment: string;
  /** The consumer group its instances join: the `group` label of crosscare_consumer_lag. */
  readonly group: string;
  /** Every topic the group consumes: its partitions bound how many instances can have work. */
  readonly topics: readonly string[];
  /** Lag, in offsets, that one instance is left to work through before KEDA adds another (the trigger's threshold). */
  readonly lagPerReplica: number;
  /** Instances kept however quiet it is: a second one takes the partitions over at once when one dies. */
  readonly minReplicas: number;
}

export interface ScaledObjectOptions {
  /** The Prometheus that scrapes the services' /metrics. */
  readonly prometheusUrl: string;
}

export interface ScaledObjectResource extends KubernetesObject {
  readonly kind: 'ScaledObject';
  readonly spec: Record<string, unknown>;
}

/** Partitions of every topic the group consumes: more instances than that would have nothing to do. */
export function partitionsConsumed(consumer: ConsumerDeployment, topics: readonly TopicSpec[]): number {
  return consumer.topics.reduce((sum, name) => {
    const topic = topics.find((t) => t.name === name);
    if (!topic) throw new RangeError(`${consumer.group} consumes ${name}, which no service declares`);
    return sum + topic.partitions;
  }, 0);
}

/**
 * The group's total lag. Every instance of a group measures the whole group's lag (libs/metrics, consumer-lag.ts), so a
 * plain sum over the scraped series would count it once per instance: take one figure per partition first.
 */
export function groupLagQuery(group: string): string {
  return `sum(max by (topic, partition) (crosscare_consumer_lag{group="${group}"}))`;
}

/**
 * A KEDA ScaledObject per consumer Deployment, on the lag its consumers publish themselves. Crosscare's consumers keep
 * their positions in Postgres with what they wrote, not in Kafka's committed offsets, so KEDA's kafka scaler would
 * read a group that never commits; the prometheus trigger reads the positions that count.
 */
export function scaledObjects(
  consumers: readonly ConsumerDeployment[],
  topics: readonly TopicSpec[],
  options: ScaledObjectOptions,
): ScaledObjectResource[] {
  return consumers.map((consumer) => {
    const maxReplicaCount = partitionsConsumed(consumer, topics);
    if (consumer.minReplicas > maxReplicaCount) {
      throw new RangeError(
        `${consumer.deployment}: ${consumer.minReplicas} replicas for ${maxReplicaCount} partitions`,
      );
    }
    return {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: {
        name: consumer.deployment,
        labels: { 'app.kubernetes.io/name': consumer.deployment, ...GENERATED_LABELS },
      },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: consumer.deployment },
        minReplicaCount: consumer.minReplicas,
        maxReplicaCount,
        pollingInterval: 30,
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: {
              // Every change of membership rebalances the group and pauses its consumption: add quickly, remove
              // only after five quiet minutes, one instance at a time.
              scaleDown: {
                stabilizationWindowSeconds: 300,
                policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
              },
            },
          },
        },
        triggers: [
          {
            type: 'prometheus',
            metricType: 'AverageValue',
            metadata: {
              serverAddress: options.prometheusUrl,
              query: groupLagQuery(consumer.group),
              threshold: String(consumer.lagPerReplica),
              // No series yet (the first instance still starting) is no lag, not an error that stalls scaling.
              ignoreNullValues: 'true',
            },
          },
        ],
      },
    };
  });
}
