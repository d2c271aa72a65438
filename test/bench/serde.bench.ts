/**
 * npm run bench:serde   (needs a registry with the schemas: npm run demo, or SCHEMA_REGISTRY_URL)
 *
 * What Avro in the Confluent wire format costs per event against the obvious alternative, JSON, measured in the
 * same process on the same events, so the ratio holds on a noisy machine where absolute numbers do not.
 */
import { loadConfig, schemaRegistryVariables, toSchemaRegistryConfig } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { createRecordChangeSerde, SchemaRegistryClient, type EventType } from '@crosscare/events';
import { envWithRegistryCredentials, REGISTRY_TOOLS, stackPaths } from '@crosscare/local-stack';
import { syntheticRecordChanges } from '@crosscare/events/synthetic';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const ROUNDS = 5;

async function timed(
  label: string,
  work: () => Promise<number>,
): Promise<{ perSecond: number; bytes: number }> {
  const rates: number[] = [];
  let bytes = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const started = process.hrtime.bigint();
    bytes = await work();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(EVENTS / seconds);
    process.stdout.write(`  ${label}: round ${round}/${ROUNDS} ${Math.round(EVENTS / seconds)} events/s\n`);
  }
  rates.sort((a, b) => a - b);
  return { perSecond: rates[Math.floor(ROUNDS / 2)], bytes }; // the median resists a noisy round
}

async function main(): Promise<void> {
  const registry = new SchemaRegistryClient(
    loadConfig(
      schemaRegistryVariables,
      toSchemaRegistryConfig,
      envWithRegistryCredentials(process.env, stackPaths(), REGISTRY_TOOLS),
    ),
  );
  const serde = createRecordChangeSerde(registry);
  const events = syntheticRecordChanges(EVENTS, 'bench');
  // Warm the caches (schema ids, writer schemas, resolvers) and the JIT before measuring.
  for (const e of events.slice(0, 1000))
    await serde.decode(await serde.encode(e.header.eventType as EventType, e));

  process.stdout.write(`bench:serde: ${EVENTS} events × ${ROUNDS} rounds, registry ${registry.url}\n`);
  const avro = await timed('avro encode+decode', async () => {
    let bytes = 0;
    for (const e of events) {
      const buf = await serde.encode(e.header.eventType as EventType, e);
      bytes += buf.length;
      await serde.decode(buf);
    }
    return bytes;
  });
  const json = await timed('json stringify+parse (baseline)', () => {
    let bytes = 0;
    for (const e of events) {
      const buf = Buffer.from(JSON.stringify(e));
      bytes += buf.length;
      JSON.parse(buf.toString()) as unknown;
    }
    return Promise.resolve(bytes);
  });

  process.stdout.write(
    [
      '',
      `avro: ${Math.round(avro.perSecond)} events/s, ${(avro.bytes / EVENTS).toFixed(0)} bytes/event`,
      `json: ${Math.round(json.perSecond)} events/s, ${(json.bytes / EVENTS).toFixed(0)} bytes/event (baseline)`,
      `ratio avro/json: throughput ${(avro.perSecond / json.perSecond).toFixed(2)}, size ${(avro.bytes / json.bytes).toFixed(2)}`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:serde: ${errorMessage(error)}\n`);
  process.exit(1);
});
