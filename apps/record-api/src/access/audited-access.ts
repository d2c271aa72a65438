import {
  purposeRefusal,
  type AccessDenial,
  type AccessRole,
  type AccessRoles,
  type PurposeOfUse,
  type RecordAccessDecision,
  type Relationship,
} from '@crosscare/governance';
import { bearerTokenOf, type Reader, type TokenCheck } from '@crosscare/identity';
import { accessAlertEvent, type AccessAlert, type AccessAlertRaised } from '../audit/access-alert';
import {
  recordAccessedEvent,
  type Caller,
  type RecordAccess,
  type RecordAccessed,
  type RecordFormat,
  type RecordSearched,
} from '../audit/record-accessed';
import { errorAnswer, type Answer } from '../http/answer';
import {
  auditUnavailable,
  forbidden,
  invalidRequest,
  patientNotFound,
  tooManyRequests,
  unauthenticated,
  type RecordApiError,
} from '../record-api-error';
import type { RecordAccessSummary } from '../record/shared-record-document';
import type { AccessThrottle } from './access-throttle';
import { BREAK_GLASS_HEADER, breakGlassReasonOf } from './break-glass';
import { PURPOSE_OF_USE_HEADER, purposeOfUseOf } from './purpose-of-use';

/** What every request carries that says who asks and why: the checks before any patient's data is looked at. */
export interface AccessRequest {
  readonly authorization?: string;
  readonly purposeOfUse?: string;
  readonly breakGlassReason?: string;
  readonly clientIp: string;
}

/** A request of a record route as the HTTP edge hands it over: who asks and why, the format asked for, its id. */
export interface RouteRequest extends AccessRequest {
  /** The `_format` query parameter, as parsed (possibly an array when repeated). */
  readonly formatParameter?: unknown;
  readonly accept?: string;
  readonly correlationId: string;
}

/** Where the audit and the privacy officer's alerts go; each resolves once durably written, rejects when not. */
export interface AccessLog {
  accessed(event: RecordAccessed): Promise<void>;
  alert(event: AccessAlertRaised): Promise<void>;
}

/** What deciding, auditing and alerting a request needs. */
export interface AccessDependencies {
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
export interface Known {
  readonly format: RecordFormat;
  readonly correlationId: string;
  readonly clientIp: string;
  readonly caller: Caller;
  readonly purpose: PurposeOfUse | null;
  readonly requestedNhsNumber: string | null;
  readonly resolvedNhsNumber: string | null;
  /** Set when the request is a search of the patient's history. */
  readonly search?: RecordSearched;
}

export const NOBODY: Caller = { verified: false };

/**
 * What a request's audit knows before anyone is identified: the format, the patient and purpose asked for (when
 * readable; read first and refused in their turn, so that every refusal's audit names them), and how to reach it.
 */
export function askedIn(
  request: AccessRequest & { readonly correlationId: string },
  format: RecordFormat,
  nhsNumber: string | null,
  search?: RecordSearched,
): Known {
  const purpose = purposeOfUseOf(request.purposeOfUse);
  return {
    format,
    correlationId: request.correlationId,
    clientIp: request.clientIp,
    caller: NOBODY,
    purpose: purpose.ok ? purpose.purpose : null,
    requestedNhsNumber: nhsNumber,
    resolvedNhsNumber: null,
    ...(search ? { search } : {}),
  };
}

/**
 * The access rules' machinery every request of the record API goes through, reads and searches alike
 * (docs/record-access.md): the checks before any patient's data is looked at, the grant (with its break-glass alert),
 * and the audit of every answer, refusals included, written before it is sent; repeated refusals are alerted.
 */
export class AuditedAccess {
  constructor(private readonly deps: AccessDependencies) {}

  /**
   * What a granted request is audited with, under a fresh audit id; for a break-glass request, after its alert is
   * written: a break-glass read the privacy officer cannot see must not happen. Undefined when the alert could not be.
   */
  async grant(
    known: Known,
    nhsNumber: string,
    decision: GrantedDecision,
    relationship: Relationship | null,
    breakGlassReason: string | null,
  ): Promise<Grant | undefined> {
    const auditId = this.deps.newId();
    if (decision.breakGlass) {
      const alerted = await this.alert({
        kind: 'BREAK_GLASS',
        caller: known.caller,
        clientIp: known.clientIp,
        nhsNumber,
        reason: breakGlassReason ?? '',
        auditId,
        correlationId: known.correlationId,
      });
      if (!alerted) return undefined;
    }
    return {
      auditId,
      outcome: decision.breakGlass ? 'BREAK_GLASS' : 'RETURNED',
      granted: {
        relationship: relationship ?? 'NONE',
        breakGlassReason: decision.breakGlass ? (breakGlassReason ?? undefined) : undefined,
        objectionApplied: decision.ownItemsOnly,
        sectionsWithheld: decision.sectionsWithheld,
      },
    };
  }

  /** A break-glass request for a patient Crosscare holds nothing of: audited as such, then 404. */
  async notFound(known: Known, nhsNumber: string, grant: Grant): Promise<Answer> {
    const audited = await this.audit(
      { ...this.accessOf(known), outcome: 'NOT_FOUND', ...grant.granted },
      grant.auditId,
    );
    return this.answerError(known, audited ? patientNotFound(nhsNumber) : auditUnavailable());
  }

