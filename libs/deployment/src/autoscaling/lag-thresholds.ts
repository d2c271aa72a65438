/**
 * Lag, in offsets, one instance is left to work through before KEDA adds another: about one second of what one
 * instance processed in the benches (docs/performance.md), so a consumer that keeps up stays at its minimum and a
 * backlog larger than a second's work per instance scales out. The benches ran on two cores shared with the broker
 * and Postgres; revisit with figures from the cluster (crosscare_consumer_lag against the instance count).
 */
export const LAG_PER_REPLICA = {
  // bench:projector caught up at about 11,000 events/s per instance; under bench:latency's 1,000 events/s a projector
  // that kept up showed 319-382 offsets of lag on average, so steady load never reaches this.
  projector: 10_000,
  // bench:sde: 10,371 events/s published by one instance.
  sdePublisher: 10_000,
  // bench:subscriptions: one instance matched and numbered 413 record changes/s (matching is its bound).
  subscriptions: 400,
} as const;

/** Two instances at least: the second holds no partitions but takes them over at once when the first dies. */
export const MIN_CONSUMER_REPLICAS = 2;
