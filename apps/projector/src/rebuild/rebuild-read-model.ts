import {
  ChangelogOutbox,
  ConsumedOffsets,
  openReadModel,
  ReadModelControl,
  reconcileSequences,
} from '@crosscare/read-model';
import { checkSourceCluster } from '@crosscare/database';
import { loadProviderDirectory } from '@crosscare/governance';
import { createKafka, createRecordProducer, ensureTopics } from '@crosscare/kafka';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { DEAD_LETTER_HEADERS, failureIdentity } from '../consumer/dead-letter-publisher';
import type { ProjectorConsumer } from '../consumer/projector-consumer';
import { readDeadLetters } from '../dead-letters/dead-letter-store';
import { ProjectorMetrics } from '../metrics/projector-metrics';
import type { ProjectorConfig } from '../projector-config';
import { projectorPipeline } from '../projector-pipeline';
import { projectorTopicSpecs, projectorTopology } from '../projector-topology';
import {
  partitionsBehind,
  reached,
  ReplayStalledError,
  ReplayStallWatch,
  sumDone,
  type PartitionRange,
} from './replay-progress';

/** What a rebuild reports as it goes: the replay (offsets done of total), then the switch. */
export interface RebuildProgress {
  replay(done: bigint, total: bigint): void;
  step(message: string): void;
}

export interface RebuildOutcome {
  readonly previousSchema: string;
  readonly schema: string;
  readonly eventsProjected: number;
  readonly patients: number;
  readonly republished: number;
  readonly replaySeconds: number;
}

export interface RebuildOptions {
  /** The fresh schema's name; by default the read model's name with a timestamp. */
  readonly schema?: string;
  /**
   * Longest time the replay may go without any partition's position moving before it gives up (ReplayStalledError,
   * nothing switched): an open transaction that never ends, a consumer that no longer fetches. 10 minutes by default.
   */
  readonly replayStallTimeoutMs?: number;
  /** Longest wait, under the switch lock, for the rebuild to reach the live read model's positions. */
  readonly switchTimeoutMs?: number;
  /** Longest wait, before the switch, for the live changelog outbox to come down to a few batches' worth. */
  readonly drainTimeoutMs?: number;
  readonly pollMs?: number;
}

/**
 * Rebuilds a collaborative's read model: replays every topic the projector reads from offset 0 into a fresh schema,
 * while the serving read model keeps serving and projecting; then, holding the read model's switch lock (live
 * batches wait), catches up to the live positions, carries the changelog's sequence numbers over (publishing only
 * the records the rebuild changed) and points the read model at the fresh schema. Live projectors notice on their
 * next batch and reopen on it; the record API follows the pointer. The previous schema is kept for a rollback.
 */
