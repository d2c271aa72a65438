import { isSearchedSection, SEARCHED_SECTIONS, type SearchableResourceType } from '@crosscare/fhir';
import {
  decideRecordAccess,
  legitimateRelationship,
  nhsNumberProblem,
  normaliseNhsNumber,
  type RecordAccessDecision,
  type RecordSection,
  type Relationship,
} from '@crosscare/governance';
import { activeSharingObjection, relationshipEvidence } from '@crosscare/projection';
import { isKnownPatient, type ReadModelReader } from '@crosscare/read-model';
import {
  accessSummary,
  askedIn,
  AuditedAccess,
  type AccessDependencies,
  type RouteRequest,
} from './access/audited-access';
import type { RecordSearched } from './audit/record-accessed';
import { recordAnswer, type Answer } from './http/answer';
import { fhirRouteFormat, requestedFormat } from './http/record-format';
import { auditUnavailable, forbidden, invalidRequest, type RecordApiError } from './record-api-error';
import { historyLinks, historySearchBundle, historySearchDocument } from './search/history-answer';
import {
  parseFhirSearch,
  parseSectionSearch,
  type RecordSearch,
  type SearchProblem,
} from './search/search-parameters';

/** One search of a patient's history, as the HTTP edge hands it over. */
export interface HistorySearchRequest extends RouteRequest {
  /** GET /fhir/{resourceType}, or GET /patients/{nhsNumber}/record with search parameters. */
  readonly route:
    | { readonly kind: 'FHIR'; readonly resourceType: string }
    | { readonly kind: 'SECTION'; readonly nhsNumber: string };
  /** The query string as parsed. */
  readonly query: Record<string, unknown>;
}

export interface HistorySearchDependencies extends AccessDependencies {
  /** Searches of one patient's history (@crosscare/read-model's ReadModelReader). */
  readonly history: Pick<ReadModelReader, 'searchHistory'>;
  /** Where paging links start (RECORD_API_PUBLIC_URL); '' for relative links. */
  readonly linkBase?: string;
}

/** Searches of one patient's history, under the reads' access rules and audit (AuditedAccess). */
export class HistorySearches {
  constructor(
    private readonly deps: HistorySearchDependencies,
    private readonly audited: AuditedAccess,
  ) {}

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
    let known = askedIn(
      request,
      negotiated.ok ? negotiated.format : 'FHIR',
      nhsNumber,
      parsed.ok
        ? searchedOf(parsed.search, 0, 0)
        : {
            resourceType: askedResourceType(route, request.query),
            query: rawQuery(request.query),
            continued: false,
            total: 0,
            returned: 0,
          },
    );
    if (!negotiated.ok)
      return this.audited.deny(known, 'INVALID_REQUEST', invalidRequest('_format', negotiated.reason));

    const authorised = await this.audited.authorise(request, known);
    if (!authorised.ok) return authorised.answer;
    known = authorised.known;
    const { reader, role } = authorised;
    if (!parsed.ok) return this.audited.deny(known, 'INVALID_REQUEST', searchRefusal(parsed.problem));
    const search = parsed.search;
    if (nhsNumber === null)
      return this.audited.deny(
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
      return this.audited.deny(
        resolved,
        granted?.denial ?? 'NO_RELATIONSHIP',
        forbidden(route.kind === 'FHIR' ? 'patient.identifier' : 'nhsNumber', granted?.reason ?? 'refused'),
        { relationship: relationship ?? 'NONE' },
      );
    if (!granted.sections.includes(section))
      return this.audited.deny(
        resolved,
        'SECTION_NOT_GRANTED',
        forbidden(
          route.kind === 'FHIR' ? search.resourceType : 'section',
          `the ${role.key} role is not granted ${section}, so ${search.resourceType} cannot be searched; ` +
            'ask a clinician in your organisation if it is needed for care',
        ),
        { relationship: relationship ?? 'NONE' },
      );

    const grant = await this.audited.grant(
      known,
      nhsNumber,
      granted,
      relationship,
      authorised.breakGlassReason,
    );
    if (grant === undefined) return this.audited.answerError(known, auditUnavailable());
    const { auditId, outcome } = grant;
    if (page === null)
      // Only a break-glass search gets here: without one, an unknown patient is refused as no relationship.
      return this.audited.notFound(resolved, nhsNumber, grant);

    const summary = accessSummary(role.key, authorised.purpose, relationship, granted);
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
    const audited = await this.audited.audit(
      {
        ...this.audited.accessOf({
          ...resolved,
          search: searchedOf(search, page.total, page.resources.length),
        }),
        outcome,
        ...grant.granted,
        sources: set.sources,
        itemCount: page.resources.reduce((n, found) => n + found.items.length, 0),
      },
      auditId,
    );
    return audited ? recordAnswer(known.format, body) : this.audited.answerError(known, auditUnavailable());
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
