import 'reflect-metadata';
import { configOrExit } from '@crosscare/config';
import { errorStack } from '@crosscare/errors';
import { createRecordChangeSerde, SchemaRegistryClient } from '@crosscare/events';
import { KafkaConnections } from '@crosscare/kafka';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { runRoundTrip } from './round-trip';
import { loadSmokeConfig } from './smoke-config';
import { SmokeModule } from './smoke.module';

/**
 * crosscare-smoke: one round trip of Avro record-change events through the configured Kafka cluster
 * (KAFKA_BROKERS) and schema registry (SCHEMA_REGISTRY_URL; the schemas must be registered: npm run
 * schemas:register), printed as a table. Exit code 0 when every event came back intact and the committed offsets
 * match; 1 otherwise; 78 on bad configuration.
 */
async function main(): Promise<number> {
  const config = configOrExit('crosscare-smoke', () => loadSmokeConfig());

  const app = await NestFactory.createApplicationContext(SmokeModule.register(config), {
    logger: config.logLevels,
  });
  app.enableShutdownHooks();
  const logger = new Logger('Smoke');
  try {
    // Looks schemas up rather than registering them, as every Crosscare producer does.
    const registry = new SchemaRegistryClient(config.schemaRegistry);
    const serde = createRecordChangeSerde(registry);
    const report = await runRoundTrip(app.get(KafkaConnections), { messages: config.messages, serde });
    const lines = [
      `Round trip through ${config.kafka.brokers.join(',')} in ${report.millis} ms (run ${report.runId})`,
      `  schemas from ${registry.url}`, // the client's url carries no credentials
      `  topic ${report.topic}, consumer group ${report.groupId}`,
      '  key (NHS number)  event type              schema id  partition  offset',
      ...report.records.map(
        (p) =>
          `  ${p.key.padEnd(17)} ${p.type.padEnd(23)} ${String(p.schemaId).padStart(9)} ${String(p.partition).padStart(10)}  ${p.offset}`,
      ),
      `  decoded events equal to those sent: ${report.consumed - report.mismatched} of ${report.consumed}`,
      `  committed offsets read back: ${Object.entries(report.committed)
        .map(([partition, offset]) => `p${partition}=${offset}`)
        .join(' ')}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const everyCommitMatches = report.records.every(
      (p) => BigInt(report.committed[p.partition] ?? '-1') > BigInt(p.offset),
    );
    if (report.consumed !== config.messages || report.mismatched > 0 || !everyCommitMatches) {
      logger.error('round trip incomplete: see the table above');
      return 1;
    }
    return 0;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    new Logger('Smoke').error(errorStack(error));
    process.exit(1);
  },
);
