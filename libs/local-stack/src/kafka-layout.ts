/**
 * Where each local broker listens and what it is configured with. Pure, so the rendered configuration can be
 * tested without starting a JVM.
 */

export type ClusterMode = 'single' | 'cluster';

export interface KafkaNodeSpec {
  readonly nodeId: number;
  readonly clientPort: number;
  readonly controllerPort: number;
}

export interface KafkaClusterSpec {
  readonly mode: ClusterMode;
  readonly nodes: readonly KafkaNodeSpec[];
  /** Replication for internal and new topics: 1 on a single broker (else no group coordinator), 3 in a cluster. */
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
}

/** Controllers listen this far above their broker's client port (9092 → 19092). */
export const CONTROLLER_PORT_OFFSET = 10_000;

export function clusterSpec(brokers: 1 | 3, basePort = 9092): KafkaClusterSpec {
  if (basePort < 1024 || basePort + brokers - 1 + CONTROLLER_PORT_OFFSET > 65535) {
    throw new RangeError(
      `base port ${basePort} leaves no room for ${brokers} broker(s) and their controllers`,
    );
  }
  const nodes = Array.from({ length: brokers }, (_, i) => ({
    nodeId: i + 1,
    clientPort: basePort + i,
    controllerPort: basePort + i + CONTROLLER_PORT_OFFSET,
  }));
  return brokers === 1
    ? { mode: 'single', nodes, replicationFactor: 1, minInsyncReplicas: 1 }
    : { mode: 'cluster', nodes, replicationFactor: 3, minInsyncReplicas: 2 };
}

export function bootstrapServers(spec: KafkaClusterSpec): string[] {
  return spec.nodes.map((n) => `127.0.0.1:${n.clientPort}`);
}

/** What secures a node: its TLS keystore, and the admin principal it authenticates as to its peers. */
export interface KafkaNodeSecurity {
  /** PKCS12 keystore with the broker's key and certificate and the CA's certificate (also its truststore). */
  readonly keystoreFile: string;
  readonly keystorePassword: string;
  /** The only super user; brokers and controllers also talk to each other as it. */
  readonly adminUser: string;
  readonly adminPassword: string;
}

