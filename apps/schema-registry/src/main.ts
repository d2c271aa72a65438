import 'reflect-metadata';
import { configOrExit, redactUrl } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { Logger } from '@nestjs/common';
import { createRegistryApp } from './registry-app';
import { loadRegistryConfig, type RegistryConfig } from './registry-config';

/**
 * crosscare-schema-registry: the Confluent Schema Registry REST API over Postgres. Exit 78 on bad configuration,
 * 1 if it cannot start (for example, Postgres unreachable).
 */
async function main(): Promise<void> {
  const config = configOrExit('crosscare-schema-registry', () => loadRegistryConfig());
  const logger = new Logger('SchemaRegistry');
  const app = await createRegistryApp(config);
  await app.listen(config.port, config.host);
  logger.log(
    `listening on http://${config.host}:${config.port}, schemas in ${redactUrl(config.database.url)} ` +
      `(schema ${config.databaseSchema}), ${describeAuthentication(config)}`,
  );
}

/** Names and roles only: never a hash. */
function describeAuthentication(config: RegistryConfig): string {
  if (!config.users) return 'authentication off';
  const users = [...config.users.values()].map((u) => `${u.name} (${u.role})`);
  return `HTTP basic authentication for ${users.join(', ')}`;
}

main().catch((error: unknown) => {
  new Logger('SchemaRegistry').error(`could not start: ${errorMessage(error)}`);
  process.exit(1);
});
