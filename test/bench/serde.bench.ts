/**
 * npm run bench:serde   (needs a registry with the schemas: npm run demo, or SCHEMA_REGISTRY_URL)
 *
 * What Avro in the Confluent wire format costs per event against the obvious alternative, JSON, measured in the
 * same process on the same events, so the ratio holds on a noisy machine where absolute numbers do not: BENCH_ROUNDS
 * rounds (default 5), the two alternated; medians, spreads and the median per-round ratio. Writes
 * bench/results/serde.json.
 */
import { loadConfig, schemaRegistryVariables, toSchemaRegistryConfig } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { createRecordChangeSerde, SchemaRegistryClient, type EventType } from '@crosscare/events';
import { envWithRegistryCredentials, REGISTRY_TOOLS, stackPaths } from '@crosscare/local-stack';
import { syntheticRecordChanges } from '@crosscare/events/synthetic';
import { roundsResult, writeResultsFile, type BenchResult } from './results-file';
import { alternateRounds, roundFigures, roundRatios, roundsFromEnvironment } from './rounds';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const ROUNDS = roundsFromEnvironment(process.env, 5);

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

  process.stdout.write(
    `bench:serde: ${EVENTS} events × ${ROUNDS} rounds, alternated, registry ${registry.url}\n`,
  );
  const bytes = { avro: 0, json: 0 };
  const timed = async (work: () => Promise<number>) => {
    const started = process.hrtime.bigint();
    await work();
    return EVENTS / (Number(process.hrtime.bigint() - started) / 1e9);
  };
  const rates = await alternateRounds({
    rounds: ROUNDS,
    say: (line) => process.stdout.write(`${line}\n`),
    format: (_, rate) => `${Math.round(rate)} events/s`,
    contenders: {
      avro: () =>
        timed(async () => {
          bytes.avro = 0;
          for (const e of events) {
            const buf = await serde.encode(e.header.eventType as EventType, e);
            bytes.avro += buf.length;
            await serde.decode(buf);
          }
          return bytes.avro;
        }),
      json: () =>
        timed(() => {
          bytes.json = 0;
          for (const e of events) {
            const buf = Buffer.from(JSON.stringify(e));
            bytes.json += buf.length;
            JSON.parse(buf.toString()) as unknown;
          }
          return Promise.resolve(bytes.json);
        }),
    },
  });

  const avro = roundFigures(rates.avro);
  const json = roundFigures(rates.json);
  const throughput = roundRatios(rates.avro, rates.json);
  const results: BenchResult[] = [
    roundsResult({
      metric: 'avro_encode_decode_throughput',
      unit: 'events/s',
      baseline: 'JSON.stringify + JSON.parse of the same events, same process, rounds alternated',
      value: avro,
      baselineValue: json,
      ratio: throughput,
      digits: 0,
      ratioDigits: 2,
    }),
    {
      metric: 'avro_bytes_per_event',
      value: Math.round(bytes.avro / EVENTS),
      unit: 'bytes',
      baseline: 'JSON bytes per event, same events',
      baseline_value: Math.round(bytes.json / EVENTS),
      ratio: Math.round((bytes.avro / bytes.json) * 100) / 100,
    },
  ];
  const file = await writeResultsFile('serde', results);
  process.stdout.write(
    [
      '',
      `avro: median ${Math.round(avro.median)} events/s (${Math.round(avro.min)}–${Math.round(avro.max)}), ${(bytes.avro / EVENTS).toFixed(0)} bytes/event`,
      `json: median ${Math.round(json.median)} events/s (${Math.round(json.min)}–${Math.round(json.max)}), ${(bytes.json / EVENTS).toFixed(0)} bytes/event (baseline)`,
      `ratio avro/json: throughput ${throughput.median.toFixed(2)} (median of ${ROUNDS} rounds, ${throughput.min.toFixed(2)}–${throughput.max.toFixed(2)}), size ${(bytes.avro / bytes.json).toFixed(2)}`,
      `written to ${file}`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:serde: ${errorMessage(error)}\n`);
  process.exit(1);
});
