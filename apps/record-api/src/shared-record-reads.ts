import {
  decideRecordAccess,
  legitimateRelationship,
  nhsNumberProblem,
  normaliseNhsNumber,
  purposeRefusal,
  type AccessDenial,
  type AccessRole,
  type AccessRoles,
  type PurposeOfUse,
  type RecordAccessDecision,
  type RecordSection,
  type Relationship,
} from '@crosscare/governance';
import { isSearchedSection, SEARCHED_SECTIONS, type SearchableResourceType } from '@crosscare/fhir';
import { bearerTokenOf, type Reader, type TokenCheck } from '@crosscare/identity';
import {
  activeSharingObjection,
  filterRecords,
  holdsItems,
  relationshipEvidence,
  shortenedSections,
  viewSharedRecord,
} from '@crosscare/projection';
import { isKnownPatient, type PatientRecordSet, type ReadModelReader } from '@crosscare/read-model';
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
  type RecordSearched,
} from './audit/record-accessed';
import { errorAnswer, recordAnswer, type Answer } from './http/answer';
import { fhirRouteFormat, requestedFormat } from './http/record-format';
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
import { historyLinks, historySearchBundle, historySearchDocument } from './search/history-answer';
import {
  parseFhirSearch,
  parseSectionSearch,
  type RecordSearch,
  type SearchProblem,
} from './search/search-parameters';
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

/** One search of a patient's history, as the HTTP edge hands it over. */
export interface HistorySearchRequest {
  /** GET /fhir/{resourceType}, or GET /patients/{nhsNumber}/record with search parameters. */
  readonly route:
    | { readonly kind: 'FHIR'; readonly resourceType: string }
    | { readonly kind: 'SECTION'; readonly nhsNumber: string };
  /** The query string as parsed. */
  readonly query: Record<string, unknown>;
  readonly authorization?: string;
  readonly purposeOfUse?: string;
  readonly breakGlassReason?: string;
  readonly formatParameter?: unknown;
  readonly accept?: string;
  readonly correlationId: string;
  readonly clientIp: string;
}

/** What every request carries that says who asks and why: the checks before any patient's data is looked at. */
type AccessRequest = Pick<
  RecordReadRequest,
  'authorization' | 'purposeOfUse' | 'breakGlassReason' | 'clientIp'
>;

/** Where the audit and the privacy officer's alerts go; each resolves once durably written, rejects when not. */
export interface AccessLog {
  accessed(event: RecordAccessed): Promise<void>;
  alert(event: AccessAlertRaised): Promise<void>;
}

export interface SharedRecordReadsDependencies {
  readonly records: { loadPatient(nhsNumber: string): Promise<PatientRecordSet> };
  /** Searches of one patient's history (@crosscare/read-model's ReadModelReader). */
  readonly history: Pick<ReadModelReader, 'searchHistory'>;
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
  /** Where links to the rest of a shortened section start (RECORD_API_PUBLIC_URL); '' for relative links. */
  readonly linkBase?: string;
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
  /** Set when the request is a search of the patient's history. */
  readonly search?: RecordSearched;
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

    const authorised = await this.authorise(request, known);
    if (!authorised.ok) return authorised.answer;
    known = authorised.known;
    const { reader, role } = authorised;
    const breakGlass = { reason: authorised.breakGlassReason };

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
      purpose: authorised.purpose,
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
      purposeOfUse: authorised.purpose,
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

