import {
  consoleProgress,
  databaseUrl,
  DEFAULT_POSTGRES_ADMIN_URL,
  ensureLocalTls,
  ensurePostgres,
  envValue,
  kafkaPasswordFile,
  kafkaVersion,
  LOCAL_KAFKA_ADMIN,
  localAdminAccess,
  localKafkaEnvironment,
  localSecret,
  localTlsPaths,
  newClusterId,
  stackPaths,
  startLocalKafka,
  stopLocalKafka,
  type Progress,
} from '@crosscare/local-stack';
import { freePort } from './free-port';
import * as fs from 'node:fs';
import { kafkaContainerPlan } from './kafka-container';
import { brokersFromEnvironment, testKafkaEnvironment } from './test-kafka';
import { databaseUrlFromEnvironment } from './test-schema';

/**
 * Where an integration suite's Kafka and Postgres come from, decided once per test run:
 *  1. environment: KAFKA_BROKERS / DATABASE_URL are set (CI, a developer's running stack, a remote cluster);
 *  2. docker: a Docker engine answers, so testcontainers starts apache/kafka and postgres;
 *  3. local: the project's own scripts start the KRaft broker from jars, and the local Postgres is used.
 * CROSSCARE_TEST_INFRA=environment|docker|local forces one for both.
 */
export type InfraSource = 'environment' | 'docker' | 'local';

export const TEST_DATABASE = 'crosscare_test';

export function chooseSource(input: {
  readonly configured: string | undefined;
  readonly forced: string | undefined;
  readonly dockerAvailable: () => Promise<boolean>;
}): Promise<InfraSource> {
  const forced = input.forced?.trim();
  if (forced && forced !== 'auto') {
    if (forced !== 'environment' && forced !== 'docker' && forced !== 'local') {
      throw new Error(`CROSSCARE_TEST_INFRA must be auto, environment, docker or local (got "${forced}")`);
    }
    if (forced === 'environment' && !input.configured) {
      throw new Error('CROSSCARE_TEST_INFRA=environment but KAFKA_BROKERS / DATABASE_URL is not set');
    }
    return Promise.resolve(forced);
  }
  if (input.configured) return Promise.resolve('environment');
  return input.dockerAvailable().then((yes) => (yes ? 'docker' : 'local'));
}

export interface TestInfrastructure {
  readonly kafkaBrokers: string[];
  /** KAFKA_* variables that connect as the cluster's admin principal (tests provision topics and users). */
  readonly kafkaEnvironment: Record<string, string>;
  readonly databaseUrl: string;
  readonly sources: { readonly kafka: InfraSource; readonly database: InfraSource };
  /** Stops only what this run started: a broker or container that was already there keeps running. */
  stop(): Promise<void>;
}

