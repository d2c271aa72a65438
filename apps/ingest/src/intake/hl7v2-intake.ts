import { isDatabaseUnreachable, isRetriable } from '@crosscare/errors';
import {
  buildAck,
  mapHl7v2Message,
  readMessageControl,
  readSecurity,
  type AckOutcome,
} from '@crosscare/hl7v2';
import { careSettingOf, type Provider, type ProviderType } from '@crosscare/governance';
import { withCorrelation } from '@crosscare/logging';
import type { ProviderAdmission } from '../auth/provider-admission';
import { databaseUnavailable, IngestError, rejectedInput } from '../ingest-error';
import type { RecordChangeIntake } from './record-change-intake';

/** An ACK and the HTTP status it travels with (MLLP ignores the status). */
export interface Hl7v2Answer {
  readonly status: number;
  readonly ack: string;
  readonly retryAfterSeconds?: number;
  /** The sender's provider type once authenticated (MLLP's counters label by it); undefined before. */
  readonly providerType?: ProviderType;
  /** The message's correlation id, once its control id is read (the HTTP request's, or `<MSH-4>.<MSH-10>`). */
  readonly correlationId?: string;
}

/**
 * One HL7 v2 message (ADT, or ORU^R01 results), whether it came over HTTP or MLLP: who sent it, may they, is it valid, publish it, and the
 * ACK that says so. Over HTTP the provider authenticated with its API key; over MLLP, which has no headers, the key
 * travels in MSH-8 (Security). Either way MSH-4 (sending facility) must be the authenticated provider.
 */
export class Hl7v2Intake {
  constructor(
    private readonly admission: ProviderAdmission,
    private readonly records: RecordChangeIntake,
  ) {}

  /**
   * `correlationId` is the HTTP request's; over MLLP there is none, and the message's own identity is used instead
   * (`<MSH-4>.<MSH-10>`), so a PAS feed can be traced by the control ids it logs. The answer says which was used.
   */
  async handle(er7: string, correlationId?: string, viaHttp?: Provider): Promise<Hl7v2Answer> {
    // Over MLLP the credential is in MSH-8: who is sending is settled before anything else is looked at, so an
    // unauthenticated sender learns nothing about what Crosscare accepts.
    let provider = viaHttp;
    if (!provider) {
      try {
        provider = await this.admission.admit(readSecurity(er7), 'hl7v2', 'MSH-8');
      } catch (error) {
        const refusal = this.refusalOf(error);
        return this.answer(er7, refusal.status, outcomeOf(refusal), refusal.retryAfterSeconds);
      }
    }
    return { ...(await this.handleFrom(provider, er7, correlationId)), providerType: provider.type };
  }

  private async handleFrom(provider: Provider, er7: string, correlationId?: string): Promise<Hl7v2Answer> {
    const control = readMessageControl(er7);
    if (!control.ok)
      return this.answer(er7, rejectedInput(control.issues).status, {
        kind: 'invalid',
        issues: control.issues,
      });
    const { controlId, sendingFacility } = control.value;

    if (sendingFacility.toUpperCase() !== provider.odsCode)
      return this.answer(er7, 403, {
        kind: 'rejected',
        reason: 'forbidden',
        detail: `MSH-4 names ${sendingFacility}, but the credential belongs to ${provider.odsCode}`,
      });

    const id = correlationId ?? messageCorrelationId(sendingFacility, controlId);
    return withCorrelation(id, async () => ({
      ...(await this.publish(provider, er7, controlId, id)),
      correlationId: id,
    }));
  }

  private async publish(
    provider: Provider,
    er7: string,
    controlId: string,
    id: string,
  ): Promise<Hl7v2Answer> {
    const mapping = mapHl7v2Message(er7, { careSetting: careSettingOf(provider.type) });
    if (!mapping.ok) return this.answer(er7, 422, { kind: 'invalid', issues: mapping.issues });

    try {
      const events = await this.records.submit(
        provider,
        [{ location: `MSH-10 ${controlId}`, drafts: mapping.value.drafts }],
        id,
      );
      return this.answer(er7, 202, { kind: 'accepted', eventIds: events.map((e) => e.eventId) });
    } catch (error) {
      const refusal = this.refusalOf(error);
      return this.answer(er7, refusal.status, outcomeOf(refusal), refusal.retryAfterSeconds);
    }
  }

  /** A refusal to answer with an ACK; the database unreachable is an outage (send again later); anything else throws. */
  private refusalOf(error: unknown): IngestError {
    if (error instanceof IngestError) return error;
    if (isDatabaseUnreachable(error)) return databaseUnavailable(this.records.retryAfterSeconds);
    throw error;
  }

  private answer(er7: string, status: number, outcome: AckOutcome, retryAfterSeconds?: number): Hl7v2Answer {
    return { status, ack: buildAck(er7, outcome), retryAfterSeconds };
  }
}

/** AR for what the sender cannot fix by correcting the message (or must resend later); AE for the content. */
export function outcomeOf(error: IngestError): AckOutcome {
  const detail = error.issues.map((i) => i.message).join('; ');
  if (error.status === 401) return { kind: 'rejected', reason: 'unauthenticated' };
  if (error.status === 403) return { kind: 'rejected', reason: 'forbidden', detail };
  if (error.status === 413) return { kind: 'rejected', reason: 'too-large', detail };
  if (isRetriable(error)) return { kind: 'rejected', reason: 'unavailable', detail };
  if (error.status >= 500) return { kind: 'rejected', reason: 'internal-error' };
  return { kind: 'invalid', issues: error.issues };
}

/** `<sending facility>.<control id>`, in the characters a correlation id allows. */
export function messageCorrelationId(sendingFacility: string, controlId: string): string {
  return `${sendingFacility}.${controlId}`.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 100);
}
