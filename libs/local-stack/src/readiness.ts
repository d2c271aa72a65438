import { Kafka, logLevel } from 'kafkajs';

export interface ClusterView {
  readonly brokers: number;
  readonly controllerId: number | null;
}

/** One metadata round trip: what the cluster says about itself, or undefined when it does not answer. */
export async function describeCluster(
  bootstrap: readonly string[],
  timeoutMs = 3000,
): Promise<ClusterView | undefined> {
  const kafka = new Kafka({
    clientId: 'crosscare-local-stack',
    brokers: [...bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return { brokers: cluster.brokers.length, controllerId: cluster.controller };
  } catch {
    return undefined;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Waits until every expected broker is registered and a controller is elected: only then do topic creation and
 * group coordination work. An open port alone is not enough (the broker listens before it has metadata).
 */
export async function waitForBrokers(
  bootstrap: readonly string[],
  expected: number,
  options: { timeoutMs: number; check?: () => void; tick?: (detail: string) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last: ClusterView | undefined;
  while (Date.now() < deadline) {
    options.check?.();
    last = await describeCluster(bootstrap);
    if (last && last.brokers >= expected && last.controllerId !== null) return;
    options.tick?.(last ? `${last.brokers}/${expected} brokers registered` : 'waiting for the first answer');
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `Kafka at ${bootstrap.join(',')} not ready after ${options.timeoutMs} ms ` +
      `(${last ? `${last.brokers}/${expected} brokers registered` : 'no answer'})`,
  );
}
