import 'reflect-metadata';
import { configOrExit, redactUrl } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { installServiceLogger } from '@crosscare/logging/nest';
import { Logger } from '@nestjs/common';
import { RegistryUserDirectory } from './auth/registry-users-file';
import { createRegistryApp } from './registry-app';
import { loadRegistryConfig, type RegistryConfig } from './registry-config';

/**
 * crosscare-schema-registry: the Confluent Schema Registry REST API over Postgres. Exit 78 on bad configuration,
 * 1 if it cannot start (for example, Postgres unreachable).
 */
async function main(): Promise<void> {
  const config = configOrExit('crosscare-schema-registry', () => loadRegistryConfig());
  // One JSON object per line from here on, Nest's own lines and kafkajs's included (docs/operations.md, Logs).
  installServiceLogger('crosscare-schema-registry', config);
  const logger = new Logger('SchemaRegistry');
  const app = await createRegistryApp(config);
  await app.listen(config.port, config.host);
  logger.log(
    `listening on http://${config.host}:${config.port}, schemas in ${redactUrl(config.database.url)} ` +
      `(schema ${config.databaseSchema}), ${describeAuthentication(config)}`,
  );
  if (config.anonymous) {
    logger.warn(
      'SCHEMA_REGISTRY_ALLOW_ANONYMOUS=true: authentication is OFF, anyone who can reach this port may register, ' +
        'delete and change compatibility. For debugging only.',
    );
  }
}

/** Names and roles only: never a hash. */
function describeAuthentication(config: RegistryConfig): string {
  if (config.anonymous) return 'authentication OFF';
  const users = new RegistryUserDirectory(config.users, config.usersFile).describe();
  const file = config.usersFile ? ` (and whoever ${config.usersFile} adds)` : '';
  return `HTTP basic authentication for ${users.join(', ') || 'nobody yet'}${file}`;
}

main().catch((error: unknown) => {
  new Logger('SchemaRegistry').error(`could not start: ${errorMessage(error)}`);
  process.exit(1);
});
