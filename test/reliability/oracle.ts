import { Kafka, logLevel } from 'kafkajs';
import * as avro from 'avsc';
import * as fs from 'node:fs';
import { Client } from 'pg';

/**
 * The oracle: what every topic and read model holds, read without Crosscare's own readers. Topics are read whole
 * from offset 0 by a plain kafkajs consumer (read_committed, its default) of a fresh group; ICS events are decoded
 * with avsc against the writer's schema fetched from the registry by id (not through Crosscare's serde); changelog
 * messages are judged by their keys and `crosscare-sequence` headers, as docs/projections.md specifies them.
 */
export interface OracleAccess {
  readonly kafka: Record<string, string>;
  readonly registry: { url: string; authorization: string };
  readonly databaseUrl: string;
}

export interface IcsVerdict {
  readonly acknowledged: number;
  readonly published: number;
  readonly lost: string[];
  readonly duplicated: string[];
  /** Events on the topics that no acknowledgement named (a refused, given-up or unanswered request's). */
  readonly unacknowledged: string[];
  /** Messages whose header event id and decoded event id differ. */
  readonly headerMismatches: number;
  /** The first 500 duplicated events, each with every copy's place and headers, for the report. */
  readonly duplicates: Array<{ eventId: string; copies: Occurrence[] }>;
  /** Messages the oracle's own consumer was handed twice at the same offset (not counted as duplicates). */
  readonly readerRedeliveries: number;
}

export interface Occurrence {
  readonly place: string;
  readonly eventType?: string;
  readonly correlationId?: string;
  readonly key: string | null;
}

export interface ChangelogVerdict {
  readonly collaborative: string;
  readonly patients: number;
  readonly heads: number;
  /** Patients whose first head on the topic is not sequence 1. */
  readonly notFromOne: string[];
  /** A head above the last one plus one: a change missed. */
  readonly gaps: Array<{ nhsNumber: string; after: number; got: number }>;
  /** A head at or below the last one: a redelivery (the contract lets a relay republish after a crash). */
  readonly repeats: number;
  /** Patients whose live item keys on the topic differ from the read model's current items, or whose last head differs from its sequence. */
  readonly recordMismatches: Array<{ nhsNumber: string; why: string }>;
}

