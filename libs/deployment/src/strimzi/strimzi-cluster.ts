/**
 * The Strimzi cluster Crosscare's KafkaTopics and KafkaUsers belong to: its name is the `strimzi.io/cluster` label the
 * topic and user operators select by, and must match `deploy/k8s/base/kafka/kafka.yaml`.
 */
export const STRIMZI_CLUSTER = 'crosscare';

export const STRIMZI_API_VERSION = 'kafka.strimzi.io/v1';

/** Replicas of every topic: three brokers, so that min.insync.replicas=2 (the brokers' setting) survives one down. */
export const TOPIC_REPLICAS = 3;
