import {
  decideRecordAccess,
  legitimateRelationship,
  nhsNumberProblem,
  normaliseNhsNumber,
  purposeRefusal,
  type AccessDenial,
  type AccessRoles,
  type PurposeOfUse,
} from '@crosscare/governance';
import { bearerTokenOf, type Reader, type TokenCheck } from '@crosscare/identity';
import {
  activeSharingObjection,
  filterRecords,
  holdsItems,
  relationshipEvidence,
  viewSharedRecord,
} from '@crosscare/projection';
import { isKnownPatient, type PatientRecordSet } from '@crosscare/read-model';
import { AccessThrottle } from './access/access-throttle';
import { BREAK_GLASS_HEADER, breakGlassReasonOf } from './access/break-glass';
import { PURPOSE_OF_USE_HEADER, purposeOfUseOf } from './access/purpose-of-use';
import { accessAlertEvent, type AccessAlert, type AccessAlertRaised } from './audit/access-alert';
import {
  recordAccessedEvent,
  type Caller,
  type RecordAccess,
  type RecordAccessed,
  type RecordFormat,
} from './audit/record-accessed';
import { errorAnswer, recordAnswer, type Answer } from './http/answer';
import { requestedFormat } from './http/record-format';
import {
  auditUnavailable,
  forbidden,
  invalidRequest,
  patientNotFound,
  tooManyRequests,
  unauthenticated,
  type RecordApiError,
} from './record-api-error';
import { sharedRecordBundle } from './record/shared-record-bundle';
import { itemsShown, sharedRecordDocument, type RecordAccessSummary } from './record/shared-record-document';

/** One GET /patients/{nhsNumber}/record, as the HTTP edge hands it over. */
export interface RecordReadRequest {
  readonly nhsNumber: string;
  readonly authorization?: string;
  readonly purposeOfUse?: string;
  readonly breakGlassReason?: string;
  /** The `_format` query parameter, as parsed (possibly an array when repeated). */
  readonly formatParameter?: unknown;
  readonly accept?: string;
  readonly correlationId: string;
  readonly clientIp: string;
}

/** Where the audit and the privacy officer's alerts go; each resolves once durably written, rejects when not. */
export interface AccessLog {
  accessed(event: RecordAccessed): Promise<void>;
  alert(event: AccessAlertRaised): Promise<void>;
}

export interface SharedRecordReadsDependencies {
  readonly records: { loadPatient(nhsNumber: string): Promise<PatientRecordSet> };
  readonly log: AccessLog;
  /** Verifies bearer tokens against the trusted issuers (@crosscare/identity's ReaderTokenVerifier). */
  readonly tokens: { verify(token: string): Promise<TokenCheck> };
  readonly roles: AccessRoles;
  /** The provider directory: a reader's organisation must be an ACTIVE organisation in it. */
  readonly organisation: (odsCode: string) => { readonly name: string; readonly status: string } | undefined;
  readonly throttle: AccessThrottle;
  /** Epoch ms. */
  readonly clock: () => number;
  readonly newId: () => string;
  /** Told why a request could not be audited, or an alert not raised (the caller only learns that it could not). */
  readonly onLogFailure: (error: unknown, correlationId: string) => void;
}

/** Everything known of a request so far: what its audit event records whatever the outcome. */
interface Known {
  readonly format: RecordFormat;
  readonly correlationId: string;
  readonly clientIp: string;
  readonly caller: Caller;
  readonly purpose: PurposeOfUse | null;
  readonly requestedNhsNumber: string | null;
  readonly resolvedNhsNumber: string | null;
}

const NOBODY: Caller = { verified: false };

/**
 * Reading one patient's shared record under the access rules (docs/record-access.md): who asks (a token from a
 * trusted issuer, an active organisation, a role Crosscare knows), within their rate, for a purpose their role may
 * declare, with a legitimate relationship with the patient or the glass broken, within the patient's objection, and
 * only the sections their role is granted. Every request is audited before it is answered, refused ones too; a
 * break-glass read is also alerted to the privacy officer, and so are repeated refusals. When the audit (or a
 * break-glass alert) cannot be written, the answer is 503 and carries no record data.
 */
export class SharedRecordReads {
  constructor(private readonly deps: SharedRecordReadsDependencies) {}

