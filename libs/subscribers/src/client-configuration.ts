import type { SubscriberGrant } from './subscriber-grant';

/** What a subscriber needs to connect, printed once at grant time: the password is not kept anywhere else. */
export interface SubscriberCredentials {
  readonly bootstrap: readonly string[];
  readonly username: string;
  readonly password: string;
  /** The CA certificate file (PEM) the brokers' certificates chain to. */
  readonly caFile: string;
  readonly registry?: { readonly url: string; readonly username: string; readonly password: string };
}

/**
 * librdkafka properties (kcat -F, confluent-kafka for Python, Go and .NET): SASL_SSL with SCRAM-SHA-512, the broker
 * verified against the CA, a group under the subscriber's prefix, offsets committed by the application, committed
 * messages only. librdkafka reads committed by default, but the setting is spelled out for whoever carries it to a
 * Java client, whose default is read_uncommitted: the relays' fenced, aborted copies stay in the log.
 */
export function librdkafkaProperties(grant: SubscriberGrant, credentials: SubscriberCredentials): string {
  const lines = [
    `# Crosscare subscriber ${grant.name} (${grant.organisationOdsCode}): reads ${grant.topics.join(', ')}`,
    `# agreement ${grant.agreement}; ${grant.expiresAt ? `expires ${grant.expiresAt.toISOString()}` : 'no expiry'}`,
    `bootstrap.servers=${credentials.bootstrap.join(',')}`,
    'security.protocol=SASL_SSL',
    'sasl.mechanisms=SCRAM-SHA-512',
    `sasl.username=${credentials.username}`,
    `sasl.password=${credentials.password}`,
    `ssl.ca.location=${credentials.caFile}`,
    'ssl.endpoint.identification.algorithm=https',
    `group.id=${grant.groupPrefix}main`,
    'auto.offset.reset=earliest',
    'enable.auto.commit=false',
    'isolation.level=read_committed',
  ];
  if (credentials.registry) {
    // Comments: librdkafka refuses properties it does not know, and the registry client is configured apart
    // (confluent-kafka's SchemaRegistryClient({'url': ..., 'basic.auth.user.info': ...})).
    lines.push(
      `# schema registry: url ${credentials.registry.url}`,
      `# schema registry: basic.auth.user.info ${credentials.registry.username}:${credentials.registry.password}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The same for a kafkajs client, as code to paste. */
export function kafkajsConfiguration(grant: SubscriberGrant, credentials: SubscriberCredentials): string {
  const registry = credentials.registry
    ? `
const registry = new SchemaRegistry({
  host: ${JSON.stringify(credentials.registry.url)},
  auth: { username: ${JSON.stringify(credentials.registry.username)}, password: ${JSON.stringify(credentials.registry.password)} },
});`
    : '';
  return `const fs = require('node:fs');
const { Kafka } = require('kafkajs');
const kafka = new Kafka({
  clientId: ${JSON.stringify(grant.name)},
  brokers: ${JSON.stringify(credentials.bootstrap)},
  ssl: { ca: [fs.readFileSync(${JSON.stringify(credentials.caFile)}, 'utf8')] },
  sasl: { mechanism: 'scram-sha-512', username: ${JSON.stringify(credentials.username)}, password: ${JSON.stringify(credentials.password)} },
});
// Committed messages only (kafkajs's default, stated): a fenced relay's aborted copies stay in the log.
const consumer = kafka.consumer({ groupId: ${JSON.stringify(`${grant.groupPrefix}main`)}, readUncommitted: false });
// await consumer.subscribe({ topic: ${JSON.stringify(grant.topics[0] ?? '')}, fromBeginning: true });${registry}
`;
}