export async function startTestInfrastructure(
  env: NodeJS.ProcessEnv = process.env,
  progress: Progress = consoleProgress((line) => process.stderr.write(`[test infra] ${line}\n`)),
): Promise<TestInfrastructure> {
  let docker: Promise<boolean> | undefined;
  const dockerAvailable = () => (docker ??= isDockerAvailable());
  const kafkaSource = await chooseSource({
    configured: envValue('KAFKA_BROKERS', env),
    forced: envValue('CROSSCARE_TEST_INFRA', env),
    dockerAvailable,
  });
  const databaseSource = await chooseSource({
    configured: envValue('DATABASE_URL', env),
    forced: envValue('CROSSCARE_TEST_INFRA', env),
    dockerAvailable,
  });
  const stops: Array<() => Promise<void>> = [];

  try {
    const kafkaEnvironment = await startKafka(kafkaSource, env, progress, stops);
    const kafkaBrokers = brokersFromEnvironment(kafkaEnvironment);
    const url = await startDatabase(databaseSource, env, progress, stops);
    progress.info(
      `kafka from ${kafkaSource} (${kafkaBrokers.join(',')}, as ${kafkaEnvironment.KAFKA_SASL_USERNAME ?? 'PLAINTEXT'}), ` +
        `postgres from ${databaseSource}`,
    );
    return {
      kafkaBrokers,
      kafkaEnvironment,
      databaseUrl: url,
      sources: { kafka: kafkaSource, database: databaseSource },
      stop: () => stopAll(stops),
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

async function stopAll(stops: Array<() => Promise<void>>): Promise<void> {
  for (const stop of stops.reverse()) await stop();
  stops.length = 0;
}

async function startKafka(
  source: InfraSource,
  env: NodeJS.ProcessEnv,
  progress: Progress,
  stops: Array<() => Promise<void>>,
): Promise<Record<string, string>> {
  if (source === 'environment') return environmentKafka(env);
  if (source === 'docker') return startDockerKafka(progress, stops);
  const paths = stackPaths();
  const kafka = await startLocalKafka({ brokers: 1, progress, paths });
  if (kafka.started.length > 0) {
    stops.push(async () => {
      await stopLocalKafka({ progress });
    });
  }
  return localKafkaEnvironment(kafka, paths, LOCAL_KAFKA_ADMIN);
}

/**
 * apache/kafka in a container, secured as the local stack's broker and with the local stack's CA, broker certificate
 * and admin (made by the JDK's keytool on first use, as for the local source); the tests connect as that admin.
 */
async function startDockerKafka(
  progress: Progress,
  stops: Array<() => Promise<void>>,
): Promise<Record<string, string>> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const paths = stackPaths();
  const tls = await ensureLocalTls(paths, progress);
  const admin = localAdminAccess(paths, []);
  // A fixed host port, because the broker must advertise the address clients will use.
  const port = await freePort();
  const plan = kafkaContainerPlan({
    publishedPort: port,
    clusterId: newClusterId(),
    keystoreFile: tls.keystoreFile,
    keystorePassword: localSecret(paths, 'kafka-broker-keystore'),
    adminUser: admin.username,
    adminPassword: admin.password,
  });
  const container = await progress.step(
    `Starting apache/kafka:${kafkaVersion()} with testcontainers (SASL_SSL, SCRAM-SHA-512, ACLs)`,
    () =>
      new GenericContainer(`apache/kafka:${kafkaVersion()}`)
        .withExposedPorts(plan.exposedPort)
        .withEnvironment(plan.environment)
        .withCopyFilesToContainer(plan.files)
        .withCopyContentToContainer(plan.contents)
        .withEntrypoint(plan.entrypoint)
        .withCommand(plan.command)
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .start(),
  );
  stops.push(async () => {
    await container.stop();
  });
  return localKafkaEnvironment(
    { bootstrap: [`127.0.0.1:${port}`], caFile: tls.caFile },
    paths,
    LOCAL_KAFKA_ADMIN,
  );
}

/**
 * A cluster named by KAFKA_BROKERS: its credentials from the environment too (CI sets them), or, when none are
 * given and this checkout's local stack has an admin secret, the local stack's admin (a developer's running stack).
 */
export function environmentKafka(env: NodeJS.ProcessEnv): Record<string, string> {
  const given = testKafkaEnvironment(env);
  if (given.KAFKA_SASL_USERNAME || given.KAFKA_SECURITY_PROTOCOL === 'PLAINTEXT') return given;
  const paths = stackPaths();
  if (!fs.existsSync(kafkaPasswordFile(paths, LOCAL_KAFKA_ADMIN))) {
    throw new Error(
      'KAFKA_BROKERS is set but KAFKA_SASL_USERNAME is not, and there is no local stack admin secret to use: ' +
        'set KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE (or KAFKA_SASL_PASSWORD) and KAFKA_SSL_CA_FILE',
    );
  }
  return {
    ...localKafkaEnvironment(
      { bootstrap: brokersFromEnvironment(env), caFile: localTlsPaths(paths).caFile },
      paths,
      LOCAL_KAFKA_ADMIN,
    ),
  };
}

async function startDatabase(
  source: InfraSource,
  env: NodeJS.ProcessEnv,
  progress: Progress,
  stops: Array<() => Promise<void>>,
): Promise<string> {
  if (source === 'environment') return databaseUrlFromEnvironment(env);
  if (source === 'docker') {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await progress.step('Starting postgres:16-alpine with testcontainers', () =>
      new PostgreSqlContainer('postgres:16-alpine').withDatabase(TEST_DATABASE).start(),
    );
    stops.push(async () => {
      await container.stop();
    });
    return container.getConnectionUri();
  }
  const adminUrl = envValue('CROSSCARE_POSTGRES_ADMIN_URL', env) ?? DEFAULT_POSTGRES_ADMIN_URL;
  await ensurePostgres({ adminUrl, databases: [TEST_DATABASE], paths: stackPaths(), progress });
  return databaseUrl(adminUrl, TEST_DATABASE);
}

async function isDockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    // Bounded: on a machine with a docker CLI but no engine the lookup can wait on a socket.
    return await Promise.race([
      getContainerRuntimeClient().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000).unref()),
    ]);
  } catch {
    return false;
  }
}
