import { configOrExit } from '@crosscare/config';
import {
  checkKafkaVariables,
  databaseVariables,
  identifier,
  kafkaVariables,
  loadConfig,
  schemaRegistryVariables,
  toDatabaseConfig,
  toKafkaConfig,
  toSchemaRegistryConfig,
} from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { loadSdeProjects } from '@crosscare/sde';
import { DEFAULT_TOPIC_PREFIX, SchemaRegistryClient, subscriberGrantAuditTopic } from '@crosscare/events';
import { applyAcls, createKafka, createRecordProducer, ensureTopics, removeAcls } from '@crosscare/kafka';
import {
  addRegistryReaderTo,
  registryUsersFile,
  removeRegistryReaderFrom,
  changeScramUsers,
  disablingChanges,
  checkJava,
  ensureKafkaDistribution,
  silentProgress,
  stackPaths,
} from '@crosscare/local-stack';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { z } from 'zod';
import { kafkajsConfiguration, librdkafkaProperties } from '../client-configuration';
import { GrantAudit, grantAuditTopicSpec } from '../grant-audit';
import { DEFAULT_GRANTS_SCHEMA, GrantStore, type StoredGrant } from '../grant-store';
import { SubscriberAccess } from '../subscriber-access';
import { grantScope, GrantRequestError, validateGrantRequest } from '../subscriber-grant';
import { parseSubscribersArguments, USAGE, type SubscribersCommand } from './subscribers-args';

const POSTGRES_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function loadSubscribersConfig(env: NodeJS.ProcessEnv) {
  return loadConfig(
    {
      ...kafkaVariables,
      ...schemaRegistryVariables,
      ...databaseVariables,
      SUBSCRIBERS_TOPIC_PREFIX: identifier(
        /^[a-z0-9][a-z0-9.-]{0,60}$/,
        'lower-case letters, digits, dots, dashes',
      ).default(DEFAULT_TOPIC_PREFIX),
      SUBSCRIBERS_ID_PREFIX: identifier(
        /^[a-z0-9][a-z0-9-]{0,40}$/,
        'lower-case letters, digits, dashes',
      ).default('crosscare'),
      /** The registry's run-time readers file (its SCHEMA_REGISTRY_AUTH_USERS_FILE); the local stack's by default. */
      SUBSCRIBERS_REGISTRY_USERS_FILE: z.string().optional(),
      SUBSCRIBERS_DATABASE_SCHEMA: identifier(
        POSTGRES_IDENTIFIER,
        'a lower-case Postgres identifier',
      ).default(DEFAULT_GRANTS_SCHEMA),
    },
    (v) => ({
      kafka: toKafkaConfig(v),
      caFile: v.KAFKA_SSL_CA_FILE,
      registry: toSchemaRegistryConfig(v),
      database: toDatabaseConfig(v),
      naming: { topicPrefix: v.SUBSCRIBERS_TOPIC_PREFIX, idPrefix: v.SUBSCRIBERS_ID_PREFIX },
      schema: v.SUBSCRIBERS_DATABASE_SCHEMA,
      registryUsersFile: v.SUBSCRIBERS_REGISTRY_USERS_FILE ?? registryUsersFile(stackPaths()),
    }),
    env,
    (v) => [
      ...checkKafkaVariables(v),
      ...(v.KAFKA_SECURITY_PROTOCOL !== 'SASL_SSL' || !v.KAFKA_SSL_CA_FILE
        ? [
            {
              variable: 'KAFKA_SSL_CA_FILE',
              reason: 'is required: subscribers are handed the CA certificate and connect over SASL_SSL',
            },
          ]
        : []),
    ],
  );
}

function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}

/** Who runs the command, for the register and the audit trail: --granted-by / --by, CROSSCARE_OPERATOR, the OS user. */
function operator(given: string | undefined, env: NodeJS.ProcessEnv): string {
  return given ?? env.CROSSCARE_OPERATOR ?? os.userInfo().username;
}

/** One line of `list`; `scopeWidth` lines the column up across changelog and SDE project grants. */
function describe(grant: StoredGrant, now: Date, scopeWidth: number): string {
  const status = grant.revokedAt
    ? `${grant.revokeReason === 'EXPIRED' ? 'expired' : 'revoked'} ${grant.revokedAt.toISOString()} by ${grant.revokedBy}`
    : grant.expiresAt && grant.expiresAt <= now
      ? 'LAPSED (run subscribers expire)'
      : 'active';
  return [
    grant.name.padEnd(24),
    grant.organisationOdsCode.padEnd(7),
    grantScope(grant).padEnd(scopeWidth),
    grant.agreement.padEnd(16),
    (grant.expiresAt ? grant.expiresAt.toISOString().slice(0, 10) : 'no expiry').padEnd(11),
    `granted ${grant.grantedAt.toISOString()} by ${grant.grantedBy}`.padEnd(52),
    status,
  ].join('  ');
}

