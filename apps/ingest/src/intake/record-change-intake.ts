import { isRetriable } from '@crosscare/errors';
import {
  completeRecordChange,
  optOutTopic,
  recordChangeTopic,
  type EventType,
  type AnyRecordChangeDraft,
  type RecordChangeEvent,
  type RecordChangeSerde,
} from '@crosscare/events';
import {
  completeOptOut,
  isOptOutDraft,
  type OptOutChanged,
  type Provider,
  type PublishableDraft,
} from '@crosscare/governance';
import { messageBytes } from '@crosscare/kafka';
import type { Message } from 'kafkajs';
import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { conflict, forbidden, tooLarge, unavailable, type IngestError } from '../ingest-error';
import type { IngestOutbox } from '../storage/ingest-outbox';
import { ledgerKey, type LedgerEntry, type SharedRecordLedger } from '../storage/shared-record-ledger';
import { patientsNeeded, standingRefusals } from './patient-standing';
import { ifMatchFailure, VersionRaced, type VersionExpectation } from './record-versioning';

/** The authenticated sender, as the provider directory describes it. */
export type Sender = Pick<Provider, 'odsCode' | 'ics' | 'collaborative' | 'type' | 'status'>;

/** What the intake itself needs of any sender: whose events they are (the policy judges the rest). */
export type IntakeSender = Pick<Sender, 'odsCode' | 'ics' | 'collaborative'>;

/** Why the sender may not publish this draft, or null when it may. */
export type PublishingPolicy<S extends IntakeSender = Sender> = (
  sender: S,
  draft: PublishableDraft,
) => string | null;

export interface PublishedEvent {
  /** The event id, or an opt-out's change id. */
  readonly eventId: string;
  readonly eventType: EventType | 'OptOutChanged';
  readonly sourceRecordId: string;
  readonly sourceRecordVersion: number;
  readonly topic: string;
  /**
   * accepted: kept now, in the transaction that answered, and published exactly once by the relay moments later
   * (docs/ingest.md, "Accepted, then published"); duplicate: this record version was accepted before, nothing new was
   * kept.
   */
  readonly outcome: 'accepted' | 'duplicate';
}

/** The drafts of one inbound item (a resource, a Bundle entry, a message, an extract) and where it was. */
export interface SubmissionUnit {
  /** In the sender's terms, for error messages: `Bundle.entry[3]`, `MSH-10 MSG0001`, `/records/2`. */
  readonly location: string;
  /** Record changes, and opt-outs the input states (a GP practice's type 1 objection). */
  readonly drafts: readonly PublishableDraft[];
  /** For a FHIR resource: its canonical content without meta, kept so that a re-send without a version is known. */
  readonly resourceSha256?: Buffer;
  /** For a version-aware write: the current version it was decided on, checked again under a lock on the record. */
  readonly expects?: VersionExpectation;
}

export type UnitOutcome = { readonly events: PublishedEvent[] } | { readonly error: IngestError };

export interface IntakeOptions {
  readonly topicPrefix: string;
  readonly retryAfterSeconds: number;
  /** Largest event accepted, in bytes (IngestLimits.maxEventBytes). */
  readonly maxEventBytes: number;
}

/**
 * Where opt-outs go: the opt-out topic, each change as the message every writer of that topic sends (libs/opt-outs:
 * key, encoded value, the NHS number's partition, headers).
 */
export interface OptOutOutlet {
  message(change: OptOutChanged): Promise<Message>;
}

/**
 * Where accepted events wait to be published: `refusal` is the 503 to answer while the relay is too far behind (asked
 * before the request's transaction, on a connection of its own), `accepted` tells the relay that a request's events
 * were just committed.
 */
export interface Acceptance {
  refusal(): Promise<IngestError | undefined>;
  accepted(events: number): void;
}

/** A draft completed as its sender: the record-change event, or the opt-out change, it becomes. */
type Completed =
  | { readonly kind: 'record-change'; readonly event: RecordChangeEvent }
  | { readonly kind: 'opt-out'; readonly change: OptOutChanged };

/**
 * From drafts to accepted events: authorise every draft for the sender, complete it into an event as that sender,
 * claim its record version in the ledger, refuse deaths and merges of patients the sender holds no records for
 * (patient-standing.ts), and keep what is new in the outbox, in the one database transaction that claims it. The
 * outbox relay publishes it afterwards, exactly once. Any failure keeps nothing and claims nothing; a commit whose
 * answer is lost leaves the claims, so the sender's retry is answered as a duplicate rather than published again.
 *
 * An opt-out draft (a practice's type 1 objection) goes the same way: the same policy, ledger and idempotency by
 * record version, and the same outbox and relay transaction as the request's record changes, but onto the opt-out
 * topic.
 */