  /**
   * The checks every request passes before any patient's data is looked at, in order: the address's rate, the token,
   * the organisation, the role, the user's and organisation's rate, the purpose of use and a break-glass reason. A
   * refusal is audited and answered here.
   */
  async authorise(
    request: AccessRequest,
    asked: Known,
  ): Promise<
    | { readonly ok: false; readonly answer: Answer }
    | {
        readonly ok: true;
        readonly known: Known;
        readonly reader: Reader;
        readonly role: AccessRole;
        readonly purpose: PurposeOfUse;
        readonly breakGlassReason: string | null;
      }
  > {
    let known = asked;
    const refused = async (answer: Promise<Answer>) => ({ ok: false as const, answer: await answer });
    const purpose = purposeOfUseOf(request.purposeOfUse);
    const addressWait = this.deps.throttle.addressWait(request.clientIp);
    if (addressWait > 0)
      return refused(
        this.deny(
          known,
          'THROTTLED',
          tooManyRequests(
            addressWait,
            `too many requests with no valid token from this address; retry after ${addressWait} s`,
          ),
        ),
      );

    const token = bearerTokenOf(request.authorization);
    if (token === undefined) return refused(this.badToken(known, 'send Authorization: Bearer <token>'));
    const verified = await this.deps.tokens.verify(token);
    if (!verified.ok)
      return refused(
        this.badToken({ ...known, caller: { ...verified.claimed, verified: false } }, verified.reason),
      );
    const reader = verified.reader;
    known = { ...known, caller: callerOf(reader) };

    const organisation = this.deps.organisation(reader.organisationOdsCode);
    if (organisation?.status !== 'ACTIVE')
      return refused(
        this.deny(
          known,
          'UNKNOWN_ORGANISATION',
          forbidden(
            'Authorization',
            `organisation ${reader.organisationOdsCode} is not ${organisation ? 'active' : 'known'} in the provider directory`,
          ),
        ),
      );
    const role = this.deps.roles.role(reader.role);
    if (!role)
      return refused(
        this.deny(
          known,
          'UNKNOWN_ROLE',
          forbidden('Authorization', `role "${reader.role}" is not one Crosscare grants access to records`),
        ),
      );

    const throttled = this.deps.throttle.take(userKeyOf(reader), reader.organisationOdsCode);
    if (throttled)
      return refused(
        this.deny(
          known,
          'THROTTLED',
          tooManyRequests(
            throttled.wait,
            `${throttled.whose === 'user' ? 'you have' : `organisation ${reader.organisationOdsCode} has`} made too ` +
              `many requests; retry after ${throttled.wait} s`,
          ),
        ),
      );

    if (!purpose.ok)
      return refused(
        this.deny(
          known,
          'INVALID_REQUEST',
          invalidRequest(PURPOSE_OF_USE_HEADER, purpose.reason, 'required'),
        ),
      );
    const purposeProblem = purposeRefusal(role, purpose.purpose);
    if (purposeProblem)
      return refused(
        this.deny(known, 'PURPOSE_NOT_PERMITTED', forbidden(PURPOSE_OF_USE_HEADER, purposeProblem)),
      );
    const breakGlass = breakGlassReasonOf(request.breakGlassReason, purpose.purpose);
    if (!breakGlass.ok)
      return refused(
        this.deny(known, 'INVALID_REQUEST', invalidRequest(BREAK_GLASS_HEADER, breakGlass.problem)),
      );
    return { ok: true, known, reader, role, purpose: purpose.purpose, breakGlassReason: breakGlass.reason };
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
  async deny(
    known: Known,
    denial: AccessDenial,
    error: RecordApiError,
    extra: Partial<RecordAccess> = {},
  ): Promise<Answer> {
    const auditId = this.deps.newId();
    const audited = await this.audit(
      { ...this.accessOf(known), outcome: 'DENIED', denial, reason: error.message, ...extra },
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

  accessOf(known: Known): Omit<RecordAccess, 'outcome'> {
    return {
      caller: known.caller,
      purpose: known.purpose,
      requestedNhsNumber: known.requestedNhsNumber,
      resolvedNhsNumber: known.resolvedNhsNumber,
      format: known.format,
      correlationId: known.correlationId,
      clientIp: known.clientIp,
      ...(known.search ? { search: known.search } : {}),
    };
  }

  answerError(known: Known, error: RecordApiError): Answer {
    return errorAnswer(error, known.format, known.correlationId);
  }

  /** Whether the request's audit event was written. */
  async audit(access: RecordAccess, auditId: string): Promise<boolean> {
    try {
      await this.deps.log.accessed(recordAccessedEvent(access, { auditId, occurredAt: this.deps.clock() }));
      return true;
    } catch (error) {
      this.deps.onLogFailure(error, access.correlationId);
      return false;
    }
  }

  /** Whether the alert was written. */
  async alert(alert: AccessAlert): Promise<boolean> {
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

export type GrantedDecision = Extract<RecordAccessDecision, { readonly allowed: true }>;

/** A granted request's audit id, outcome and what its audit event records of the grant. */
export interface Grant {
  readonly auditId: string;
  readonly outcome: 'RETURNED' | 'BREAK_GLASS';
  readonly granted: Partial<RecordAccess>;
}

/** Under which rules an answer is given, as the answer itself says (its `access`). */
export function accessSummary(
  role: string,
  purposeOfUse: PurposeOfUse,
  relationship: Relationship | null,
  decision: GrantedDecision,
): RecordAccessSummary {
  return {
    role,
    purposeOfUse,
    relationship,
    breakGlass: decision.breakGlass,
    objectionApplied: decision.ownItemsOnly,
    sectionsWithheld: [...decision.sectionsWithheld],
  };
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