export async function runSubscribers(
  command: SubscribersCommand,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const config = configOrExit('subscribers', () => loadSubscribersConfig(env));
  const store = await GrantStore.open(config.database, config.schema);
  const kafka = createKafka(config.kafka, { defaultClientId: 'crosscare-subscribers' });
  const admin = kafka.admin();
  const producer = createRecordProducer(kafka);
  try {
    if (command.name === 'list') {
      const grants = await store.list();
      if (grants.length === 0) process.stdout.write('no subscriber grants\n');
      const now = new Date();
      const scopeWidth = Math.max(4, ...grants.map((g) => grantScope(g).length));
      for (const grant of grants) process.stdout.write(`${describe(grant, now, scopeWidth)}\n`);
      return 0;
    }
    await admin.connect();
    const auditTopic = subscriberGrantAuditTopic(config.naming.topicPrefix);
    await ensureTopics(admin, [grantAuditTopicSpec(auditTopic)]);
    await producer.connect();
    const java = checkJava();
    const distribution = await ensureKafkaDistribution(stackPaths(), silentProgress);
    const connection = {
      bootstrap: config.kafka.brokers,
      caFile: config.caFile ?? '',
      adminUser: config.kafka.sasl?.username ?? '',
      adminPassword: config.kafka.sasl?.password ?? '',
    };
    const access = new SubscriberAccess(
      {
        users: {
          upsert: async (name, password) => {
            await changeScramUsers(java, distribution.libs, connection, [{ upsert: name, password }]);
          },
          // Disabled, not deleted: a deleted SCRAM user can cost every user their login after a broker restart
          // (kafka-scram.ts). With its ACLs gone and a password nobody knows, it can neither log in nor do anything.
          remove: async (name) => {
            await changeScramUsers(java, distribution.libs, connection, disablingChanges([name]));
          },
        },
        acls: {
          apply: (principal) => applyAcls(admin, principal),
          remove: (name) => removeAcls(admin, name),
        },
        // The registry's run-time readers file (SCHEMA_REGISTRY_AUTH_USERS_FILE), hashed entries; the local stack's.
        registry: {
          addReader: (name, password) =>
            Promise.resolve(addRegistryReaderTo(config.registryUsersFile, name, password)),
          removeReader: (name) => {
            removeRegistryReaderFrom(config.registryUsersFile, name);
            return Promise.resolve();
          },
        },
        audit: new GrantAudit(new SchemaRegistryClient(config.registry), producer, auditTopic),
        store,
        now: () => new Date(),
      },
      config.naming,
    );

    if (command.name === 'grant') {
      // The approved projects are read only for an SDE grant: a changelog grant does not depend on that file.
      const request = validateGrantRequest(
        { ...command.options, grantedBy: operator(command.options.grantedBy, env) },
        new Date(),
        command.options.project === undefined ? [] : loadSdeProjects(),
      );
      const { grant, password } = await access.grant(request);
      const credentials = {
        bootstrap: config.kafka.brokers,
        username: grant.principal,
        password,
        caFile: config.caFile ?? '',
        registry: { url: withoutCredentials(config.registry.url), username: grant.principal, password },
      };
      process.stdout.write(
        `granted ${grant.name} (${grant.organisationOdsCode}) read access to ${grant.topics.join(', ')} ` +
          `(${grantScope(grant)}) ` +
          `under ${grant.agreement}, ${grant.expiresAt ? `until ${grant.expiresAt.toISOString()}` : 'with no expiry'}\n` +
          `consumer groups: ${grant.groupPrefix}*\n\n` +
          'Credentials, shown once (the cluster keeps only a salted hash): hand them over by a secure channel,\n' +
          `with the CA certificate ${credentials.caFile} (public).\n\n`,
      );
      const properties = librdkafkaProperties(grant, credentials);
      if (command.options.configFile) {
        fs.writeFileSync(command.options.configFile, properties, { mode: 0o600 });
        process.stdout.write(
          `librdkafka configuration (kcat -F, confluent-kafka) written to ${command.options.configFile}\n\n`,
        );
      } else {
        process.stdout.write(
          `# librdkafka configuration (kcat -F <file>, confluent-kafka):\n${properties}\n`,
        );
      }
      process.stdout.write(`// kafkajs:\n${kafkajsConfiguration(grant, credentials)}`);
      return 0;
    }
    if (command.name === 'revoke') {
      const revoked = await access.revoke(command.subscriber, operator(command.by, env));
      if (!revoked) {
        process.stderr.write(`no active grant for ${command.subscriber}\n`);
        return 1;
      }
      process.stdout.write(`revoked ${revoked.name}: user ${revoked.principal} and its ACLs removed\n`);
      return 0;
    }
    const expired = await access.expire(operator(command.by, env));
    process.stdout.write(
      expired.length === 0
        ? 'no lapsed grants\n'
        : expired.map((g) => `expired ${g.name} (${g.expiresAt?.toISOString() ?? ''})\n`).join(''),
    );
    return 0;
  } finally {
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    await store.close();
  }
}

async function main(): Promise<void> {
  let command: SubscribersCommand;
  try {
    command = parseSubscribersArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n${USAGE}\n`);
    process.exit(64);
  }
  try {
    process.exit(await runSubscribers(command));
  } catch (error) {
    if (error instanceof GrantRequestError) {
      process.stderr.write(`${error.problems.map((p) => `subscribers: ${p}`).join('\n')}\n`);
      process.exit(64);
    }
    throw error;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`subscribers: ${errorMessage(error)}\n`);
    process.exit(1);
  });
}
