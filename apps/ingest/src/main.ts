import 'reflect-metadata';
import { configOrExit, redactUrl } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { installServiceLogger } from '@crosscare/logging/nest';
import { Logger } from '@nestjs/common';
import { createIngestApp } from './ingest-app';
import { loadIngestConfig } from './ingest-config';
import { IngestServices } from './ingest-services';

/**
 * crosscare-ingest: providers' record changes (FHIR R4, HL7 v2 over HTTP and MLLP, social care extracts) in, Avro
 * events on the ICS record-change topics out. Exit 78 on bad configuration, 1 if it cannot start.
 */
async function main(): Promise<void> {
  const config = configOrExit('crosscare-ingest', () => loadIngestConfig());
  // One JSON object per line from here on, Nest's own lines and kafkajs's included (docs/operations.md, Logs).
  installServiceLogger('crosscare-ingest', config);
  const logger = new Logger('Ingest');
  const services = await IngestServices.start(config);
  const app = await createIngestApp(services);
  await app.listen(config.port, config.host);
  const counts = services.directory.counts();
  logger.log(
    `listening on http://${config.host}:${config.port} (OpenAPI at /openapi.json); ` +
      `directory ${services.directory.version} with ${counts.total} providers; ` +
      `brokers ${config.kafka.brokers.join(',')}; registry ${redactUrl(config.schemaRegistry.url)}; ` +
      `ledger in ${redactUrl(config.database.url)} (schema ${config.databaseSchema}); topics ${config.topicPrefix}.<ics>.record-changes.v1`,
  );
}

main().catch((error: unknown) => {
  new Logger('Ingest').error(`could not start: ${errorMessage(error)}`);
  process.exit(1);
});
