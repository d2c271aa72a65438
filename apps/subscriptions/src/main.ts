import 'reflect-metadata';
import { configOrExit, redactUrl } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { installServiceLogger } from '@crosscare/logging/nest';
import { Logger } from '@nestjs/common';
import { createSubscriptionsApp } from './subscriptions-app';
import { loadSubscriptionsConfig } from './subscriptions-config';
import { SubscriptionsServices } from './subscriptions-services';

/**
 * crosscare-subscriptions: FHIR topic-based subscriptions (R4 with the R5 backport) over the ICS topics. Exit 78 on
 * bad configuration, 1 if it cannot start (each reason named).
 */
async function main(): Promise<void> {
  const config = configOrExit('crosscare-subscriptions', () => loadSubscriptionsConfig());
  // One JSON object per line from here on, Nest's own lines and kafkajs's included (docs/operations.md, Logs).
  installServiceLogger('crosscare-subscriptions', config);
  const logger = new Logger('Subscriptions');
  const services = await SubscriptionsServices.start(config);
  const app = await createSubscriptionsApp(services);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing the batches and deliveries in flight, then stopping`);
    void app
      .close()
      .then(() => services.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await app.listen(config.port, config.host);
  logger.log(
    `listening on http://${config.host}:${config.port} (FHIR API at ${config.baseUrl}, health, metrics); ` +
      `group ${config.groupId}; store ${redactUrl(config.database.url)} schema ${config.databaseSchema}; ` +
      `relationships from ${config.readModelSchema}`,
  );
}

main().catch((error: unknown) => {
  new Logger('Subscriptions').error(`could not start: ${errorMessage(error)}`);
  process.exit(1);
});