function kafkaClient(env: Record<string, string>): Kafka {
  return new Kafka({
    clientId: 'crosscare-reliability-oracle',
    brokers: env.KAFKA_BROKERS.split(','),
    ssl: { ca: [fs.readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8')] },
    sasl: {
      mechanism: 'scram-sha-512',
      username: env.KAFKA_SASL_USERNAME,
      password: fs.readFileSync(env.KAFKA_SASL_PASSWORD_FILE, 'utf8').trim(),
    },
    logLevel: logLevel.NOTHING,
  });
}

interface RawMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/**
 * Every committed message of the topics, in partition order. Done when every partition has delivered up to its
 * high watermark less its last commit marker, or nothing new arrived for `idleMs` (an aborted transaction at a
 * partition's end leaves nothing to deliver up to the watermark).
 */
export async function readWhole(
  access: OracleAccess,
  topics: readonly string[],
  idleMs = 8000,
): Promise<RawMessage[]> {
  const kafka = kafkaClient(access.kafka);
  const admin = kafka.admin();
  await admin.connect();
  const highs = new Map<string, bigint>();
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic))
      highs.set(`${topic}:${p.partition}`, BigInt(p.high));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `crosscare-reliability-oracle-${Date.now()}-${Math.random()}` });
  const messages: RawMessage[] = [];
  const reached = new Map<string, bigint>();
  let last = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      // eslint-disable-next-line @typescript-eslint/require-await -- kafkajs takes a promise; nothing here waits
      eachMessage: async ({ topic, partition, message }) => {
        last = Date.now();
        reached.set(`${topic}:${partition}`, BigInt(message.offset) + 1n);
        messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
      },
    });
    const deadline = Date.now() + 600_000;
    for (;;) {
      const done = [...highs].every(([tp, high]) => high === 0n || (reached.get(tp) ?? 0n) >= high - 1n);
      if (done || Date.now() - last > idleMs || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** Decodes Confluent-framed Avro (magic 0, schema id, body) with the writer's schema, fetched by id. */
class EventIdDecoder {
  private readonly types = new Map<number, Promise<avro.Type>>();
  constructor(private readonly registry: OracleAccess['registry']) {}

  async eventId(value: Buffer): Promise<string> {
    const decoded = (await this.decode(value)) as { header?: { eventId?: string } };
    if (!decoded.header?.eventId) throw new Error('no header.eventId');
    return decoded.header.eventId;
  }

  async decode(value: Buffer): Promise<unknown> {
    if (value[0] !== 0) throw new Error('not Confluent wire format');
    const id = value.readInt32BE(1);
    let type = this.types.get(id);
    if (!type) {
      type = this.fetchType(id);
      this.types.set(id, type);
    }
    return (await type).fromBuffer(value.subarray(5)) as unknown;
  }

  private async fetchType(id: number): Promise<avro.Type> {
    const response = await fetch(`${this.registry.url}/schemas/ids/${id}`, {
      headers: { authorization: this.registry.authorization },
    });
    if (!response.ok) throw new Error(`registry answered ${response.status} for schema ${id}`);
    const { schema } = (await response.json()) as { schema: string };
    return avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
  }
}

/** Every acknowledged event id on the ICS topics exactly once; nothing on them that no acknowledgement named. */
export async function checkIcsTopics(
  access: OracleAccess,
  topics: readonly string[],
  acknowledged: ReadonlySet<string>,
): Promise<IcsVerdict> {
  const decoder = new EventIdDecoder(access.registry);
  // Each event's places (topic, partition, offset): the same place twice is the reader's redelivery (a consumer
  // that restarts resumes from its last committed offset), not the topic's; two places are two copies on the topic.
  const seen = new Map<string, Map<string, Occurrence>>();
  let headerMismatches = 0;
  let readerRedeliveries = 0;
  for (const message of await readWhole(access, topics)) {
    if (!message.value) continue;
    const eventId = await decoder.eventId(message.value);
    if (message.headers['crosscare-event-id'] !== eventId) headerMismatches++;
    const places = seen.get(eventId) ?? new Map<string, Occurrence>();
    seen.set(eventId, places);
    const place = `${message.topic}:${message.partition}@${message.offset}`;
    if (places.has(place)) readerRedeliveries++;
    places.set(place, {
      place,
      eventType: message.headers['crosscare-event-type'],
      correlationId: message.headers['crosscare-correlation-id'],
      key: message.key,
    });
  }
  const duplicated = [...seen].filter(([, places]) => places.size > 1);
  return {
    acknowledged: acknowledged.size,
    published: seen.size,
    lost: [...acknowledged].filter((id) => !seen.has(id)),
    duplicated: duplicated.map(([id]) => id),
    duplicates: duplicated
      .slice(0, 500)
      .map(([eventId, places]) => ({ eventId, copies: [...places.values()] })),
    readerRedeliveries,
    unacknowledged: [...seen.keys()].filter((id) => !acknowledged.has(id)),
    headerMismatches,
  };
}

/**
 * A changelog read whole: per patient, heads from 1 rising by one (repeats counted apart: the contract allows a
 * relay's redelivery); the record it assembles (live item keys after tombstones) equals the read model's current
 * items, and its last head the read model's sequence.
 */
export async function checkChangelog(
  access: OracleAccess,
  collaborative: string,
  topic: string,
  readModelSchema: string,
): Promise<ChangelogVerdict> {
  const lastHead = new Map<string, number>();
  const notFromOne = new Set<string>();
  const gaps: ChangelogVerdict['gaps'] = [];
  const liveItems = new Map<string, Set<string>>();
  let heads = 0;
  let repeats = 0;
  for (const m of await readWhole(access, [topic])) {
    if (!m.key) continue;
    const sequence = Number(m.headers['crosscare-sequence']);
    const bar = m.key.indexOf('|');
    const nhsNumber = bar < 0 ? m.key : m.key.slice(0, bar);
    if (bar < 0) {
      heads++;
      const previous = lastHead.get(nhsNumber);
      if (previous === undefined) {
        if (sequence !== 1) notFromOne.add(nhsNumber);
        lastHead.set(nhsNumber, sequence);
      } else if (sequence <= previous) repeats++;
      else {
        if (sequence !== previous + 1) gaps.push({ nhsNumber, after: previous, got: sequence });
        lastHead.set(nhsNumber, sequence);
      }
      continue;
    }
    const items = liveItems.get(nhsNumber) ?? new Set<string>();
    liveItems.set(nhsNumber, items);
    if (m.value === null) items.delete(m.key);
    else items.add(m.key);
  }

  const db = new Client({ connectionString: access.databaseUrl });
  await db.connect();
  const recordMismatches: ChangelogVerdict['recordMismatches'] = [];
  try {
    const schema = await servingSchema(db, readModelSchema);
    const items = await db.query<{
      nhs_number: string;
      provider_ods_code: string;
      source_record_id: string;
      part: string;
    }>(
      `select nhs_number, provider_ods_code, source_record_id, part from "${schema}".record_item where not removed`,
    );
    const expected = new Map<string, Set<string>>();
    for (const r of items.rows) {
      const key = [r.nhs_number, r.provider_ods_code, r.source_record_id, String(r.part)]
        .map((c, i) => (i === 0 ? c : encodeURIComponent(c)))
        .join('|');
      const set = expected.get(r.nhs_number) ?? new Set<string>();
      set.add(key);
      expected.set(r.nhs_number, set);
    }
    const patients = await db.query<{ nhs_number: string; sequence: string }>(
      `select nhs_number, sequence from "${schema}".patient`,
    );
    for (const p of patients.rows) {
      const want = expected.get(p.nhs_number) ?? new Set<string>();
      const got = liveItems.get(p.nhs_number) ?? new Set<string>();
      const missing = [...want].filter((k) => !got.has(k)).length;
      const extra = [...got].filter((k) => !want.has(k)).length;
      if (missing || extra)
        recordMismatches.push({ nhsNumber: p.nhs_number, why: `${missing} missing, ${extra} extra items` });
      const head = lastHead.get(p.nhs_number) ?? 0;
      if (head !== Number(p.sequence))
        recordMismatches.push({
          nhsNumber: p.nhs_number,
          why: `last head ${head}, read model sequence ${p.sequence}`,
        });
    }
  } finally {
    await db.end();
  }
  return {
    collaborative,
    patients: lastHead.size,
    heads,
    notFromOne: [...notFromOne],
    gaps,
    repeats,
    recordMismatches,
  };
}

/** The schema that serves a read model now: a rebuild may have switched it (projector_control.active_read_model). */
export async function servingSchema(db: Client, readModel: string): Promise<string> {
  const control = await db
    .query<{ schema_name: string }>(
      `select schema as schema_name from projector_control.active_read_model where name = $1`,
      [readModel],
    )
    .catch(() => ({ rows: [] as { schema_name: string }[] }));
  return control.rows[0]?.schema_name ?? readModel;
}

export interface AuditVerdict {
  readonly reads: number;
  /** Reads answered 200: each must have exactly one audit event with its correlation id. */
  readonly served: number;
  readonly servedWithoutAudit: number;
  readonly servedAuditedMoreThanOnce: number;
  /** Reads answered otherwise (refused, 503, 429): at most one audit event each. */
  readonly answeredOtherwise: Record<string, number>;
  readonly otherwiseAuditedMoreThanOnce: number;
  readonly auditEvents: number;
}

/**
 * One audit event per served read: the audit topic read whole, each RecordAccessed decoded with the writer's schema,
 * counted by its correlationId (the X-Correlation-ID each read sent).
 */
export async function checkAudit(
  access: OracleAccess,
  topic: string,
  reads: ReadonlyArray<{ correlationId: string; answer?: string }>,
): Promise<AuditVerdict> {
  const decoder = new EventIdDecoder(access.registry);
  const perCorrelation = new Map<string, number>();
  let auditEvents = 0;
  for (const message of await readWhole(access, [topic])) {
    if (!message.value) continue;
    const decoded = await decoder.decode(message.value);
    const correlationId = (decoded as { correlationId?: string }).correlationId;
    auditEvents++;
    if (correlationId) perCorrelation.set(correlationId, (perCorrelation.get(correlationId) ?? 0) + 1);
  }
  const answeredOtherwise: Record<string, number> = {};
  let served = 0;
  let servedWithoutAudit = 0;
  let servedAuditedMoreThanOnce = 0;
  let otherwiseAuditedMoreThanOnce = 0;
  for (const read of reads) {
    const audits = perCorrelation.get(read.correlationId) ?? 0;
    if (read.answer === '200') {
      served++;
      if (audits === 0) servedWithoutAudit++;
      if (audits > 1) servedAuditedMoreThanOnce++;
    } else {
      const answer = read.answer ?? 'no-answer';
      answeredOtherwise[answer] = (answeredOtherwise[answer] ?? 0) + 1;
      if (audits > 1) otherwiseAuditedMoreThanOnce++;
    }
  }
  return {
    reads: reads.length,
    served,
    servedWithoutAudit,
    servedAuditedMoreThanOnce,
    answeredOtherwise,
    otherwiseAuditedMoreThanOnce,
    auditEvents,
  };
}
