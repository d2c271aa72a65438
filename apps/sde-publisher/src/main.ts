import 'reflect-metadata';
import { configOrExit, redactUrl } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { installServiceLogger } from '@crosscare/logging/nest';
import { Logger } from '@nestjs/common';
import { createSdePublisherApp } from './sde-publisher-app';
import { loadSdePublisherConfig } from './sde-publisher-config';
import { SdePublisherServices } from './sde-publisher-services';

/**
 * crosscare-sde-publisher: every ICS's record changes and the opt-outs in; each approved SDE project's pseudonymised,
 * minimised rows and notices out. Exit 78 on bad configuration, 1 if it cannot start (a bad projects file, a missing
 * key or an unregistered project schema among the reasons, each named).
 */
async function main(): Promise<void> {
  const config = configOrExit('crosscare-sde-publisher', () => loadSdePublisherConfig());
  // One JSON object per line from here on, Nest's own lines and kafkajs's included (docs/operations.md, Logs).
  installServiceLogger('crosscare-sde-publisher', config);
  const logger = new Logger('SDE publisher');
  const services = await SdePublisherServices.start(config);
  const app = await createSdePublisherApp(services);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing the batches in flight, then stopping`);
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
    `listening on http://${config.host}:${config.port} (health, metrics); group ${config.groupId}; ` +
      `projects ${services.projects.map((p) => `${p.id} → ${p.dataTopic}`).join(', ')}; ` +
      `store ${redactUrl(config.database.url)} schema ${config.databaseSchema}`,
  );
}

main().catch((error: unknown) => {
  new Logger('SDE publisher').error(`could not start: ${errorMessage(error)}`);
  process.exit(1);
});
