import {
  CONTAINER_KAFKA,
  KAFKA_CONTAINER_START_SCRIPT,
  renderContainerServerProperties,
  scramBootstrapArgument,
  type KafkaNodeSecurity,
} from '@crosscare/local-stack';

/** Where the broker's files go inside the tests' apache/kafka container. */
const DIR = '/etc/crosscare/kafka';

export interface KafkaContainerSetup {
  /** The host port the HOST listener is published on, which the broker advertises as 127.0.0.1:<port>. */
  readonly publishedPort: number;
  readonly clusterId: string;
  /** The host's broker keystore (the local stack's, whose certificate names localhost and 127.0.0.1). */
  readonly keystoreFile: string;
  readonly keystorePassword: string;
  readonly adminUser: string;
  readonly adminPassword: string;
}

/** What testcontainers is given: the same start script and properties renderer as docker-compose.yml's broker. */
export interface KafkaContainerPlan {
  readonly exposedPort: { readonly container: number; readonly host: number };
  readonly environment: Record<string, string>;
  readonly entrypoint: string[];
  readonly command: string[];
  readonly files: Array<{ source: string; target: string; mode: number }>;
  readonly contents: Array<{ content: string; target: string; mode: number }>;
}

/**
 * A single-node broker secured as the local stack's: SASL_SSL with SCRAM-SHA-512 for clients (no PLAINTEXT
 * listener), StandardAuthorizer, the admin the only super user and the one SCRAM user its storage is formatted with.
 * Inside the container it reaches itself as localhost (INTERNAL, CONTROLLER); the host reaches it through the
 * published port. Pure, so what the container gets can be checked without Docker.
 */
export function kafkaContainerPlan(setup: KafkaContainerSetup): KafkaContainerPlan {
  const security: KafkaNodeSecurity = {
    keystoreFile: `${DIR}/broker.p12`,
    keystorePassword: setup.keystorePassword,
    adminUser: setup.adminUser,
    adminPassword: setup.adminPassword,
  };
  return {
    exposedPort: { container: CONTAINER_KAFKA.hostListenerPort, host: setup.publishedPort },
    environment: {
      CLUSTER_ID: setup.clusterId,
      CROSSCARE_KAFKA_CONFIG: `${DIR}/server.properties`,
      CROSSCARE_KAFKA_ADMIN_SCRAM: `${DIR}/admin-scram`,
    },
    entrypoint: ['/bin/bash'],
    command: ['/opt/crosscare/start-broker.sh'],
    // Readable by the image's own user (appuser); the container is the test run's alone and removed after it.
    files: [
      { source: KAFKA_CONTAINER_START_SCRIPT, target: '/opt/crosscare/start-broker.sh', mode: 0o755 },
      { source: setup.keystoreFile, target: security.keystoreFile, mode: 0o644 },
    ],
    contents: [
      {
        content: renderContainerServerProperties('localhost', setup.publishedPort, security),
        target: `${DIR}/server.properties`,
        mode: 0o644,
      },
      {
        content: `${scramBootstrapArgument(setup.adminUser, setup.adminPassword)}\n`,
        target: `${DIR}/admin-scram`,
        mode: 0o644,
      },
    ],
  };
}