export async function rebuildReadModel(
  config: ProjectorConfig,
  progress: RebuildProgress,
  options: RebuildOptions = {},
): Promise<RebuildOutcome> {
  const pollMs = options.pollMs ?? 250;
  const control = await ReadModelControl.open(config.database, 'crosscare-projector-rebuild');
  const previousSchema = await control.activeSchema(config.databaseSchema);
  await assertSameOwner(control.db, previousSchema).catch(async (error: unknown) => {
    await control.close();
    throw error;
  });
  const schema = options.schema ?? rebuildSchemaName(config.databaseSchema, new Date());
  const topology = projectorTopology(
    config.collaborative,
    loadProviderDirectory().collaboratives(),
    config.topicPrefix,
  );
  const kafka = createKafka(config.kafka, {
    defaultClientId: `crosscare-projector-rebuild-${config.collaborative.toLowerCase()}`,
  });
  const admin = kafka.admin();
  const producer = createRecordProducer(kafka);
  let rebuilt: DataSource | undefined;
  let previous: DataSource | undefined;
  let consumer: ProjectorConsumer | undefined;
  try {
    await admin.connect();
    await ensureTopics(admin, projectorTopicSpecs(topology));
    await producer.connect();
    rebuilt = await openReadModel(config.database, schema, 'crosscare-projector-rebuild');
    await checkSourceCluster(rebuilt, (await admin.describeCluster()).clusterId);
    previous = await openReadModel(config.database, previousSchema, 'crosscare-projector-rebuild');
    progress.step(`replaying into schema ${schema} (serving: ${previousSchema})`);

    const groupId = `${config.groupId}-rebuild-${schema}`;
    const pipeline = projectorPipeline(
      config,
      topology,
      { kafka, producer, db: rebuilt },
      {
        groupId,
        // No changelog while replaying: the serving read model publishes; the switch publishes what changed.
        publishChangelog: false,
        alreadyDeadLettered: await publishedFailures(kafka, topology.deadLetterTopic, config.groupId),
        metrics: new ProjectorMetrics({ collaborative: config.collaborative, instance: 'rebuild' }),
        log: {
          log: () => undefined,
          warn: (m) => progress.step(`warning: ${m}`),
          error: (m) => progress.step(`error: ${m}`),
        },
      },
    );
    consumer = pipeline.consumer;
    const { changelog } = pipeline;
    const topics = consumer.topics;
    const target = await endOffsets(admin, topics);
    const total = target.reduce((n, t) => n + (t.end - t.start), 0n);
    const started = Date.now();
    await consumer.start();
    const offsets = new ConsumedOffsets();
    const rebuiltDb = rebuilt;
    const replayed = async () => sumDone(target, await offsets.all(rebuiltDb, topics));
    const stallTimeoutMs = options.replayStallTimeoutMs ?? DEFAULT_REPLAY_STALL_TIMEOUT_MS;
    const watch = new ReplayStallWatch(stallTimeoutMs);
    for (;;) {
      const stored = await offsets.all(rebuiltDb, topics);
      const done = sumDone(target, stored);
      progress.replay(done, total);
      if (reached(target, stored)) break;
      if (watch.stalled(done, Date.now()))
        throw new ReplayStalledError(stallTimeoutMs, partitionsBehind(target, stored));
      await sleep(pollMs);
    }
    const replaySeconds = (Date.now() - started) / 1000;
    const eventsProjected = Number(await replayed());

    // The switch waits, with live projection paused, for the live outbox to drain: let the relay work it down first.
    await drainBeforeSwitch(previous, progress, options.drainTimeoutMs ?? 600_000, pollMs);
    progress.step('caught up with the topics as they were; switching (live projection pauses meanwhile)');
    const previousDb = previous;
    const runningConsumer = consumer;
    const reconciled = await control.switchTo(config.databaseSchema, schema, async (serving) => {
      if (serving !== previousSchema)
        throw new Error(
          `another rebuild switched ${config.databaseSchema} to ${serving} meanwhile; nothing switched`,
        );
      const deadline = Date.now() + (options.switchTimeoutMs ?? 60_000);
      // Live batches now wait on the lock, so the live positions stand still: reach them.
      const live = await offsets.all(previousDb, topics);
      while (
        !reached(
          live.map((l) => ({ topic: l.topic, partition: l.partition, start: 0n, end: l.nextOffset })),
          await offsets.all(rebuiltDb, topics),
        )
      ) {
        if (Date.now() > deadline)
          throw new Error('the rebuild did not reach the live positions in time; nothing switched');
        await sleep(pollMs);
      }
      await runningConsumer.stop();
      // What the serving read model already committed to its outbox must reach the topic before the rebuilt one's.
      while (await new ChangelogOutbox().depth(previousDb)) {
        if (Date.now() > deadline)
          throw new Error("the live projector's changelog outbox did not drain in time; nothing switched");
        await sleep(pollMs);
      }
      progress.step('carrying changelog sequence numbers over');
      return reconcileSequences(previousDb, rebuiltDb, config.collaborative, changelog, (done, all) =>
        progress.step(`  ${done}/${all} patients compared`),
      );
    });
    progress.step(
      `switched: ${config.databaseSchema} is now served by ${schema}; ${previousSchema} is kept for a rollback`,
    );
    return {
      previousSchema,
      schema,
      eventsProjected,
      patients: reconciled.patients,
      republished: reconciled.republished,
      replaySeconds,
    };
  } finally {
    await consumer?.stop().catch(() => undefined);
    await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
    await Promise.allSettled([rebuilt?.destroy(), previous?.destroy(), control.close()]);
  }
}

