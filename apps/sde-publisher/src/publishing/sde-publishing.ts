import type { RecordChangeEvent } from '@crosscare/events';
import {
  minimise,
  optedOutOf,
  projectRowKey,
  type OptOutChanged,
  type OptOutKind,
  type ProviderTypeOf,
  type SdeNotice,
  type StandingOptOuts,
} from '@crosscare/sde';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { OutboxMessage, SdeStore, StoredRow } from '../store/sde-store';
import type { ProjectOutput } from './project-output';

export interface SourcedEvent {
  readonly offset: string;
  readonly event: RecordChangeEvent;
}

export interface SourcedOptOut {
  readonly offset: string;
  readonly change: OptOutChanged;
}

export interface RecordChangeOutcome {
  /** Rows newly queued for publication, per project. */
  readonly published: Map<string, number>;
  /** Rows kept back because the patient's opt-out applies to the project. */
  readonly withheld: number;
  /** Events no project is approved for (or restricted). */
  readonly notReleased: number;
}

export interface OptOutOutcome {
  readonly tombstoned: number;
  readonly republished: number;
  readonly notices: number;
}

const EMPTY: StandingOptOuts = new Set();

/**
 * What the publisher does with record changes and opt-outs, inside the transaction that also advances the source
 * position: rows for each approved project (kept back while the patient's opt-out applies), tombstones and a REMOVE
 * notice when a patient opts out after their rows were published, the rows again and a RESTORE notice when the opt-out
 * is withdrawn. Everything to publish goes to the outbox, in order.
 */
export class SdePublishing {
  constructor(
    private readonly projects: readonly ProjectOutput[],
    private readonly store: SdeStore,
    private readonly encodeNotice: (notice: SdeNotice) => Promise<Buffer>,
    private readonly providerTypeOf: ProviderTypeOf,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async recordChanges(
    tx: EntityManager,
    source: { topic: string; partition: number },
    events: readonly SourcedEvent[],
  ): Promise<RecordChangeOutcome> {
    const nhsNumbers = [...new Set(events.map((e) => e.event.header.nhsNumber))];
    await this.store.lockForRecordChanges(tx);
    const standing = await this.store.standingOptOuts(tx, nhsNumbers);
    const rows: StoredRow[] = [];
    const outgoing: (OutboxMessage & { project: string; rowKey: string })[] = [];
    let withheld = 0;
    let notReleased = 0;
    for (const { offset, event } of events) {
      const patientOptOuts = standing.get(event.header.nhsNumber) ?? EMPTY;
      let releasedToAny = false;
      for (const output of this.projects) {
        const minimised = minimise(event, output.project, output.pseudonyms, this.providerTypeOf);
        if (!minimised.released) continue;
        releasedToAny = true;
        const { row } = minimised;
        const rowKey = projectRowKey(row.pseudonym, row.rowId);
        const payload = output.encode(row);
        const keptBack = optedOutOf(output.project, patientOptOuts);
        rows.push({
          project: output.id,
          rowKey,
          pseudonym: row.pseudonym,
          schemaId: output.schemaId,
          payload,
          sourceTopic: source.topic,
          sourcePartition: source.partition,
          sourceOffset: offset,
          withheld: keptBack,
        });
        if (keptBack) withheld++;
        else
          outgoing.push({
            project: output.id,
            rowKey,
            topic: output.dataTopic,
            partition: output.partitionOf(row.pseudonym),
            key: rowKey,
            value: output.frame(output.schemaId, payload),
          });
      }
      if (!releasedToAny) notReleased++;
    }
    const inserted = await this.store.insertRows(tx, rows);
    // A redelivered event's rows were queued when first inserted: queue only what is new.
    const fresh = outgoing.filter((m) => inserted.has(`${m.project}\u0000${m.rowKey}`));
    await this.store.enqueue(
      tx,
      fresh.map(({ topic, partition, key, value }) => ({ topic, partition, key, value })),
    );
    const published = new Map<string, number>();
    for (const m of fresh) published.set(m.project, (published.get(m.project) ?? 0) + 1);
    return { published, withheld, notReleased };
  }

  async optOutChanges(tx: EntityManager, changes: readonly SourcedOptOut[]): Promise<OptOutOutcome> {
    const nhsNumbers = [...new Set(changes.map((c) => c.change.nhsNumber))];
    await this.store.lockForOptOuts(tx);
    for (const { change } of changes) {
      await this.store.recordOptOut(tx, {
        nhsNumber: change.nhsNumber,
        kind: change.kind,
        // A doubtful status is honoured as an opt-out.
        status: change.status === 'WITHDRAWN' ? 'WITHDRAWN' : 'ACTIVE',
        changedAt: new Date(change.recordedAt),
      });
    }
    const standing = await this.store.standingOptOuts(tx, nhsNumbers);
    const outcome = { tombstoned: 0, republished: 0, notices: 0 };
    const messages: OutboxMessage[] = [];
    for (const nhsNumber of nhsNumbers) {
      const patientOptOuts = standing.get(nhsNumber) ?? EMPTY;
      for (const output of this.projects) {
        const pseudonym = output.pseudonyms.patient(nhsNumber);
        const partition = output.partitionOf(pseudonym);
        if (optedOutOf(output.project, patientOptOuts)) {
          const keys = await this.store.withhold(tx, output.id, pseudonym);
          if (keys.length === 0) continue;
          for (const key of keys) messages.push({ topic: output.dataTopic, partition, key, value: null });
          messages.push(
            await this.notice(
              output,
              pseudonym,
              'REMOVE',
              removalReason(output, patientOptOuts),
              keys.length,
            ),
          );
          outcome.tombstoned += keys.length;
          outcome.notices++;
        } else {
          const rows = await this.store.release(tx, output.id, pseudonym);
          if (rows.length === 0) continue;
          messages.push(await this.notice(output, pseudonym, 'RESTORE', 'OPT_OUT_WITHDRAWN', rows.length));
          for (const row of rows)
            messages.push({
              topic: output.dataTopic,
              partition,
              key: row.rowKey,
              value: output.frame(row.schemaId, row.payload),
            });
          outcome.republished += rows.length;
          outcome.notices++;
        }
      }
    }
    await this.store.enqueue(tx, messages);
    return outcome;
  }

  private async notice(
    output: ProjectOutput,
    pseudonym: string,
    action: SdeNotice['action'],
    reason: SdeNotice['reason'],
    rows: number,
  ): Promise<OutboxMessage> {
    const value = await this.encodeNotice({
      noticeId: randomUUID(),
      project: output.id,
      pseudonym,
      action,
      reason,
      rows,
      issuedAt: this.now().getTime(),
    });
    return { topic: output.noticeTopic, partition: null, key: pseudonym, value };
  }
}

/** The opt-out that removed the rows, as the notice names it: the national one where both apply. */
function removalReason(output: ProjectOutput, standing: ReadonlySet<OptOutKind>): SdeNotice['reason'] {
  if (standing.has('NATIONAL_DATA_OPT_OUT') && output.project.nationalDataOptOut.applies)
    return 'NATIONAL_DATA_OPT_OUT';
  if (standing.has('TYPE_1') && output.project.type1OptOut.applies) return 'TYPE_1_OPT_OUT';
  return 'UNKNOWN';
}
