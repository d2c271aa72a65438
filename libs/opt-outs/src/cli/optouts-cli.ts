import { progressBar } from '@crosscare/cli';
import {
  checkKafkaVariables,
  configOrExit,
  identifier,
  kafkaVariables,
  loadConfig,
  schemaRegistryVariables,
  toKafkaConfig,
  toSchemaRegistryConfig,
} from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { DEFAULT_TOPIC_PREFIX, optOutTopic, SchemaRegistryClient } from '@crosscare/events';
import { MILLIS_PER_DAY } from '@crosscare/events';
import { NdopFileError, optOutImportGroupPrefix, type OptOutChanged } from '@crosscare/governance';
import { createKafka, createRecordProducer } from '@crosscare/kafka';
import * as fs from 'node:fs';
import { importNdopAnswer, readNdopPair, type NdopImportSummary } from '../ndop-import';
import { createOptOutSerde } from '../opt-out-serde';
import { currentOptOuts } from '../opt-out-status';
import { parseOptOutsArguments, USAGE, type OptOutsCommand } from './optouts-args';

/** The CLI's environment: where Kafka and the registry are, and the naming of the topic and the principal's groups. */
export function loadOptOutsConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      ...kafkaVariables,
      ...schemaRegistryVariables,
      OPT_OUTS_TOPIC_PREFIX: identifier(
        /^[a-z0-9][a-z0-9._-]{0,100}$/,
        'lower-case letters, digits, dot, dash, _',
      ).default(DEFAULT_TOPIC_PREFIX),
      OPT_OUTS_ID_PREFIX: identifier(
        /^[a-z0-9][a-z0-9-]{0,40}$/,
        'lower-case letters, digits, dashes',
      ).default('crosscare'),
    },
    (v) => ({
      kafka: toKafkaConfig(v),
      registry: toSchemaRegistryConfig(v),
      topic: optOutTopic(v.OPT_OUTS_TOPIC_PREFIX),
      groupPrefix: optOutImportGroupPrefix({
        topicPrefix: v.OPT_OUTS_TOPIC_PREFIX,
        idPrefix: v.OPT_OUTS_ID_PREFIX,
      }),
    }),
    env,
    checkKafkaVariables,
  );
}

export function describeImport(
  summary: NdopImportSummary,
  returned: string,
  submitted: string,
  topic: string,
): string {
  const rows: [string, number][] = [
    ['cohort (submitted)', summary.cohort],
    ['opted out', summary.optedOut],
    ['newly active', summary.newlyActive],
    ['withdrawn', summary.withdrawn],
    ['unchanged', summary.unchanged],
  ];
  return [
    `${summary.dryRun ? 'dry run: ' : ''}National Data Opt-out answer ${returned} for submission ${submitted} on ${topic}`,
    ...rows.map(([label, n]) => `  ${label.padEnd(20)}${String(n).padStart(10)}`),
    summary.dryRun
      ? 'nothing was published (--dry-run)'
      : `published ${summary.published} change(s), source NDOP, reference ${summary.sourceReference}, ` +
        `correlation id ${summary.correlationId}`,
  ].join('\n');
}

const KIND_LABEL: Record<OptOutChanged['kind'], string> = {
  NATIONAL_DATA_OPT_OUT: 'national data opt-out',
  TYPE_1: 'type 1 objection',
  UNKNOWN: 'opt-out of a newer kind',
};

export function describeStatus(nhsNumber: string, changes: readonly OptOutChanged[], topic: string): string {
  if (changes.length === 0) return `${nhsNumber}: no opt-outs on ${topic}`;
  const day = (epochDays: number) => new Date(epochDays * MILLIS_PER_DAY).toISOString().slice(0, 10);
  return [
    `${nhsNumber} on ${topic}:`,
    ...[...changes]
      .sort((a, b) => a.kind.localeCompare(b.kind))
      .map(
        (c) =>
          `  ${KIND_LABEL[c.kind].padEnd(24)}${c.status.padEnd(11)}` +
          `${c.statedOn === null ? '' : `stated ${day(c.statedOn)}, `}source ${c.source} (${c.sourceReference}), ` +
          `recorded ${new Date(c.recordedAt).toISOString()}`,
      ),
  ].join('\n');
}

export async function runOptOuts(command: Exclude<OptOutsCommand, { name: 'help' }>, env = process.env) {
  const config = configOrExit('optouts', () => loadOptOutsConfig(env));
  const connect = () => ({
    kafka: createKafka(config.kafka, { defaultClientId: 'crosscare-opt-out-import' }),
    serde: createOptOutSerde(new SchemaRegistryClient(config.registry)),
    topic: config.topic,
    groupPrefix: config.groupPrefix,
  });

  if (command.name === 'status') {
    const changes = await currentOptOuts(connect(), command.nhsNumber);
    process.stdout.write(`${describeStatus(command.nhsNumber, changes, config.topic)}\n`);
    return 0;
  }
  const read = (file: string) => {
    try {
      return { path: file, content: fs.readFileSync(file) };
    } catch (error) {
      throw new NdopFileError(file, undefined, `cannot be read (${errorMessage(error)})`);
    }
  };
  const returned = read(command.returned);
  const submitted = read(command.submitted);
  // Every fault of the files themselves before connecting: a bad pair never reaches Kafka.
  readNdopPair({ returned, submitted });
  if (returned.content.equals(submitted.content) && returned.content.length > 0)
    process.stderr.write(
      'optouts: warning: the answer is identical to the submission: nobody in the cohort has an opt-out. Check that ' +
        'the answer is the file the service returned, not the cohort itself\n',
    );
  const deps = connect();
  const producer = command.dryRun ? undefined : createRecordProducer(deps.kafka);
  await producer?.connect();
  try {
    let bar: ReturnType<typeof progressBar> | undefined;
    const summary = await importNdopAnswer(
      {
        ...deps,
        producer,
        progress: (done, total) => {
          bar ??= progressBar('publishing opt-out changes', total, {
            write: (t) => void process.stderr.write(t),
            isTty: process.stderr.isTTY === true,
          });
          bar.update(done);
        },
      },
      { returned, submitted, dryRun: command.dryRun },
    );
    bar?.done();
    process.stdout.write(`${describeImport(summary, command.returned, command.submitted, config.topic)}\n`);
    return 0;
  } finally {
    await producer?.disconnect();
  }
}

async function main(): Promise<number> {
  let command: OptOutsCommand;
  try {
    command = parseOptOutsArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`optouts: ${errorMessage(error)}\n${USAGE}\n`);
    return 64;
  }
  if (command.name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await runOptOuts(command);
  } catch (error) {
    if (error instanceof NdopFileError) {
      process.stderr.write(`optouts: ${error.message}\n`);
      return 65;
    }
    throw error;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`optouts: ${errorMessage(error)}\n`);
      process.exit(1);
    },
  );
}