/**
 * The fresh schema is the connecting role's: unless that is the role owning the serving schema (the projector's,
 * docs/security.md), the live projectors could not write it after the switch, nor the record API read it. Refuse
 * before building anything, rather than switch to a read model nobody can serve.
 */
export async function assertSameOwner(db: DataSource, serving: string): Promise<void> {
  const [row] = await db.query<{ owner: string; me: string }[]>(
    `select pg_get_userbyid(nspowner) as owner, current_user as me from pg_namespace where nspname = $1`,
    [serving],
  );
  if (row && row.owner !== row.me) {
    throw new Error(
      `the read model's schema ${serving} belongs to role ${row.owner}, but this rebuild connects as ${row.me}: ` +
        `run it with the projector's DATABASE_URL (docs/security.md), so the schema it builds is ${row.owner}'s`,
    );
  }
}

/** `projector_ccr_r20261125T171500`, within Postgres's 63 characters. */
export function rebuildSchemaName(name: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').toLowerCase();
  return `${name.replace(/_r\d{8}t\d{6}$/, '').slice(0, 46)}_r${stamp}`;
}

/** Ten minutes without a position moving: far longer than any batch, shorter than an operator's patience. */
export const DEFAULT_REPLAY_STALL_TIMEOUT_MS = 600_000;

async function endOffsets(admin: Admin, topics: readonly string[]): Promise<PartitionRange[]> {
  const ranges: PartitionRange[] = [];
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic))
      ranges.push({ topic, partition: p.partition, start: BigInt(p.low), end: BigInt(p.high) });
  return ranges;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Outbox rows the switch may still wait for under its lock: what a relay publishes in a second or two. */
const DRAINED_ENOUGH = 20_000;

/**
 * Waits, without any lock, while the live relay works the outbox down below DRAINED_ENOUGH (live projection goes on
 * meanwhile), so the switch's own wait for the outbox, during which live projection pauses, is short. Gives up
 * quietly at the deadline: the switch then waits for the rest under its own timeout.
 */
async function drainBeforeSwitch(
  live: DataSource,
  progress: RebuildProgress,
  timeoutMs: number,
  pollMs: number,
): Promise<void> {
  const outbox = new ChangelogOutbox();
  const deadline = Date.now() + timeoutMs;
  for (let depth = await outbox.depth(live); depth > DRAINED_ENOUGH; depth = await outbox.depth(live)) {
    if (Date.now() > deadline) return;
    progress.step(
      `the live changelog outbox holds ${depth} messages; waiting for its relay before switching`,
    );
    await sleep(Math.max(pollMs, 1000));
  }
}

/**
 * The failures the dead-letter topic already holds. The replay meets every one of them again; without this each
 * would be dead-lettered a second time, and `dlq replay --all` would re-drive it twice. A failure with a new reason
 * (say, after the projection fix the rebuild is for) is still published.
 */
async function publishedFailures(
  kafka: Kafka,
  deadLetterTopic: string,
  groupId: string,
): Promise<Set<string>> {
  const letters = await readDeadLetters(kafka, deadLetterTopic, groupId, 120_000);
  return new Set(
    letters.map((l) =>
      failureIdentity(
        {
          topic: l.headers[DEAD_LETTER_HEADERS.sourceTopic] ?? '',
          partition: l.headers[DEAD_LETTER_HEADERS.sourcePartition] ?? '',
          offset: l.headers[DEAD_LETTER_HEADERS.sourceOffset] ?? '',
        },
        l.headers[DEAD_LETTER_HEADERS.reason] ?? '',
      ),
    ),
  );
}
