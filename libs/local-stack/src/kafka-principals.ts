// Types only at the top: @crosscare/testing loads this library for Kafka and Postgres alone, so the governance and
// Kafka client libraries are loaded when a principal is provisioned, not before.
import type { AccessNaming, KafkaPrincipal } from '@crosscare/governance';
import { checkJava } from './java';
import { kafkaPasswordFile, type LocalKafka } from './kafka-cluster';
import { ensureKafkaDistribution } from './kafka-distribution';
import { changeScramUsers } from './kafka-scram';
import type { StackPaths } from './paths';
import { silentProgress, type Progress } from './progress';
import { withLocalAdmin } from './readiness';
import { localSecret } from './secrets';

/** The naming the local stack's principals follow: the default, with INGEST_TOPIC_PREFIX's topics when set. */
export function localAccessNaming(topicPrefix?: string): AccessNaming {
  return { topicPrefix: topicPrefix ?? 'crosscare', idPrefix: 'crosscare' };
}

/**
 * Creates or updates principals on the local cluster: a SCRAM user each (its password generated once into the
 * stack's secrets) and exactly the ACLs its definition grants.
 */
export async function ensurePrincipals(
  kafka: LocalKafka,
  paths: StackPaths,
  principals: readonly KafkaPrincipal[],
  progress: Progress = silentProgress,
): Promise<void> {
  const { applyAcls } = await import('@crosscare/kafka');
  const java = checkJava();
  const distribution = await ensureKafkaDistribution(paths, progress);
  await progress.step(
    `Ensuring ${principals.length} Kafka principals (SCRAM-SHA-512 users) and their ACLs`,
    async () => {
      await changeScramUsers(
        java,
        distribution.libs,
        {
          bootstrap: kafka.bootstrap,
          caFile: kafka.caFile,
          adminUser: kafka.admin.username,
          adminPassword: kafka.admin.password,
        },
        principals.map((p) => ({ upsert: p.name, password: localSecret(paths, `kafka-${p.name}`) })),
      );
      await withLocalAdmin(kafka.admin, { timeoutMs: 30_000, retries: 5 }, async (admin) => {
        for (const principal of principals) await applyAcls(admin, principal);
      });
    },
  );
}

/** The services' principals of the local stack. */
export async function ensureServicePrincipals(
  kafka: LocalKafka,
  paths: StackPaths,
  topicPrefix: string | undefined,
  progress: Progress = silentProgress,
): Promise<void> {
  const { loadProviderDirectory, servicePrincipals } = await import('@crosscare/governance');
  const principals = servicePrincipals(
    loadProviderDirectory().collaboratives(),
    localAccessNaming(topicPrefix),
  );
  return ensurePrincipals(kafka, paths, principals, progress);
}

/**
 * The environment that connects a process to the local cluster as `principal`: the password by file, never by
 * value, so it does not show in the process's environment.
 */
export function localKafkaEnvironment(
  kafka: Pick<LocalKafka, 'bootstrap' | 'caFile'>,
  paths: StackPaths,
  principal: string,
): Record<string, string> {
  localSecret(paths, `kafka-${principal}`);
  return {
    KAFKA_BROKERS: kafka.bootstrap.join(','),
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: principal,
    KAFKA_SASL_PASSWORD_FILE: kafkaPasswordFile(paths, principal),
    KAFKA_SSL_CA_FILE: kafka.caFile,
  };
}
