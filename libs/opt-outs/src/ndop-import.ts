import {
  NDOP_SOURCE,
  optOutStateOf,
  parseNdopFile,
  planNdopImport,
  type NdopFile,
  type NdopImportPlan,
  type OptOutChanged,
} from '@crosscare/governance';
import type { RecordProducer } from '@crosscare/kafka';
import type { Kafka, Message } from 'kafkajs';
import { createHash, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { OptOutSerde } from './opt-out-serde';
import { optOutKafkaMessage, OptOutPartitions, readOptOuts } from './opt-out-topic';

/** A file as given to the import: its path (named in messages, its base name in the record) and its bytes. */
export interface NdopInputFile {
  readonly path: string;
  readonly content: Buffer;
}

export interface NdopImportRequest {
  /** The answer: the submitted numbers that may be used. */
  readonly returned: NdopInputFile;
  /** The cohort that was submitted for it. */
  readonly submitted: NdopInputFile;
  /** Plan and summarise, publish nothing. */
  readonly dryRun: boolean;
}

export interface NdopImportDeps {
  readonly kafka: Kafka;
  readonly serde: OptOutSerde;
  readonly topic: string;
  /** The import principal's group prefix (optOutImportGroupPrefix): its reads of the topic use throwaway groups under it. */
  readonly groupPrefix: string;
  /** Idempotent, acks=all (createRecordProducer), connected; not used by a dry run. */
  readonly producer?: RecordProducer;
  /** Called as changes are published: done so far of the total. */
  readonly progress?: (done: number, total: number) => void;
  readonly now?: () => number;
}

export interface NdopImportSummary extends Omit<NdopImportPlan, 'newlyActive' | 'withdrawn'> {
  readonly newlyActive: number;
  readonly withdrawn: number;
  /** What every published change names as its source reference: `<answer file name> sha256:<hex>`. */
  readonly sourceReference: string;
  readonly correlationId: string;
  readonly published: number;
  readonly dryRun: boolean;
}

/**
 * Both files read and checked as a pair, against no state: every fault the files alone can have (a bad line, an
 * answered number that was never submitted) is found before anything connects to Kafka.
 */
export function readNdopPair(request: Pick<NdopImportRequest, 'returned' | 'submitted'>): {
  readonly submitted: NdopFile;
  readonly returned: NdopFile;
} {
  const submitted = parseNdopFile(request.submitted.path, request.submitted.content.toString('utf8'));
  const returned = parseNdopFile(request.returned.path, request.returned.content.toString('utf8'));
  planNdopImport(submitted, returned, new Map());
  return { submitted, returned };
}

/** Changes per send: a few hundred keep each request well under the broker's message size whatever the batch. */
const SEND_BATCH = 500;

/**
 * Imports one answer of the Check for National Data Opt-outs service: both files are read and checked whole first
 * (a bad line, or an answer that is not the submission's, stops the import before anything is read or sent), then
 * the topic's current National Data Opt-out state is read to its end, the difference planned (planNdopImport), and
 * each change published with the idempotent producer, one correlation id for the import.
 *
 * Not one Kafka transaction: an import that fails half way leaves part of its changes on the topic. Run it again with
 * the same files: the state it reads then includes them, so it publishes only what is still missing. Run one import
 * at a time; two at once would each publish the same changes (harmless, but noise for readers).
 */
export async function importNdopAnswer(
  deps: NdopImportDeps,
  request: NdopImportRequest,
): Promise<NdopImportSummary> {
  const { submitted, returned } = readNdopPair(request);
  const sha256 = createHash('sha256').update(request.returned.content).digest('hex');
  const sourceReference = `${path.basename(request.returned.path)} sha256:${sha256}`;
  const correlationId = `ndop-import-${randomUUID()}`;

  const current = optOutStateOf(
    await readOptOuts(deps.kafka, deps.topic, deps.serde, {
      reader: deps.groupPrefix,
      wanted: ({ kind }) => kind === 'NATIONAL_DATA_OPT_OUT',
    }),
    'NATIONAL_DATA_OPT_OUT',
  );
  const plan = planNdopImport(submitted, returned, current);
  const summary = {
    cohort: plan.cohort,
    optedOut: plan.optedOut,
    newlyActive: plan.newlyActive.length,
    withdrawn: plan.withdrawn.length,
    unchanged: plan.unchanged,
    sourceReference,
    correlationId,
    dryRun: request.dryRun,
  };
  if (request.dryRun) return { ...summary, published: 0 };
  if (!deps.producer) throw new Error('importNdopAnswer needs a producer unless it is a dry run');

  const now = deps.now ?? Date.now;
  const change = (nhsNumber: string, status: 'ACTIVE' | 'WITHDRAWN'): OptOutChanged => ({
    changeId: randomUUID(),
    nhsNumber,
    kind: 'NATIONAL_DATA_OPT_OUT',
    status,
    // The national answer says whether a patient has an opt-out, never since when.
    statedOn: null,
    source: NDOP_SOURCE,
    sourceReference,
    recordedAt: now(),
    correlationId,
  });
  const changes = [
    ...plan.newlyActive.map((n) => change(n, 'ACTIVE')),
    ...plan.withdrawn.map((n) => change(n, 'WITHDRAWN')),
  ];
  const partitions = await new OptOutPartitions(deps.kafka, deps.topic).of();
  let published = 0;
  deps.progress?.(0, changes.length);
  for (let i = 0; i < changes.length; i += SEND_BATCH) {
    const messages: Message[] = await Promise.all(
      changes.slice(i, i + SEND_BATCH).map((c) => optOutKafkaMessage(c, deps.serde, partitions)),
    );
    await deps.producer.send({ topic: deps.topic, messages });
    published += messages.length;
    deps.progress?.(published, changes.length);
  }
  return { ...summary, published };
}