export class RecordChangeIntake<S extends IntakeSender = Sender> {
  constructor(
    private readonly db: DataSource,
    private readonly ledger: SharedRecordLedger,
    private readonly serde: RecordChangeSerde,
    private readonly outbox: IngestOutbox,
    private readonly acceptance: Acceptance,
    private readonly policy: PublishingPolicy<S>,
    private readonly optOuts: OptOutOutlet,
    private readonly options: IntakeOptions,
  ) {}

  /** Seconds a sender is asked to wait before sending again after an outage. */
  get retryAfterSeconds(): number {
    return this.options.retryAfterSeconds;
  }

  /**
   * All or nothing: every unit is published, or the request fails with the first unit's error and nothing is
   * published. For single resources, HL7 messages, social care extracts and FHIR transactions. `alsoInTransaction`
   * is the request's other database work (a FHIR transaction's Medications), done first in the transaction that
   * claims the units' versions: it is kept only if they are published, and its failure publishes nothing.
   */
  async submit(
    sender: S,
    units: readonly SubmissionUnit[],
    correlationId: string,
    alsoInTransaction?: (tx: EntityManager) => Promise<void>,
  ): Promise<PublishedEvent[]> {
    const outcomes = await this.process(sender, units, correlationId, true, alsoInTransaction);
    return outcomes.flatMap((o) => ('events' in o ? o.events : []));
  }

  /**
   * Each unit on its own (a FHIR batch): a unit that may not be published or conflicts with what was shared is
   * reported and left out; the others are accepted together. An outage (the database, the registry, a relay too far
   * behind) still fails the whole request.
   */
  async submitEach(
    sender: S,
    units: readonly SubmissionUnit[],
    correlationId: string,
  ): Promise<UnitOutcome[]> {
    return this.process(sender, units, correlationId, false);
  }

