import { progressBar } from '@crosscare/cli';
import { recordChangeTopic, type createRecordChangeSerde } from '@crosscare/events';
import { loadProviderDirectory } from '@crosscare/governance';
import { createRecordProducer, type createKafka } from '@crosscare/kafka';
import { generateRegion } from '@crosscare/synthetic-region';

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Streams a synthetic region's events (one collaborative's, or all) onto private ICS topics under `prefix` until
 * `count`, with a progress bar.
 */
export async function publishRegion(
  kafka: ReturnType<typeof createKafka>,
  serde: ReturnType<typeof createRecordChangeSerde>,
  prefix: string,
  count: number,
  collaborative?: 'CCR' | 'OHC',
): Promise<void> {
  const producer = createRecordProducer(kafka);
  await producer.connect();
  const bar = progressBar(`Publishing a synthetic region (${collaborative ?? 'CCR and OHC'})`, count);
  const directory = loadProviderDirectory();
  let sent = 0;
  let batch = new Map<string, { key: string; value: Buffer }[]>();
  let batched = 0;
  const inFlight = new Set<Promise<unknown>>();
  const flush = async () => {
    const messages = batch;
    batch = new Map();
    batched = 0;
    const send = Promise.all([...messages].map(([topic, m]) => producer.send({ topic, messages: m })));
    inFlight.add(send);
    void send.finally(() => inFlight.delete(send));
    if (inFlight.size >= 4) await Promise.race(inFlight);
  };
  for (const event of generateRegion({ seed: 20261125, patients: Math.ceil(count / 12), directory })) {
    if (collaborative && event.header.collaborative !== collaborative) continue;
    const topic = recordChangeTopic(event.header.ics, prefix);
    const list = batch.get(topic) ?? [];
    list.push({
      key: event.header.nhsNumber,
      value: await serde.encode(event.header.eventType as never, event as never),
    });
    batch.set(topic, list);
    batched++;
    sent++;
    if (batched >= 2000) {
      await flush();
      bar.update(sent);
    }
    if (sent >= count) break;
  }
  if (batched > 0) await flush();
  await Promise.all(inFlight);
  bar.done();
  if (sent < count) throw new Error(`the region had only ${sent} events; raise its patient count`);
  await producer.disconnect();
}

/** The ceiling: consume and decode `count` events, doing nothing with them. */
export async function consumeAndDecode(
  kafka: ReturnType<typeof createKafka>,
  serde: ReturnType<typeof createRecordChangeSerde>,
  topics: readonly string[],
  groupId: string,
  count: number,
): Promise<number> {
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  let seen = 0;
  let started = 0;
  const bar = progressBar('Ceiling (consume + decode, no-op handler)', count);
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await consumer.run({
    partitionsConsumedConcurrently: 2,
    eachBatch: async ({ batch }) => {
      started ||= Date.now();
      for (const message of batch.messages) await serde.decode(message.value as Buffer);
      seen += batch.messages.length;
      bar.update(Math.min(seen, count));
      if (seen >= count) finish();
    },
  });
  await finished;
  const rate = (seen / (Date.now() - started)) * 1000;
  bar.done(`${round(rate)} events/s`);
  await consumer.disconnect();
  return rate;
}
