import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCAL_KAFKA_ADMIN } from './kafka-cluster';
import { renderClientProperties, renderContainerServerProperties } from './kafka-layout';
import { scramBootstrapArgument } from './kafka-scram';
import { ensureLocalTls, localTlsPaths } from './kafka-tls';
import { REPO_ROOT, stackPaths, type StackPaths } from './paths';
import { silentProgress, type Progress } from './progress';
import { localSecret, secretFile } from './secrets';

/**
 * docker-compose.yml's Kafka secrets, written by `npm run compose:secrets` before `docker compose up`: a CA and the
 * broker's keystore (its certificate names `kafka`, the broker's host name on the compose network, as well as
 * localhost and 127.0.0.1), a password per principal, the broker's server.properties and the admin's client
 * properties. Always `.crosscare/compose` in the repository, whatever CROSSCARE_HOME says, because the compose file
 * names it; apart from the local stack's own material, whose certificate does not name `kafka`.
 */
export const COMPOSE_HOME = path.join(REPO_ROOT, '.crosscare', 'compose');

export const COMPOSE_BROKER_NAMES: readonly string[] = ['dns:kafka', 'dns:localhost', 'ip:127.0.0.1'];

/** The broker's host name on the compose network, and the port docker-compose.yml publishes on 127.0.0.1. */
export const COMPOSE_KAFKA_HOST = 'kafka';
export const COMPOSE_PUBLISHED_PORT = 9092;

/** Where the secrets appear inside the containers (compose mounts secret `<name>` at /run/secrets/<name>). */
const IN_CONTAINER = {
  keystore: '/run/secrets/kafka-broker-keystore',
  ca: '/run/secrets/kafka-ca',
};

export interface ComposeSecrets {
  readonly home: string;
  /** The CA certificate host clients verify the broker against (KAFKA_SSL_CA_FILE). */
  readonly caFile: string;
  readonly adminPasswordFile: string;
  /** KAFKA_* lines that connect a process on the host to the compose broker as the admin. */
  readonly adminEnvironmentFile: string;
}

export function composeStackPaths(home = COMPOSE_HOME): StackPaths {
  return stackPaths(home);
}

/**
 * Docker creates an empty directory where a bind-mounted file is missing, which `docker compose up` run before this
 * command leaves behind; such a directory is removed so that the file can be written.
 */
function removeDockerPlaceholder(file: string): void {
  try {
    if (fs.statSync(file).isDirectory() && fs.readdirSync(file).length === 0) fs.rmdirSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Writes whatever of the compose secrets is missing, keeps what exists (passwords, CA and keystore are generated
 * once), and renders the broker's and the admin's properties from them again. The folder is owner-only; the files a
 * container mounts are readable by others, because the images run as their own user (uid 1000 in apache/kafka and
 * node), whatever user owns them on the host.
 */
export async function ensureComposeSecrets(
  principals: readonly string[],
  progress: Progress = silentProgress,
  home = COMPOSE_HOME,
): Promise<ComposeSecrets> {
  const paths = composeStackPaths(home);
  const tlsPaths = localTlsPaths(paths);
  const kafkaDir = path.join(paths.home, 'kafka');
  const files = {
    server: path.join(kafkaDir, 'server.properties'),
    adminProperties: path.join(kafkaDir, 'admin.properties'),
    adminScram: path.join(kafkaDir, 'admin-scram'),
  };
  const passwordFiles = [LOCAL_KAFKA_ADMIN, ...principals].map((p) => secretFile(paths, `kafka-${p}`));
  const mounted = [
    tlsPaths.caFile,
    tlsPaths.keystoreFile,
    files.server,
    files.adminProperties,
    files.adminScram,
    ...passwordFiles,
  ];
  mounted.forEach(removeDockerPlaceholder);

  fs.mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  fs.chmodSync(paths.home, 0o700);
  const tls = await ensureLocalTls(paths, progress, COMPOSE_BROKER_NAMES);
  const adminPassword = localSecret(paths, `kafka-${LOCAL_KAFKA_ADMIN}`);
  for (const principal of principals) localSecret(paths, `kafka-${principal}`);

  fs.mkdirSync(kafkaDir, { recursive: true });
  fs.writeFileSync(
    files.server,
    renderContainerServerProperties(COMPOSE_KAFKA_HOST, COMPOSE_PUBLISHED_PORT, {
      keystoreFile: IN_CONTAINER.keystore,
      keystorePassword: localSecret(paths, 'kafka-broker-keystore'),
      adminUser: LOCAL_KAFKA_ADMIN,
      adminPassword,
    }),
  );
  fs.writeFileSync(
    files.adminProperties,
    renderClientProperties(LOCAL_KAFKA_ADMIN, adminPassword, IN_CONTAINER.ca),
  );
  // Read once, when the broker formats its storage: a new salt for an unformatted volume changes nothing else.
  if (!fs.existsSync(files.adminScram)) {
    fs.writeFileSync(files.adminScram, `${scramBootstrapArgument(LOCAL_KAFKA_ADMIN, adminPassword)}\n`);
  }
  for (const file of mounted) fs.chmodSync(file, 0o644);

  const adminEnvironmentFile = path.join(paths.home, 'kafka-admin.env');
  fs.writeFileSync(
    adminEnvironmentFile,
    [
      '# The compose broker, from the host, as its admin: set -a; . .crosscare/compose/kafka-admin.env; set +a',
      `KAFKA_BROKERS=127.0.0.1:${COMPOSE_PUBLISHED_PORT}`,
      `KAFKA_SASL_USERNAME=${LOCAL_KAFKA_ADMIN}`,
      `KAFKA_SASL_PASSWORD_FILE=${passwordFiles[0]}`,
      `KAFKA_SSL_CA_FILE=${tls.caFile}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return { home: paths.home, caFile: tls.caFile, adminPasswordFile: passwordFiles[0], adminEnvironmentFile };
}