  private async process(
    sender: S,
    units: readonly SubmissionUnit[],
    correlationId: string,
    atomic: boolean,
    alsoInTransaction?: (tx: EntityManager) => Promise<void>,
  ): Promise<UnitOutcome[]> {
    const outcomes: (UnitOutcome | undefined)[] = units.map((unit) => {
      for (const draft of unit.drafts) {
        const reason = this.policy(sender, draft);
        if (!reason) continue;
        const error = forbidden(unit.location, reason);
        if (atomic) throw error;
        return { error };
      }
      return undefined;
    });

    const recordedAt = Date.now();
    const topic = recordChangeTopic(sender.ics, this.options.topicPrefix);
    const optOutsTopic = optOutTopic(this.options.topicPrefix);
    const prepared = units.map((unit, u) =>
      outcomes[u]
        ? []
        : unit.drafts.map((draft) => {
            if (isOptOutDraft(draft)) {
              const change = completeOptOut(draft, {
                providerOdsCode: sender.odsCode,
                correlationId,
                recordedAt,
              });
              const completed: Completed = { kind: 'opt-out', change };
              const entry = optOutLedgerEntry(change, draft, optOutsTopic, unit.resourceSha256);
              return { unit: u, completed, entry };
            }
            const event = completeRecordChange<EventType>(draft, {
              providerOdsCode: sender.odsCode,
              ics: sender.ics,
              collaborative: sender.collaborative,
              correlationId,
              recordedAt,
            });
            const completed: Completed = { kind: 'record-change', event };
            const entry = toLedgerEntry(event, draft, topic, unit.resourceSha256);
            return { unit: u, completed, entry };
          }),
    );
    const all = prepared.flat();

    // Encoding before any database work: a registry outage answers 503 without holding a transaction open.
    const messages = await this.encodeAll(
      all.map((p) => p.completed),
      correlationId,
    );

    // Refused now, not found by the relay: the topic would refuse it after the sender was told it was accepted.
    messages.forEach((message, i) => {
      const u = all[i].unit;
      const bytes = messageBytes(message);
      if (outcomes[u] || bytes <= this.options.maxEventBytes) return;
      const error = tooLarge(
        units[u].location,
        `its ${all[i].completed.kind === 'opt-out' ? 'opt-out' : 'record-change'} event would be ${bytes} bytes, ` +
          `over the limit of ${this.options.maxEventBytes}: send large content (a document's attachment) by reference`,
      );
      if (atomic) throw error;
      outcomes[u] = { error };
    });

    // Asked before the transaction: asked inside, it would wait for a pool connection that requests holding theirs
    // while they wait for the same answer never give back.
    const refusal = await this.acceptance.refusal();
    const claimed = await this.db.transaction(async (tx) => {
      await alsoInTransaction?.(tx);
      await this.checkExpectations(tx, sender, units, outcomes, atomic);
      // Standing for deaths and merges: asked of the ledger before this request's own claims are in it, so that a
      // death cannot vouch for itself; decided below, once conflicts have shown which units will be published.
      const needed = patientsNeeded(units.filter((_, u) => !outcomes[u]));
      const held =
        needed.length > 0 ? await this.ledger.patientsHeld(tx, sender.odsCode, needed) : new Set<string>();
      const unique = firstOfEachKey(all.map((p) => p.entry));
      const claimedNow = await this.ledger.claim(tx, unique);
      const repeats = unique.filter((e) => !claimedNow.has(ledgerKey(e)));
      const existing = await this.ledger.existing(tx, repeats);
      const byKey = new Map(all.map((p) => [ledgerKey(p.entry), p]));
      for (const repeat of repeats) {
        const before = existing.get(ledgerKey(repeat));
        // A removal repeated is the same removal, whenever it was asked for: only other events can conflict.
        if (
          !before ||
          repeat.eventType === 'RecordRemoved' ||
          before.contentSha256.equals(repeat.contentSha256) ||
          sameResource(before.resourceSha256, repeat.resourceSha256)
        )
          continue;
        const u = byKey.get(ledgerKey(repeat))!.unit;
        if (outcomes[u]) continue;
        const error = conflict(
          units[u].location,
          `version ${repeat.sourceRecordVersion} of ${repeat.sourceRecordId} was already shared with different ` +
            'content; a changed record needs a higher version',
        );
        if (atomic) throw error;
        outcomes[u] = { error };
      }
      if (needed.length > 0) {
        const refusals = standingRefusals(
          sender.odsCode,
          units,
          units.map((_, u) => outcomes[u] !== undefined),
          held,
        );
        refusals.forEach((reason, u) => {
          if (reason === null) return;
          const error = forbidden(units[u].location, reason);
          if (atomic) throw error;
          outcomes[u] = { error };
        });
      }
      // Claims of units that failed here roll back with nothing else: a savepoint-free way is to release them.
      const refused = all.filter((p) => outcomes[p.unit] && claimedNow.has(ledgerKey(p.entry)));
      if (refused.length > 0)
        await this.ledger.release(
          tx,
          refused.map((p) => p.entry),
        );
      const isFirst = new Set(unique);
      const toSend = all
        .map((p, i) => ({ ...p, message: messages[i] }))
        .filter((p) => !outcomes[p.unit] && isFirst.has(p.entry) && claimedNow.has(ledgerKey(p.entry)));
      // Refused only when there is something new to keep: a resend of what was accepted is answered as before.
      if (toSend.length > 0 && refusal) throw refusal;
      // In the claims' transaction: a Bundle's record changes and its type 1 objection are kept all or nothing, and
      // published by the relay in one Kafka transaction.
      await this.outbox.append(
        tx,
        toSend.map((p) => ({ topic: p.entry.topic, message: p.message })),
      );
      return new Set(toSend.map((p) => p.entry));
    });
    if (claimed.size > 0) this.acceptance.accepted(claimed.size);

    return units.map((_, u) => {
      const failed = outcomes[u];
      if (failed) return failed;
      return {
        events: prepared[u].map(({ entry }) => ({
          eventId: entry.eventId,
          eventType: entry.eventType as PublishedEvent['eventType'],
          sourceRecordId: entry.sourceRecordId,
          sourceRecordVersion: entry.sourceRecordVersion,
          topic: entry.topic,
          outcome: claimed.has(entry) ? ('accepted' as const) : ('duplicate' as const),
        })),
      };
    });
  }