/** JAAS values are quoted; the stack's generated passwords never hold a quote or backslash, but refuse one anyway. */
function jaasValue(value: string): string {
  if (/["\\\n]/.test(value))
    throw new RangeError('a JAAS value may not contain quotes, backslashes or newlines');
  return `"${value}"`;
}

/**
 * Where one combined broker+controller node listens. Every client listener is SASL_SSL with SCRAM-SHA-512; the first
 * also carries the brokers' own traffic. Addresses are `host:port`.
 */
export interface KafkaNodeListeners {
  readonly clients: ReadonlyArray<{
    /** Upper case, as in listener.security.protocol.map (`CLIENT`). */
    readonly name: string;
    readonly bind: string;
    readonly advertised: string;
  }>;
  readonly controllerBind: string;
  /** controller.quorum.voters: `<id>@<host>:<port>`, comma-separated. */
  readonly voters: string;
}

/** The local stack's listeners: one client listener and the controller's, on loopback only. */
export function localListeners(spec: KafkaClusterSpec, node: KafkaNodeSpec): KafkaNodeListeners {
  const client = `127.0.0.1:${node.clientPort}`;
  return {
    clients: [{ name: 'CLIENT', bind: client, advertised: client }],
    controllerBind: `127.0.0.1:${node.controllerPort}`,
    voters: spec.nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(','),
  };
}

/**
 * server.properties for one combined broker+controller node in KRaft mode, on loopback only. Holds passwords:
 * the caller writes it owner-only.
 */
export function renderServerProperties(
  spec: KafkaClusterSpec,
  node: KafkaNodeSpec,
  logDir: string,
  security: KafkaNodeSecurity,
): string {
  return renderNodeProperties(spec, node.nodeId, localListeners(spec, node), logDir, security);
}

/**
 * server.properties for one combined broker+controller node in KRaft mode, wherever it listens (the local stack,
 * docker-compose.yml and the tests' container share it). Holds passwords.
 *
 * Clients reach only SASL_SSL listeners (SCRAM-SHA-512), which brokers also replicate over. The controller
 * listener uses SASL_SSL with PLAIN, because KRaft keeps SCRAM credentials in the metadata log that the controllers
 * themselves serve, so they cannot authenticate one another with SCRAM; PLAIN's one user is the admin.
 */
export function renderNodeProperties(
  spec: Pick<KafkaClusterSpec, 'replicationFactor' | 'minInsyncReplicas'>,
  nodeId: number,
  listeners: KafkaNodeListeners,
  logDir: string,
  security: KafkaNodeSecurity,
): string {
  const rf = spec.replicationFactor;
  const isr = spec.minInsyncReplicas;
  const user = jaasValue(security.adminUser);
  const password = jaasValue(security.adminPassword);
  const clients = listeners.clients;
  if (clients.length === 0) throw new RangeError('a node needs at least one client listener');
  for (const { name } of clients) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name) || name === 'CONTROLLER')
      throw new RangeError(`bad client listener name "${name}"`);
  }
  const scramJaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username=${user} password=${password};`;
  const entries: Array<[string, string | number]> = [
    ['process.roles', 'broker,controller'],
    ['node.id', nodeId],
    ['controller.quorum.voters', listeners.voters],
    [
      'listeners',
      [...clients.map((c) => `${c.name}://${c.bind}`), `CONTROLLER://${listeners.controllerBind}`].join(','),
    ],
    ['advertised.listeners', clients.map((c) => `${c.name}://${c.advertised}`).join(',')],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', clients[0].name],
    [
      'listener.security.protocol.map',
      [...clients.map((c) => `${c.name}:SASL_SSL`), 'CONTROLLER:SASL_SSL'].join(','),
    ],
    ['sasl.enabled.mechanisms', 'SCRAM-SHA-512'],
    ['sasl.mechanism.inter.broker.protocol', 'SCRAM-SHA-512'],
    ['sasl.mechanism.controller.protocol', 'PLAIN'],
    ...clients.flatMap((c): Array<[string, string]> => [
      [`listener.name.${c.name.toLowerCase()}.sasl.enabled.mechanisms`, 'SCRAM-SHA-512'],
      [`listener.name.${c.name.toLowerCase()}.scram-sha-512.sasl.jaas.config`, scramJaas],
    ]),
    ['listener.name.controller.sasl.enabled.mechanisms', 'PLAIN'],
    [
      'listener.name.controller.plain.sasl.jaas.config',
      `org.apache.kafka.common.security.plain.PlainLoginModule required username=${user} password=${password} ` +
        `user_${security.adminUser}=${password};`,
    ],
    ['ssl.keystore.type', 'PKCS12'],
    ['ssl.keystore.location', security.keystoreFile],
    ['ssl.keystore.password', security.keystorePassword],
    ['ssl.key.password', security.keystorePassword],
    ['ssl.truststore.type', 'PKCS12'],
    ['ssl.truststore.location', security.keystoreFile],
    ['ssl.truststore.password', security.keystorePassword],
    ['ssl.enabled.protocols', 'TLSv1.3,TLSv1.2'],
    // Deny what no ACL allows; only the admin is above the ACLs.
    ['authorizer.class.name', 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
    ['allow.everyone.if.no.acl.found', 'false'],
    ['super.users', `User:${security.adminUser}`],
    ['log.dirs', logDir],
    // Crosscare provisions every topic explicitly; a typo in a topic name must fail, not create a topic.
    ['auto.create.topics.enable', 'false'],
    ['num.partitions', 6],
    ['default.replication.factor', rf],
    ['min.insync.replicas', isr],
    ['offsets.topic.replication.factor', rf],
    ['transaction.state.log.replication.factor', rf],
    ['transaction.state.log.min.isr', isr],
    ['share.coordinator.state.topic.replication.factor', rf],
    ['share.coordinator.state.topic.min.isr', isr],
    // A developer stack: groups start consuming at once instead of waiting 3 s for more members.
    ['group.initial.rebalance.delay.ms', 0],
    // A killed broker is fenced, and its partitions led elsewhere, within about 3 s instead of the default 9 s,
    // so fault tests see a failover well inside a client's retry budget (kafkajs gives up on metadata after ~10 s).
    ['broker.session.timeout.ms', 3000],
    ['broker.heartbeat.interval.ms', 500],
  ];
  return `# Written by libs/local-stack; edits are overwritten on the next start.\n${entries
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

/** Ports inside a Kafka container: docker-compose.yml's broker and the tests' testcontainers broker. */
export const CONTAINER_KAFKA = {
  /** Other containers, and the broker itself, connect to `<its host name>:29092`. */
  internalPort: 29092,
  /** Published on the host's loopback: host clients connect to `127.0.0.1:<published port>`. */
  hostListenerPort: 9092,
  controllerPort: 9093,
  dataDir: '/var/lib/kafka/data',
} as const;

/**
 * A single node in a container: INTERNAL for the container network and the broker's own traffic, HOST for clients
 * on the host through the published port, CONTROLLER for the quorum of one. Every one of them is SASL_SSL.
 */
export function containerListeners(internalHost: string, publishedPort: number): KafkaNodeListeners {
  const { internalPort, hostListenerPort, controllerPort } = CONTAINER_KAFKA;
  return {
    clients: [
      { name: 'INTERNAL', bind: `0.0.0.0:${internalPort}`, advertised: `${internalHost}:${internalPort}` },
      { name: 'HOST', bind: `0.0.0.0:${hostListenerPort}`, advertised: `127.0.0.1:${publishedPort}` },
    ],
    controllerBind: `0.0.0.0:${controllerPort}`,
    voters: `1@${internalHost}:${controllerPort}`,
  };
}

/** server.properties of a single-node cluster in a container (apache/kafka). Holds passwords. */
export function renderContainerServerProperties(
  internalHost: string,
  publishedPort: number,
  security: KafkaNodeSecurity,
): string {
  return renderNodeProperties(
    { replicationFactor: 1, minInsyncReplicas: 1 },
    1,
    containerListeners(internalHost, publishedPort),
    CONTAINER_KAFKA.dataDir,
    security,
  );
}

/**
 * Properties for Kafka's own command-line tools (`--command-config`) connecting as `user` over SASL_SSL, verifying
 * the broker against the CA certificate in `caFile` (PEM). Holds the password.
 */
export function renderClientProperties(user: string, password: string, caFile: string): string {
  return [
    '# Written by libs/local-stack; holds a password.',
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=${jaasValue(user)} password=${jaasValue(password)};`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${caFile}`,
    '',
  ].join('\n');
}
