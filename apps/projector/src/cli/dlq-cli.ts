import {
  configOrExit,
  checkKafkaVariables,
  kafkaVariables,
  loadConfig,
  schemaRegistryVariables,
  toKafkaConfig,
  toSchemaRegistryConfig,
} from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import {
  createRecordChangeSerde,
  DEFAULT_TOPIC_PREFIX,
  projectorDeadLetterTopic,
  projectorRetryTopic,
  SchemaRegistryClient,
} from '@crosscare/events';
import { COLLABORATIVE_CODES, projectorGroupId, type CollaborativeCode } from '@crosscare/governance';
import { createKafka, createRecordProducer } from '@crosscare/kafka';
import { z } from 'zod';
import { readDeadLetters, replayDeadLetters } from '../dead-letters/dead-letter-store';
import { formatTable, parseDeadLetterId, selectForReplay, summarise } from '../dead-letters/dead-letter-view';

const USAGE = `usage: npm run dlq -- <command> --collaborative CCR|OHC
  list                       every dead letter: id, when, source topic[partition]@offset, event type, reason
  show <id>                  one dead letter: headers and the event decoded (or its bytes when it cannot be)
  replay <id> [<id> ...]     re-drive dead letters through the projector's retry topic
  replay --all
ids are <partition>:<offset> on the dead-letter topic, as list prints them`;

interface Command {
  readonly name: 'list' | 'show' | 'replay';
  readonly collaborative: CollaborativeCode;
  readonly ids: string[];
  readonly all: boolean;
}

/** Parses the command line; throws a message for the user on anything it does not understand. */
export function parseDlqArguments(args: readonly string[]): Command {
  const rest = [...args];
  const name = rest.shift();
  if (name !== 'list' && name !== 'show' && name !== 'replay')
    throw new Error(`unknown command ${name ?? '(none)'}`);
  let collaborative: string | undefined = process.env.PROJECTOR_COLLABORATIVE;
  const ids: string[] = [];
  let all = false;
  while (rest.length > 0) {
    const arg = rest.shift() as string;
    if (arg === '--collaborative') collaborative = rest.shift();
    else if (arg === '--all') all = true;
    else if (parseDeadLetterId(arg)) ids.push(arg);
    else throw new Error(`${arg} is neither an option nor a dead letter id (<partition>:<offset>)`);
  }
  if (!COLLABORATIVE_CODES.includes(collaborative as CollaborativeCode))
    throw new Error(`--collaborative must be one of ${COLLABORATIVE_CODES.join(', ')}`);
  if (name === 'show' && ids.length !== 1) throw new Error('show takes exactly one dead letter id');
  if (name === 'replay' && ids.length === 0 && !all) throw new Error('replay takes dead letter ids or --all');
  if (name === 'list' && (ids.length > 0 || all)) throw new Error('list takes no ids');
  return { name, collaborative: collaborative as CollaborativeCode, ids, all };
}

async function main(): Promise<void> {
  let command: Command;
  try {
    command = parseDlqArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n${USAGE}\n`);
    process.exit(64);
  }
  const config = configOrExit('dlq', () =>
    loadConfig(
      {
        ...kafkaVariables,
        ...schemaRegistryVariables,
        PROJECTOR_TOPIC_PREFIX: z.string().default(DEFAULT_TOPIC_PREFIX),
      },
      (v) => ({
        kafka: toKafkaConfig(v),
        schemaRegistry: toSchemaRegistryConfig(v),
        prefix: v.PROJECTOR_TOPIC_PREFIX,
      }),
      process.env,
      checkKafkaVariables,
    ),
  );
  const kafka = createKafka(config.kafka, { defaultClientId: 'crosscare-dlq' });
  const deadLetterTopic = projectorDeadLetterTopic(command.collaborative, config.prefix);
  const letters = await readDeadLetters(kafka, deadLetterTopic, projectorGroupId(command.collaborative));

  if (command.name === 'list') {
    process.stdout.write(
      `${deadLetterTopic}: ${letters.length} dead letter(s)\n${formatTable(letters.map(summarise))}\n`,
    );
    return;
  }
  if (command.name === 'show') {
    const letter = letters.find((l) => l.id === command.ids[0]);
    if (!letter) throw new Error(`no dead letter ${command.ids[0]} on ${deadLetterTopic}`);
    const serde = createRecordChangeSerde(new SchemaRegistryClient(config.schemaRegistry));
    let event: string;
    try {
      event = JSON.stringify((await serde.decode(letter.value ?? Buffer.alloc(0))).event, null, 2);
    } catch (error) {
      const bytes = letter.value ?? Buffer.alloc(0);
      event = `(cannot decode: ${errorMessage(error)})\n${bytes.length} bytes: ${bytes.subarray(0, 64).toString('hex')}${bytes.length > 64 ? '…' : ''}`;
    }
    process.stdout.write(
      `dead letter ${letter.id} on ${deadLetterTopic}\nkey: ${letter.key?.toString() ?? '(none)'}\n` +
        Object.entries(letter.headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n') +
        `\nevent:\n${event}\n`,
    );
    return;
  }
  const { selected, unknown } = selectForReplay(letters, command.ids, command.all);
  if (unknown.length > 0) throw new Error(`no dead letter(s) ${unknown.join(', ')} on ${deadLetterTopic}`);
  const retryTopic = projectorRetryTopic(command.collaborative, config.prefix);
  const producer = createRecordProducer(kafka);
  await producer.connect();
  try {
    await replayDeadLetters(producer, retryTopic, deadLetterTopic, selected);
  } finally {
    await producer.disconnect();
  }
  process.stdout.write(
    `replayed ${selected.length} dead letter(s) onto ${retryTopic}; the ${command.collaborative} projector ` +
      'projects them like any record change (a version already projected changes nothing)\n',
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`dlq: ${errorMessage(error)}\n`);
    process.exit(1);
  });
}