  async read(request: RecordReadRequest): Promise<Answer> {
    const negotiated = requestedFormat(request.formatParameter, request.accept);
    // Read first, refused in their turn: every refusal's audit then names the patient and purpose asked for, if valid.
    const nhsNumber = normaliseNhsNumber(request.nhsNumber);
    const purpose = purposeOfUseOf(request.purposeOfUse);
    let known: Known = {
      format: negotiated.ok ? negotiated.format : 'JSON',
      correlationId: request.correlationId,
      clientIp: request.clientIp,
      caller: NOBODY,
      purpose: purpose.ok ? purpose.purpose : null,
      requestedNhsNumber: nhsNumber,
      resolvedNhsNumber: null,
    };
    if (!negotiated.ok)
      return this.deny(known, 'INVALID_REQUEST', invalidRequest('_format', negotiated.reason));

    const addressWait = this.deps.throttle.addressWait(request.clientIp);
    if (addressWait > 0)
      return this.deny(
        known,
        'THROTTLED',
        tooManyRequests(
          addressWait,
          `too many requests with no valid token from this address; retry after ${addressWait} s`,
        ),
      );

    const token = bearerTokenOf(request.authorization);
    if (token === undefined) return this.badToken(known, 'send Authorization: Bearer <token>');
    const verified = await this.deps.tokens.verify(token);
    if (!verified.ok)
      return this.badToken({ ...known, caller: { ...verified.claimed, verified: false } }, verified.reason);
    const reader = verified.reader;
    known = { ...known, caller: callerOf(reader) };

    const organisation = this.deps.organisation(reader.organisationOdsCode);
    if (organisation?.status !== 'ACTIVE')
      return this.deny(
        known,
        'UNKNOWN_ORGANISATION',
        forbidden(
          'Authorization',
          `organisation ${reader.organisationOdsCode} is not ${organisation ? 'active' : 'known'} in the provider directory`,
        ),
      );
    const role = this.deps.roles.role(reader.role);
    if (!role)
      return this.deny(
        known,
        'UNKNOWN_ROLE',
        forbidden('Authorization', `role "${reader.role}" is not one Crosscare grants access to records`),
      );

    const throttled = this.deps.throttle.take(userKeyOf(reader), reader.organisationOdsCode);
    if (throttled)
      return this.deny(
        known,
        'THROTTLED',
        tooManyRequests(
          throttled.wait,
          `${throttled.whose === 'user' ? 'you have' : `organisation ${reader.organisationOdsCode} has`} made too ` +
            `many requests; retry after ${throttled.wait} s`,
        ),
      );

    if (!purpose.ok)
      return this.deny(
        known,
        'INVALID_REQUEST',
        invalidRequest(PURPOSE_OF_USE_HEADER, purpose.reason, 'required'),
      );
    const purposeProblem = purposeRefusal(role, purpose.purpose);
    if (purposeProblem)
      return this.deny(known, 'PURPOSE_NOT_PERMITTED', forbidden(PURPOSE_OF_USE_HEADER, purposeProblem));
    const breakGlass = breakGlassReasonOf(request.breakGlassReason, purpose.purpose);
    if (!breakGlass.ok)
      return this.deny(known, 'INVALID_REQUEST', invalidRequest(BREAK_GLASS_HEADER, breakGlass.problem));

    if (nhsNumber === null)
      return this.deny(
        known,
        'INVALID_REQUEST',
        invalidRequest('nhsNumber', nhsNumberProblem(request.nhsNumber)),
      );

    const now = this.deps.clock();
    const set = await this.deps.records.loadPatient(nhsNumber);
    const relationship = legitimateRelationship(
      reader.organisationOdsCode,
      relationshipEvidence(set.records, now),
    );
    const objection = activeSharingObjection(set.records) !== null;
    const decision = decideRecordAccess({
      role,
      purpose: purpose.purpose,
      relationship,
      objection,
      breakGlassReason: breakGlass.reason,
      readerHoldsItems: holdsItems(set.records, reader.organisationOdsCode),
    });
    if (!decision.allowed)
      return this.deny(
        isKnownPatient(set) ? { ...known, resolvedNhsNumber: set.nhsNumber } : known,
        decision.denial,
        forbidden('nhsNumber', decision.reason),
        { relationship: relationship ?? 'NONE' },
      );

    const auditId = this.deps.newId();
    const outcome = decision.breakGlass ? 'BREAK_GLASS' : 'RETURNED';
    const granted: Partial<RecordAccess> = {
      relationship: relationship ?? 'NONE',
      breakGlassReason: decision.breakGlass ? (breakGlass.reason ?? undefined) : undefined,
      objectionApplied: decision.ownItemsOnly,
      sectionsWithheld: decision.sectionsWithheld,
    };
    if (decision.breakGlass) {
      // The alert before anything is served: a break-glass read the privacy officer cannot see must not happen.
      const alerted = await this.alert({
        kind: 'BREAK_GLASS',
        caller: known.caller,
        clientIp: known.clientIp,
        nhsNumber,
        reason: breakGlass.reason ?? '',
        auditId,
        correlationId: known.correlationId,
      });
      if (!alerted) return this.answerError(known, auditUnavailable());
    }

    if (!isKnownPatient(set)) {
      // Only a break-glass read gets here: without one, an unknown patient is refused as no relationship.
      const audited = await this.audit(
        { ...this.access({ ...known, resolvedNhsNumber: set.nhsNumber }), outcome: 'NOT_FOUND', ...granted },
        auditId,
      );
      return audited
        ? this.answerError(known, patientNotFound(nhsNumber))
        : this.answerError(known, auditUnavailable());
    }

    known = { ...known, resolvedNhsNumber: set.nhsNumber };
    const visible: PatientRecordSet = {
      ...set,
      records: filterRecords(set.records, {
        sections: decision.sections,
        ownItemsOf: decision.ownItemsOnly ? reader.organisationOdsCode : undefined,
      }),
    };
    const summary: RecordAccessSummary = {
      role: role.key,
      purposeOfUse: purpose.purpose,
      relationship,
      breakGlass: decision.breakGlass,
      objectionApplied: decision.ownItemsOnly,
      sectionsWithheld: [...decision.sectionsWithheld],
    };
    const shown = this.render(visible, known.format, decision.includeRestricted, summary, auditId, now);
    const audited = await this.audit(
      {
        ...this.access(known),
        outcome,
        ...granted,
        sources: set.sources,
        itemCount: shown.itemCount,
        restrictedWithheld: shown.restrictedWithheld,
      },
      auditId,
    );
    return audited ? recordAnswer(known.format, shown.body) : this.answerError(known, auditUnavailable());
  }

