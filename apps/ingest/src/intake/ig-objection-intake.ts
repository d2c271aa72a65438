import { MILLIS_PER_DAY, type RecordChangeDraft } from '@crosscare/events';
import { isValidNhsNumber, type Ics } from '@crosscare/governance';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { SharedRecordLedger } from '../storage/shared-record-ledger';
import type {
  IntakeSender,
  PublishedEvent,
  PublishingPolicy,
  RecordChangeIntake,
} from './record-change-intake';

/*
 * A collaborative's information governance (IG) team records a patient's objection to sharing, or its withdrawal,
 * when the patient asks them rather than their GP practice (npm run objections). It publishes as the ICS's
 * integrated care board, whose ODS code is the ICS's code. The ICB is no provider in the directory and has no
 * provider type, so it is a sender of its own kind with a policy of its own that allows exactly one event type:
 * the provider policy stays as it is, and no provider gains a right by this path existing.
 */

/** An ICB's IG team as the intake's sender: its ODS code is its ICS's code. */
export interface IcbSender extends IntakeSender {
  readonly kind: 'ICB_INFORMATION_GOVERNANCE';
}

export function icbSenderOf(ics: Ics): IcbSender {
  return {
    kind: 'ICB_INFORMATION_GOVERNANCE',
    odsCode: ics.code,
    ics: ics.code,
    collaborative: ics.collaborative,
  };
}

/** An ICB's IG team may publish a patient's objection to sharing, and nothing else. */
export const icbObjectionPolicy: PublishingPolicy<IcbSender> = (sender, draft) =>
  draft.type === 'SharingObjectionRecorded'
    ? null
    : `${sender.odsCode}'s information governance team may publish only SharingObjectionRecorded, not ${draft.type}`;

/** The one objection record an ICB keeps per patient: a withdrawal is its next version. */
export const igObjectionSourceRecordId = (nhsNumber: string): string => `ig-objection-${nhsNumber}`;

export interface IgObjectionRequest {
  readonly action: 'record' | 'withdraw';
  readonly nhsNumber: string;
  /** The IG team's case reference; never a person's name. */
  readonly reference: string;
  /** Epoch days: the day the patient stated it. */
  readonly statedOn: number;
}

export interface IgObjectionOutcome {
  readonly sourceRecordId: string;
  readonly event: PublishedEvent;
}

/** An IG case reference: short, printable, no spaces, so that a person's name is unlikely to pass as one. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$/;

/** Why the request cannot be recorded, or null. Pure, so the CLI reports every problem before connecting. */
export function igObjectionProblem(request: IgObjectionRequest, today: number): string | null {
  if (!isValidNhsNumber(request.nhsNumber))
    return `--nhs-number ${request.nhsNumber} is not a valid NHS number (10 digits, modulus 11 check digit)`;
  if (!REFERENCE.test(request.reference))
    return '--reference must be the IG case reference: 1 to 64 letters, digits, / . _ or -, no spaces';
  if (request.statedOn > today) return '--stated-on is in the future';
  return null;
}

/**
 * Records or withdraws an ICB's objection for one patient through ingest's own intake (ledger, one Kafka
 * transaction, idempotent by version): the version is the one after the ledger's latest for the patient's record.
 * A withdrawal needs an objection this ICB recorded. Two runs for one patient at once may compute the same version;
 * the ledger then refuses the second as a conflict, and running it again takes the next version.
 */
export async function publishIgObjection(
  deps: {
    readonly db: DataSource;
    readonly ledger: SharedRecordLedger;
    readonly intake: RecordChangeIntake<IcbSender>;
  },
  icb: IcbSender,
  request: IgObjectionRequest,
  now: number = Date.now(),
): Promise<IgObjectionOutcome> {
  const problem = igObjectionProblem(request, Math.floor(now / MILLIS_PER_DAY));
  if (problem) throw new Error(problem);
  const sourceRecordId = igObjectionSourceRecordId(request.nhsNumber);
  const latest = await deps.ledger.latest(deps.db.manager, icb.odsCode, sourceRecordId);
  if (request.action === 'withdraw' && latest === undefined)
    throw new Error(
      `${icb.odsCode} has recorded no objection for ${request.nhsNumber}: there is nothing to withdraw`,
    );
  const version = (latest?.version ?? 0) + 1;
  const draft: RecordChangeDraft<'SharingObjectionRecorded'> = {
    type: 'SharingObjectionRecorded',
    source: {
      nhsNumber: request.nhsNumber,
      sourceRecordId,
      sourceRecordVersion: version,
      operation: version === 1 ? 'CREATE' : 'UPDATE',
      occurredAt: now,
    },
    body: {
      status: request.action === 'record' ? 'ACTIVE' : 'WITHDRAWN',
      code: null,
      recordedBy: request.reference,
      statedOn: request.statedOn,
    },
  };
  const [event] = await deps.intake.submit(
    icb,
    [{ location: `${request.action} ${request.nhsNumber}`, drafts: [draft] }],
    `ig-objection-${randomUUID()}`,
  );
  return { sourceRecordId, event };
}
