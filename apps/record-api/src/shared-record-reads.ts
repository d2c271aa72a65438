import {
  decideRecordAccess,
  legitimateRelationship,
  nhsNumberProblem,
  normaliseNhsNumber,
} from '@crosscare/governance';
import {
  activeSharingObjection,
  filterRecords,
  holdsItems,
  relationshipEvidence,
  shortenedSections,
  viewSharedRecord,
} from '@crosscare/projection';
import { isKnownPatient, type PatientRecordSet, type ReadModelReader } from '@crosscare/read-model';
import {
  accessSummary,
  askedIn,
  AuditedAccess,
  type AccessDependencies,
  type RouteRequest,
} from './access/audited-access';
import type { RecordFormat } from './audit/record-accessed';
import { recordAnswer, type Answer } from './http/answer';
import { requestedFormat } from './http/record-format';
import { auditUnavailable, forbidden, invalidRequest } from './record-api-error';
import { sharedRecordBundle } from './record/shared-record-bundle';
import { itemsShown, sharedRecordDocument, type RecordAccessSummary } from './record/shared-record-document';
import { HistorySearches, type HistorySearchRequest } from './history-searches';

export type { AccessLog } from './access/audited-access';
export type { HistorySearchRequest } from './history-searches';

/** One GET /patients/{nhsNumber}/record, as the HTTP edge hands it over. */
export interface RecordReadRequest extends RouteRequest {
  readonly nhsNumber: string;
}

export interface SharedRecordReadsDependencies extends AccessDependencies {
  readonly records: { loadPatient(nhsNumber: string): Promise<PatientRecordSet> };
  /** Searches of one patient's history (@crosscare/read-model's ReadModelReader). */
  readonly history: Pick<ReadModelReader, 'searchHistory'>;
  /** Where links to the rest of a shortened section start (RECORD_API_PUBLIC_URL); '' for relative links. */
  readonly linkBase?: string;
}

/**
 * Reading one patient's shared record under the access rules (docs/record-access.md): who asks (a token from a
 * trusted issuer, an active organisation, a role Crosscare knows), within their rate, for a purpose their role may
 * declare, with a legitimate relationship with the patient or the glass broken, within the patient's objection, and
 * only the sections their role is granted. Every request is audited before it is answered, refused ones too; a
 * break-glass read is also alerted to the privacy officer, and so are repeated refusals. When the audit (or a
 * break-glass alert) cannot be written, the answer is 503 and carries no record data.
 */
export class SharedRecordReads {
  private readonly audited: AuditedAccess;
  private readonly searches: HistorySearches;

  constructor(private readonly deps: SharedRecordReadsDependencies) {
    this.audited = new AuditedAccess(deps);
    this.searches = new HistorySearches(deps, this.audited);
  }

  async read(request: RecordReadRequest): Promise<Answer> {
    const negotiated = requestedFormat(request.formatParameter, request.accept);
    // Read first, refused in their turn: every refusal's audit then names the patient and purpose asked for, if valid.
    const nhsNumber = normaliseNhsNumber(request.nhsNumber);
    let known = askedIn(request, negotiated.ok ? negotiated.format : 'JSON', nhsNumber);
    if (!negotiated.ok)
      return this.audited.deny(known, 'INVALID_REQUEST', invalidRequest('_format', negotiated.reason));

    const authorised = await this.audited.authorise(request, known);
    if (!authorised.ok) return authorised.answer;
    known = authorised.known;
    const { reader, role } = authorised;
    const breakGlass = { reason: authorised.breakGlassReason };

    if (nhsNumber === null)
      return this.audited.deny(
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
      return this.audited.deny(
        isKnownPatient(set) ? { ...known, resolvedNhsNumber: set.nhsNumber } : known,
        decision.denial,
        forbidden('nhsNumber', decision.reason),
        { relationship: relationship ?? 'NONE' },
      );

    const grant = await this.audited.grant(known, nhsNumber, decision, relationship, breakGlass.reason);
    if (grant === undefined) return this.audited.answerError(known, auditUnavailable());
    const { auditId, outcome, granted } = grant;

    if (!isKnownPatient(set))
      // Only a break-glass read gets here: without one, an unknown patient is refused as no relationship.
      return this.audited.notFound({ ...known, resolvedNhsNumber: set.nhsNumber }, nhsNumber, grant);

    known = { ...known, resolvedNhsNumber: set.nhsNumber };
    const visible: PatientRecordSet = {
      ...set,
      records: filterRecords(set.records, {
        sections: decision.sections,
        ownItemsOf: decision.ownItemsOnly ? reader.organisationOdsCode : undefined,
      }),
    };
    const summary = accessSummary(role.key, authorised.purpose, relationship, decision);
    const shown = this.render(visible, known.format, decision.includeRestricted, summary, auditId, now);
    const audited = await this.audited.audit(
      {
        ...this.audited.accessOf(known),
        outcome,
        ...granted,
        sources: set.sources,
        itemCount: shown.itemCount,
        restrictedWithheld: shown.restrictedWithheld,
      },
      auditId,
    );
    return audited
      ? recordAnswer(known.format, shown.body)
      : this.audited.answerError(known, auditUnavailable());
  }

  /** A search of one patient's history: see HistorySearches. */
  search(request: HistorySearchRequest): Promise<Answer> {
    return this.searches.search(request);
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
}