  private render(
    set: PatientRecordSet,
    format: RecordFormat,
    includeRestricted: boolean,
    access: RecordAccessSummary,
    auditId: string,
    now: number,
  ): { body: unknown; itemCount: number; restrictedWithheld: number } {
    const providerName = (odsCode: string) => this.deps.organisation(odsCode)?.name;
    const view = viewSharedRecord(set.records, { now, includeRestricted, providerName });
    if (format === 'FHIR') {
      const rendered = sharedRecordBundle(set, view, {
        bundleId: auditId,
        now,
        includeRestricted,
        providerName,
        access,
      });
      return {
        body: rendered.bundle,
        itemCount: rendered.itemCount,
        restrictedWithheld: rendered.restrictedWithheld,
      };
    }
    return {
      body: sharedRecordDocument(set, view, access),
      itemCount: itemsShown(view),
      restrictedWithheld: view.socialCare.restrictedWithheld,
    };
  }

  /** A request refused before its token could be believed: counted against its address too. */
  private badToken(known: Known, reason: string): Promise<Answer> {
    this.deps.throttle.badToken(known.clientIp);
    return this.deny(known, 'BAD_TOKEN', unauthenticated(reason));
  }

  /**
   * Audits a refusal, then answers it; counts it against the user and address, and raises the alert that makes
   * due. The alert is best effort: the request is refused whether or not it could be raised.
   */
  private async deny(
    known: Known,
    denial: AccessDenial,
    error: RecordApiError,
    extra: Partial<RecordAccess> = {},
  ): Promise<Answer> {
    const auditId = this.deps.newId();
    const audited = await this.audit(
      { ...this.access(known), outcome: 'DENIED', denial, reason: error.message, ...extra },
      auditId,
    );
    // Only a verified user is counted as one: a forged token could otherwise name someone else and raise alerts on them.
    const userKey =
      known.caller.verified && known.caller.userId !== undefined
        ? `${known.caller.issuer ?? ''}|${known.caller.userId}`
        : null;
    const due = this.deps.throttle.refused(userKey, known.clientIp);
    const byUser = due.byUser;
    const alert = byUser ?? due.byAddress;
    if (alert)
      await this.alert({
        kind: 'REPEATED_REFUSALS',
        caller: byUser ? known.caller : null,
        clientIp: known.clientIp,
        reason: error.message,
        refusals: alert.refusals,
        windowMs: alert.windowMs,
        auditId,
        correlationId: known.correlationId,
      });
    return audited ? this.answerError(known, error) : this.answerError(known, auditUnavailable());
  }

  private access(known: Known): Omit<RecordAccess, 'outcome'> {
    return {
      caller: known.caller,
      purpose: known.purpose,
      requestedNhsNumber: known.requestedNhsNumber,
      resolvedNhsNumber: known.resolvedNhsNumber,
      format: known.format,
      correlationId: known.correlationId,
      clientIp: known.clientIp,
    };
  }

  private answerError(known: Known, error: RecordApiError): Answer {
    return errorAnswer(error, known.format, known.correlationId);
  }

  /** Whether the request's audit event was written. */
  private async audit(access: RecordAccess, auditId: string): Promise<boolean> {
    try {
      await this.deps.log.accessed(recordAccessedEvent(access, { auditId, occurredAt: this.deps.clock() }));
      return true;
    } catch (error) {
      this.deps.onLogFailure(error, access.correlationId);
      return false;
    }
  }

  /** Whether the alert was written. */
  private async alert(alert: AccessAlert): Promise<boolean> {
    try {
      const event = accessAlertEvent(alert, { alertId: this.deps.newId(), raisedAt: this.deps.clock() });
      await this.deps.log.alert(event);
      return true;
    } catch (error) {
      this.deps.onLogFailure(error, alert.correlationId);
      return false;
    }
  }
}

function callerOf(reader: Reader): Caller {
  return {
    userId: reader.userId,
    name: reader.name,
    role: reader.role,
    organisationOdsCode: reader.organisationOdsCode,
    issuer: reader.issuer,
    verified: true,
  };
}

/** A user is one person at one issuer: two issuers may use the same sub for different people. */
function userKeyOf(reader: Reader): string {
  return `${reader.issuer}|${reader.userId}`;
}