  /**
   * Version-aware writes (If-Match, or a version Crosscare assigned) rest on the version current when they were
   * decided. Under a lock on each such record, held until this transaction ends, that version must still be current:
   * else an If-Match write is 412, and an assigned version is decided again (VersionRaced, the caller retries).
   */
  private async checkExpectations(
    tx: EntityManager,
    sender: S,
    units: readonly SubmissionUnit[],
    outcomes: (UnitOutcome | undefined)[],
    atomic: boolean,
  ): Promise<void> {
    const expecting = units.flatMap((unit, u) =>
      unit.expects && !outcomes[u] ? [{ u, expects: unit.expects }] : [],
    );
    if (expecting.length === 0) return;
    const ids = expecting.map((e) => e.expects.sourceRecordId);
    await this.ledger.lockRecords(tx, sender.odsCode, ids);
    const current = await this.ledger.currentVersions(tx, sender.odsCode, ids);
    for (const { u, expects } of expecting) {
      const now = current.get(expects.sourceRecordId)?.version ?? null;
      if (now === expects.currentVersion) continue;
      if (expects.ifMatch === undefined) throw new VersionRaced(expects.sourceRecordId);
      const error = ifMatchFailure(expects.sourceRecordId, expects.ifMatch, now, units[u].location)!;
      if (atomic) throw error;
      outcomes[u] = { error };
    }
  }

  /** Each completed draft as the message its topic takes, in the same order. */
  private encodeAll(completed: readonly Completed[], correlationId: string): Promise<Message[]> {
    return this.unavailableOn(
      Promise.all(
        completed.map(async (c): Promise<Message> => {
          if (c.kind === 'opt-out') return this.optOuts.message(c.change);
          const { event } = c;
          return {
            key: event.header.nhsNumber,
            value: await this.serde.encode(event.header.eventType as EventType, event),
            headers: {
              'crosscare-event-type': event.header.eventType,
              'crosscare-event-id': event.header.eventId,
              'crosscare-correlation-id': correlationId,
            },
          };
        }),
      ),
      'the schema registry is unavailable; nothing was published',
    );
  }

  /**
   * An outage of a dependency (SchemaRegistryUnavailableError: what the serde throws as retriable) becomes 503 with
   * Retry-After; any other failure stays what it is.
   */
  private async unavailableOn<T>(work: Promise<T>, message: string): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (isRetriable(error)) throw unavailable(this.options.retryAfterSeconds, message);
      throw error;
    }
  }
}

function toLedgerEntry(
  event: RecordChangeEvent,
  draft: AnyRecordChangeDraft,
  topic: string,
  resourceSha256: Buffer | undefined,
): LedgerEntry {
  const h = event.header;
  return {
    providerOdsCode: h.providerOdsCode,
    sourceRecordId: h.sourceRecordId,
    sourceRecordVersion: h.sourceRecordVersion,
    eventType: h.eventType,
    eventId: h.eventId,
    contentSha256: contentHash(draft),
    nhsNumber: h.nhsNumber,
    topic,
    correlationId: h.correlationId,
    resourceSha256: resourceSha256 ?? null,
  };
}

/** An opt-out's row: the practice's record version, as a record change's, under the event type OptOutChanged. */
function optOutLedgerEntry(
  change: OptOutChanged,
  draft: PublishableDraft,
  topic: string,
  resourceSha256: Buffer | undefined,
): LedgerEntry {
  return {
    providerOdsCode: change.source,
    sourceRecordId: draft.source.sourceRecordId,
    sourceRecordVersion: draft.source.sourceRecordVersion,
    eventType: 'OptOutChanged',
    eventId: change.changeId,
    contentSha256: contentHash(draft),
    nhsNumber: change.nhsNumber,
    topic,
    correlationId: change.correlationId,
    resourceSha256: resourceSha256 ?? null,
  };
}

/**
 * A FHIR resource re-sent under the same version with the same content (meta aside) is the same version, even when
 * what Crosscare made of it differs: its time taken from the receipt, a mapping improved since.
 */
function sameResource(before: Buffer | null, now: Buffer | null | undefined): boolean {
  return before !== null && now != null && before.equals(now);
}

/** A request that carries the same record version twice publishes it once. */
function firstOfEachKey(entries: readonly LedgerEntry[]): LedgerEntry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const key = ledgerKey(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * What the source said about the record version, without what Crosscare adds per request (recordedAt, correlation
 * id) and without the operation: a POST and a PUT of the same version are the same content.
 */
function contentHash(draft: PublishableDraft): Buffer {
  const { operation: _operation, ...source } = draft.source;
  return createHash('sha256')
    .update(JSON.stringify({ t: draft.type, s: source, b: draft.body }))
    .digest();
}