  /**
   * A search of one patient's history (docs/record-api.md): FHIR search on GET /fhir/{type}, or a section of the
   * JSON record route. The same rules as a read decide it, and one more: the resource's section must be granted to
   * the role (a refusal, not an empty page, so a reader never takes "not shown" for "none recorded"). Every search is
   * audited like a read, with its query and how many resources matched and were returned.
   */
  async search(request: HistorySearchRequest): Promise<Answer> {
    const { route } = request;
    const negotiated =
      route.kind === 'FHIR'
        ? fhirRouteFormat(request.formatParameter)
        : requestedFormat(request.formatParameter, request.accept);
    const parsed =
      route.kind === 'FHIR'
        ? parseFhirSearch(route.resourceType, request.query)
        : parseSectionSearch(route.nhsNumber, request.query);
    const askedNumber = parsed.ok
      ? parsed.search.nhsNumber
      : route.kind === 'SECTION'
        ? route.nhsNumber
        : null;
    const nhsNumber = askedNumber === null ? null : normaliseNhsNumber(askedNumber);
    const purpose = purposeOfUseOf(request.purposeOfUse);
    let known: Known = {
      format: negotiated.ok ? negotiated.format : 'FHIR',
      correlationId: request.correlationId,
      clientIp: request.clientIp,
      caller: NOBODY,
      purpose: purpose.ok ? purpose.purpose : null,
      requestedNhsNumber: nhsNumber,
      resolvedNhsNumber: null,
      search: parsed.ok
        ? searchedOf(parsed.search, 0, 0)
        : {
            resourceType: askedResourceType(route, request.query),
            query: rawQuery(request.query),
            continued: false,
            total: 0,
            returned: 0,
          },
    };
    if (!negotiated.ok)
      return this.deny(known, 'INVALID_REQUEST', invalidRequest('_format', negotiated.reason));

    const authorised = await this.authorise(request, known);
    if (!authorised.ok) return authorised.answer;
    known = authorised.known;
    const { reader, role } = authorised;
    if (!parsed.ok) return this.deny(known, 'INVALID_REQUEST', searchRefusal(parsed.problem));
    const search = parsed.search;
    if (nhsNumber === null)
      return this.deny(
        known,
        'INVALID_REQUEST',
        invalidRequest(
          route.kind === 'FHIR' ? 'patient.identifier' : 'nhsNumber',
          nhsNumberProblem(search.nhsNumber),
        ),
      );

    const section = SECTION_OF_RESOURCE[search.resourceType];
    const organisation = reader.organisationOdsCode;
    const now = this.deps.clock();
    // What the snapshot's callback decided (an object: a closure's assignments to locals escape TypeScript's flow).
    const decided: { decision?: RecordAccessDecision; relationship: Relationship | null } = {
      relationship: null,
    };
    const { patient, page } = await this.deps.history.searchHistory(nhsNumber, (found) => {
      const evidence = relationshipEvidence(found.set.records, now);
      const relationship = legitimateRelationship(organisation, {
        ...evidence,
        careProviders: new Set([...evidence.careProviders, ...found.providers]),
      });
      const decision = decideRecordAccess({
        role,
        purpose: authorised.purpose,
        relationship,
        objection: activeSharingObjection(found.set.records) !== null,
        breakGlassReason: authorised.breakGlassReason,
        readerHoldsItems: found.providers.has(organisation),
      });
      decided.decision = decision;
      decided.relationship = relationship;
      if (!decision.allowed || !decision.sections.includes(section) || !isKnownPatient(found.set))
        return null;
      return {
        resourceType: search.resourceType,
        codes: search.codes,
        dates: search.dates,
        statuses: search.statuses,
        ownItemsOf: decision.ownItemsOnly ? organisation : null,
        sort: search.sort,
        after: search.cursor,
        count: search.summaryCount ? 0 : search.count,
      };
    });
    const set = patient.set;
    const resolved = isKnownPatient(set) ? { ...known, resolvedNhsNumber: set.nhsNumber } : known;
    const { relationship } = decided;
    const granted = decided.decision;
    if (granted === undefined || !granted.allowed)
      return this.deny(
        resolved,
        granted?.denial ?? 'NO_RELATIONSHIP',
        forbidden(route.kind === 'FHIR' ? 'patient.identifier' : 'nhsNumber', granted?.reason ?? 'refused'),
        { relationship: relationship ?? 'NONE' },
      );
    if (!granted.sections.includes(section))
      return this.deny(
        resolved,
        'SECTION_NOT_GRANTED',
        forbidden(
          route.kind === 'FHIR' ? search.resourceType : 'section',
          `the ${role.key} role is not granted ${section}, so ${search.resourceType} cannot be searched; ` +
            'ask a clinician in your organisation if it is needed for care',
        ),
        { relationship: relationship ?? 'NONE' },
      );

    const auditId = this.deps.newId();
    const grantedAccess: Partial<RecordAccess> = {
      relationship: relationship ?? 'NONE',
      breakGlassReason: granted.breakGlass ? (authorised.breakGlassReason ?? undefined) : undefined,
      objectionApplied: granted.ownItemsOnly,
      sectionsWithheld: granted.sectionsWithheld,
    };
    if (granted.breakGlass) {
      const alerted = await this.alert({
        kind: 'BREAK_GLASS',
        caller: known.caller,
        clientIp: known.clientIp,
        nhsNumber,
        reason: authorised.breakGlassReason ?? '',
        auditId,
        correlationId: known.correlationId,
      });
      if (!alerted) return this.answerError(known, auditUnavailable());
    }
    const outcome = granted.breakGlass ? 'BREAK_GLASS' : 'RETURNED';
    if (page === null) {
      // Only a break-glass search gets here: without one, an unknown patient is refused as no relationship.
      const audited = await this.audit(
        { ...this.access(resolved), outcome: 'NOT_FOUND', ...grantedAccess },
        auditId,
      );
      return this.answerError(known, audited ? patientNotFound(nhsNumber) : auditUnavailable());
    }

    const summary: RecordAccessSummary = {
      role: role.key,
      purposeOfUse: authorised.purpose,
      relationship,
      breakGlass: granted.breakGlass,
      objectionApplied: granted.ownItemsOnly,
      sectionsWithheld: [...granted.sectionsWithheld],
    };
    const links = historyLinks(this.deps.linkBase ?? '', route, set.nhsNumber, search, page);
    const providerName = (odsCode: string) => this.deps.organisation(odsCode)?.name;
    const answer = {
      search,
      page,
      set,
      access: summary,
      links,
      providerName,
      bundleId: auditId,
      now,
    };
    const body = known.format === 'FHIR' ? historySearchBundle(answer) : historySearchDocument(answer);
    const audited = await this.audit(
      {
        ...this.access({ ...resolved, search: searchedOf(search, page.total, page.resources.length) }),
        outcome,
        ...grantedAccess,
        sources: set.sources,
        itemCount: page.resources.reduce((n, found) => n + found.items.length, 0),
      },
      auditId,
    );
    return audited ? recordAnswer(known.format, body) : this.answerError(known, auditUnavailable());
  }

