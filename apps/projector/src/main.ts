import 'reflect-metadata';
import { configOrExit, redactUrl } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { installServiceLogger } from '@crosscare/logging/nest';
import { Logger } from '@nestjs/common';
import { createProjectorApp } from './projector-app';
import { loadProjectorConfig } from './projector-config';
import { ProjectorRuntime } from './projector-runtime';

/**
 * crosscare-projector: one collaborative's record changes in, its read model in Postgres and its changelog topic
 * out, the other collaborative's changelog into a remote view. Exit 78 on bad configuration, 1 if it cannot start.
 */
async function main(): Promise<void> {
  const config = configOrExit('crosscare-projector', () => loadProjectorConfig());
  // One JSON object per line from here on, Nest's own lines and kafkajs's included (docs/operations.md, Logs).
  installServiceLogger(`crosscare-projector-${config.collaborative.toLowerCase()}`, config);
  const logger = new Logger(`Projector ${config.collaborative}`);
  const runtime = await ProjectorRuntime.start(config);
  const app = await createProjectorApp(runtime);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing the batches in flight, then stopping`);
    void app
      .close()
      .then(() => runtime.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await app.listen(config.port, config.host);
  const { topology, schema } = runtime.services;
  logger.log(
    `listening on http://${config.host}:${config.port} (health, metrics); group ${config.groupId}; ` +
      `reading ${[...topology.recordChangeTopics, topology.remoteChangelogTopic].join(', ')}; ` +
      `read model ${redactUrl(config.database.url)} schema ${schema}; changelog ${topology.changelogTopic}`,
  );
}

main().catch((error: unknown) => {
  new Logger('Projector').error(`could not start: ${errorMessage(error)}`);
  process.exit(1);
});
