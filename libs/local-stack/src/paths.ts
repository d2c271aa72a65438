import * as path from 'node:path';
import { envValue } from './env';

/** The repository root: this file lives at libs/local-stack/src. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface StackPaths {
  /** Everything the local stack writes: jars cache, broker data, logs, pid files. Git-ignored. */
  readonly home: string;
  readonly cache: string;
  readonly logs: string;
  readonly run: string;
  readonly kafkaData: string;
  /** Public identity material: the development issuer's JWKS and the record API's trusted-issuers file. */
  readonly identity: string;
}

export function stackPaths(
  home = envValue('CROSSCARE_HOME') ?? path.join(REPO_ROOT, '.crosscare'),
): StackPaths {
  const root = path.resolve(home);
  return {
    home: root,
    // Shared across homes, so a throwaway CROSSCARE_HOME (tests) does not fetch the jars again.
    cache: path.resolve(envValue('CROSSCARE_CACHE') ?? path.join(root, 'cache')),
    logs: path.join(root, 'logs'),
    run: path.join(root, 'run'),
    kafkaData: path.join(root, 'kafka'),
    identity: path.join(root, 'identity'),
  };
}

export const KAFKA_POM = path.join(REPO_ROOT, 'deploy', 'kafka', 'pom.xml');
export const KAFKA_LOG4J_CONFIG = path.join(REPO_ROOT, 'deploy', 'kafka', 'log4j2.xml');
/** Starts a secured single-node broker in the apache/kafka image: docker-compose.yml's and the tests' container. */
export const KAFKA_CONTAINER_START_SCRIPT = path.join(
  REPO_ROOT,
  'deploy',
  'kafka',
  'compose',
  'start-broker.sh',
);