  /**
   * The checks every request passes before any patient's data is looked at, in order: the address's rate, the token,
   * the organisation, the role, the user's and organisation's rate, the purpose of use and a break-glass reason. A
   * refusal is audited and answered here.
   */
  private async authorise(
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
    const shortened = shortenedSections(set.records, view);
    const linkBase = this.deps.linkBase ?? '';
    if (format === 'FHIR') {
      const rendered = sharedRecordBundle(set, view, {
        bundleId: auditId,
        now,
        includeRestricted,
        providerName,
        access,
        shortened,
        linkBase,
      });
      return {
        body: rendered.bundle,
        itemCount: rendered.itemCount,
        restrictedWithheld: rendered.restrictedWithheld,
      };
    }
    return {
      body: sharedRecordDocument(set, view, access, shortened, { linkBase }),
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
      ...(known.search ? { search: known.search } : {}),
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

/** The part of the record each searchable resource shows: what a role must be granted to search it. */
const SECTION_OF_RESOURCE: { readonly [T in SearchableResourceType]: RecordSection } = {
  AllergyIntolerance: 'allergies',
  CarePlan: 'care-plans',
  Condition: 'problems',
  DiagnosticReport: 'results',
  DocumentReference: 'documents',
  Encounter: 'encounters',
  Immunization: 'immunisations',
  MedicationDispense: 'medications',
  MedicationRequest: 'medications',
  Observation: 'observations',
  Procedure: 'procedures',
  ServiceRequest: 'referrals',
};

/** What the audit keeps of a search. */
function searchedOf(search: RecordSearch, total: number, returned: number): RecordSearched {
  return {
    resourceType: search.resourceType,
    query: search.canonicalQuery,
    continued: search.cursor !== null,
    total,
    returned,
  };
}

/** The resource type a refused search asked for, as far as it can be told: for the audit. */
function askedResourceType(route: HistorySearchRequest['route'], query: Record<string, unknown>): string {
  if (route.kind === 'FHIR') return route.resourceType.slice(0, 64);
  const section = typeof query.section === 'string' ? query.section : '';
  return isSearchedSection(section) ? SEARCHED_SECTIONS[section] : `section ${section.slice(0, 40)}`;
}

/** A refused search's parameters as sent (without the page position), for the audit; bounded. */
function rawQuery(query: Record<string, unknown>): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(query).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    if (name !== '_cursor')
      for (const one of Array.isArray(value) ? value : [value]) parameters.append(name, String(one));
  return parameters.toString().slice(0, MAX_AUDITED_QUERY);
}

const MAX_AUDITED_QUERY = 2_000;

/** A search's own fault, as FHIR's issue types say it: value, required, not-supported or invalid. */
function searchRefusal(problem: SearchProblem): RecordApiError {
  return invalidRequest(problem.parameter, problem.message, problem.code);
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
