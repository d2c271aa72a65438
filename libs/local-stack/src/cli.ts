/**
 * npm run stack:up | stack:down | stack:status | kafka:fetch
 *
 *   up     [--brokers 1|3] [--port 9092] [--registry-port 8081] [--ingest-port 8082] [--mllp-port 2575]
 *          [--projector-ccr-port 8083] [--projector-ohc-port 8084] [--record-api-port 8085]
 *          [--sde-publisher-port 8086] [--subscriptions-port 8087]
 *                                          start Postgres databases, Kafka (KRaft), the schema registry, the
 *                                          record-change topics, ingest, the projectors, the record API, the
 *                                          SDE publisher and the subscription service; idempotent
 *   down   [--purge]                       stop what up started; --purge also deletes broker data
 *   status                                 what runs, whether it answers; exit 1 when unhealthy
 *   fetch                                  fetch the Kafka jars only
 */
import { envValue } from './env';
import { ensureKafkaDistribution } from './kafka-distribution';
import { stackPaths } from './paths';
import { consoleProgress } from './progress';
import { secretsDir } from './secrets';
import { stackDown, stackStatus, stackUp } from './stack';
import { StackError } from './stack-error';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new StackError(`${name} needs a value`);
  return value;
}

function brokersFlag(args: string[]): 1 | 3 {
  const value = flag(args, '--brokers') ?? envValue('CROSSCARE_KAFKA_BROKER_COUNT') ?? '1';
  if (value !== '1' && value !== '3') throw new StackError(`--brokers must be 1 or 3 (got "${value}")`);
  return value === '1' ? 1 : 3;
}

function portFlag(args: string[], name: string, variable: string, fallback: string): number {
  const value = flag(args, name) ?? envValue(variable) ?? fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1024 || port > 55535) {
    throw new StackError(`${name} must be a whole number from 1024 to 55535 (got "${value}")`);
  }
  return port;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const progress = consoleProgress();
  switch (command) {
    case 'up': {
      const stack = await stackUp({
        brokers: brokersFlag(args),
        basePort: portFlag(args, '--port', 'CROSSCARE_KAFKA_PORT', '9092'),
        registryPort: portFlag(args, '--registry-port', 'CROSSCARE_SCHEMA_REGISTRY_PORT', '8081'),
        ingestPort: portFlag(args, '--ingest-port', 'CROSSCARE_INGEST_PORT', '8082'),
        mllpPort: portFlag(args, '--mllp-port', 'CROSSCARE_INGEST_MLLP_PORT', '2575'),
        projectorPorts: {
          CCR: portFlag(args, '--projector-ccr-port', 'CROSSCARE_PROJECTOR_CCR_PORT', '8083'),
          OHC: portFlag(args, '--projector-ohc-port', 'CROSSCARE_PROJECTOR_OHC_PORT', '8084'),
        },
        recordApiPort: portFlag(args, '--record-api-port', 'CROSSCARE_RECORD_API_PORT', '8085'),
        sdePublisherPort: portFlag(args, '--sde-publisher-port', 'CROSSCARE_SDE_PUBLISHER_PORT', '8086'),
        subscriptionsPort: portFlag(args, '--subscriptions-port', 'CROSSCARE_SUBSCRIPTIONS_PORT', '8087'),
        progress,
      });
      const paths = stackPaths();
      progress.info(
        [
          '',
          stack.kafka.started.length === 0 && !stack.schemaRegistryStarted && !stack.ingestStarted
            ? 'Crosscare local stack was already up:'
            : 'Crosscare local stack is up:',
          `  KAFKA_BROKERS=${stack.kafka.bootstrap.join(',')}`,
          `  DATABASE_URL=${stack.databaseUrl}`,
          `  SCHEMA_REGISTRY_URL=${stack.schemaRegistryUrl} (authenticated: the npm tools use the passwords in ` +
            `${secretsDir(paths)}/registry-*)`,
          `  INGEST_URL=${stack.ingestUrl}`,
          `  HL7 v2 over MLLP: 127.0.0.1:${stack.ingestMllpPort}`,
          `  projectors (health, metrics): CCR ${stack.projectorUrls.CCR}, OHC ${stack.projectorUrls.OHC}`,
          `  RECORD_API_URL=${stack.recordApiUrl} (a token: npm run -s record-api:token)`,
          `  SDE publisher (health, metrics): ${stack.sdePublisherUrl}; keys in ${stack.sdeKeysDir}`,
          `  SUBSCRIPTIONS_URL=${stack.subscriptionsUrl}/fhir (a token: npm run -s subscriptions:token)`,
          `  logs: ${paths.logs}`,
        ].join('\n'),
      );
      return 0;
    }
    case 'down':
      await stackDown({ purge: args.includes('--purge'), progress });
      return 0;
    case 'status': {
      const status = await stackStatus();
      progress.info(status.lines.join('\n'));
      return status.healthy ? 0 : 1;
    }
    case 'fetch': {
      const distribution = await ensureKafkaDistribution(stackPaths(), progress);
      progress.info(`Kafka ${distribution.version} jars in ${distribution.libs}`);
      return 0;
    }
    default:
      process.stderr.write(
        'usage: stack up [--brokers 1|3] [--port N] [--registry-port N] [--ingest-port N] [--mllp-port N]' +
          ' [--projector-ccr-port N] [--projector-ohc-port N] [--record-api-port N] [--sde-publisher-port N]' +
          ' [--subscriptions-port N]' +
          ' | down [--purge] | status | fetch\n',
      );
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `error: ${error instanceof StackError ? error.message : String((error as Error)?.stack ?? error)}\n`,
    );
    process.exit(1);
  },
);
