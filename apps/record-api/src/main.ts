import 'reflect-metadata';
import { configOrExit, redactUrl } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { recordAccessAuditTopic } from '@crosscare/events';
import { installServiceLogger } from '@crosscare/logging/nest';
import { Logger } from '@nestjs/common';
import { createRecordApiApp } from './record-api-app';
import { loadRecordApiConfig } from './record-api-config';
import { RecordApiServices } from './record-api-services';

/**
 * crosscare-record-api: one patient's shared record across both collaboratives, as JSON or FHIR, every read audited
 * on the audit topic before it is answered. Exit 78 on bad configuration, 1 if it cannot start.
 */
async function main(): Promise<void> {
  const config = configOrExit('crosscare-record-api', () => loadRecordApiConfig());
  // One JSON object per line from here on, Nest's own lines and kafkajs's included (docs/operations.md, Logs).
  installServiceLogger('crosscare-record-api', config);
  const logger = new Logger('RecordApi');
  const services = await RecordApiServices.start(config);
  const app = await createRecordApiApp(services);
  await app.listen(config.port, config.host);
  logger.log(
    `listening on http://${config.host}:${config.port}; ${config.collaborative} read model in ` +
      `${redactUrl(config.database.url)} (schema ${config.databaseSchema}); audit to ` +
      `${recordAccessAuditTopic(config.topicPrefix)} on ${config.kafka.brokers.join(',')}; ` +
      `registry ${redactUrl(config.schemaRegistry.url)}; tokens for ${config.auth.audience} from ` +
      `${services.tokens.trustedIssuers.join(', ')} (${config.auth.trustedIssuersFile})`,
  );
}

main().catch((error: unknown) => {
  new Logger('RecordApi').error(`could not start: ${errorMessage(error)}`);
  process.exit(1);
});
