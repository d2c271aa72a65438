import * as fs from 'node:fs';
import { Kafka, logLevel, type Admin } from 'kafkajs';

/** How a local tool reaches the stack's brokers: over TLS, verified against the local CA, as one principal. */
export interface LocalKafkaAccess {
  readonly bootstrap: readonly string[];
  readonly caFile: string;
  readonly username: string;
  readonly password: string;
}

export interface ClusterView {
  readonly brokers: number;
  readonly controllerId: number | null;
}

/**
 * Runs `work` with a connected admin client of the local brokers, quiet (the stack reports its own errors) and
 * retrying `retries` times, so a probe fails fast and a provisioning step rides out a broker that is still warming.
 */
export async function withLocalAdmin<T>(
  access: LocalKafkaAccess,
  options: { timeoutMs: number; retries: number },
  work: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = new Kafka({
    clientId: 'crosscare-local-stack',
    brokers: [...access.bootstrap],
    ssl: { ca: [fs.readFileSync(access.caFile, 'utf8')], rejectUnauthorized: true },
    sasl: { mechanism: 'scram-sha-512', username: access.username, password: access.password },
    logLevel: logLevel.NOTHING,
    // TLS and a SCRAM exchange (8192 PBKDF2 rounds on the broker) take longer than a bare TCP connect, and more on a
    // loaded two-core machine: give the connection the request's budget.
    connectionTimeout: options.timeoutMs,
    requestTimeout: options.timeoutMs,
    retry: { retries: options.retries },
  }).admin();
  try {
    await admin.connect();
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** One metadata round trip: what the cluster says about itself, or undefined when it does not answer. */
export async function describeCluster(
  access: LocalKafkaAccess,
  timeoutMs = 10_000,
): Promise<ClusterView | undefined> {
  try {
    return await withLocalAdmin(access, { timeoutMs, retries: 0 }, async (admin) => {
      const cluster = await admin.describeCluster();
      return { brokers: cluster.brokers.length, controllerId: cluster.controller };
    });
  } catch {
    return undefined;
  }
}

/**
 * Waits until every expected broker is registered and a controller is elected: only then do topic creation and
 * group coordination work. An open port alone is not enough (the broker listens before it has metadata).
 */
export async function waitForBrokers(
  access: LocalKafkaAccess,
  expected: number,
  options: { timeoutMs: number; check?: () => void; tick?: (detail: string) => void },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last: ClusterView | undefined;
  while (Date.now() < deadline) {
    options.check?.();
    last = await describeCluster(access);
    if (last && last.brokers >= expected && last.controllerId !== null) return;
    options.tick?.(last ? `${last.brokers}/${expected} brokers registered` : 'waiting for the first answer');
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `Kafka at ${access.bootstrap.join(',')} not ready after ${options.timeoutMs} ms ` +
      `(${last ? `${last.brokers}/${expected} brokers registered` : 'no answer'})`,
  );
}
