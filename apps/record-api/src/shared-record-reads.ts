import { nhsNumberProblem, normaliseNhsNumber } from '@crosscare/governance';
import { viewSharedRecord } from '@crosscare/projection';
import {
  mayReadRestricted,
  PURPOSE_OF_USE_HEADER,
  purposeOfUseOf,
  type PurposeOfUse,
} from './access/purpose-of-use';
import type { Reader, TokenCheck } from '@crosscare/identity';
import { bearerTokenOf } from './http/bearer-token';
import {
  recordAccessedEvent,
  type RecordAccess,
  type RecordAccessed,
  type RecordFormat,
} from './audit/record-accessed';
import { errorAnswer, recordAnswer, type Answer } from './http/answer';
import { requestedFormat } from './http/record-format';
import {
  auditUnavailable,
  invalidRequest,
  patientNotFound,
  unauthenticated,
  type RecordApiError,
} from './record-api-error';
import { isKnownPatient, type PatientRecordSet } from './record/patient-record-set';
import { sharedRecordBundle } from './record/shared-record-bundle';
import { itemsShown, sharedRecordDocument } from './record/shared-record-document';

/** One GET /patients/{nhsNumber}/record, as the HTTP edge hands it over. */
export interface RecordReadRequest {
  readonly nhsNumber: string;
  readonly authorization?: string;
  readonly purposeOfUse?: string;
  /** The `_format` query parameter, as parsed (possibly an array when repeated). */
  readonly formatParameter?: unknown;
  readonly accept?: string;
  readonly correlationId: string;
  readonly clientIp: string;
}

export interface SharedRecordReadsDependencies {
  readonly records: { loadPatient(nhsNumber: string): Promise<PatientRecordSet> };
  /** Resolves once the event is durably written; rejects when it cannot be. */
  readonly audit: { record(event: RecordAccessed): Promise<void> };
  readonly tokens: { verify(token: string): Promise<TokenCheck> };
  readonly providerName: (odsCode: string) => string | undefined;
  /** Epoch ms. */
  readonly clock: () => number;
  readonly newAuditId: () => string;
  /** Told why a read could not be audited (the caller only learns that it could not). */
  readonly onAuditFailure: (error: unknown, correlationId: string) => void;
}

/**
 * Reading one patient's shared record: who asks and why, which record answers (merges followed), the answer in the
 * format asked for, and its audit event written before anything is sent. Refusals that name no patient (bad
 * token, purpose or NHS number) are not audited; a read of an unknown patient is, as NOT_FOUND. When the audit
 * cannot be written, the answer is 503 and carries no record data.
 */
export class SharedRecordReads {
  constructor(private readonly deps: SharedRecordReadsDependencies) {}

  async read(request: RecordReadRequest): Promise<Answer> {
    const negotiated = requestedFormat(request.formatParameter, request.accept);
    const format: RecordFormat = negotiated.ok ? negotiated.format : 'JSON';
    const refuse = (error: RecordApiError) => errorAnswer(error, format, request.correlationId);
    if (!negotiated.ok) return refuse(invalidRequest('_format', negotiated.reason));

    const token = bearerTokenOf(request.authorization);
    if (token === undefined) return refuse(unauthenticated('send Authorization: Bearer <token>'));
    const now = this.deps.clock();
    const verified = await this.deps.tokens.verify(token);
    if (!verified.ok) return refuse(unauthenticated(verified.reason));

    const purpose = purposeOfUseOf(request.purposeOfUse);
    if (!purpose.ok) return refuse(invalidRequest(PURPOSE_OF_USE_HEADER, purpose.reason, 'required'));

    const nhsNumber = normaliseNhsNumber(request.nhsNumber);
    if (nhsNumber === null) return refuse(invalidRequest('nhsNumber', nhsNumberProblem(request.nhsNumber)));

    const set = await this.deps.records.loadPatient(nhsNumber);
    const auditId = this.deps.newAuditId();
    const access = {
      reader: verified.reader,
      purpose: purpose.purpose,
      requestedNhsNumber: nhsNumber,
      resolvedNhsNumber: set.nhsNumber,
      format,
      correlationId: request.correlationId,
      clientIp: request.clientIp,
    };

    if (!isKnownPatient(set)) {
      const audited = await this.audit(
        { ...access, outcome: 'NOT_FOUND', sources: [], itemCount: 0, restrictedWithheld: 0 },
        auditId,
      );
      return audited ? refuse(patientNotFound(nhsNumber)) : refuse(auditUnavailable());
    }

    const shown = this.render(set, format, verified.reader, purpose.purpose, auditId, now);
    const audited = await this.audit(
      {
        ...access,
        outcome: 'RETURNED',
        sources: set.sources,
        itemCount: shown.itemCount,
        restrictedWithheld: shown.restrictedWithheld,
      },
      auditId,
    );
    return audited ? recordAnswer(format, shown.body) : refuse(auditUnavailable());
  }

  private render(
    set: PatientRecordSet,
    format: RecordFormat,
    reader: Reader,
    purpose: PurposeOfUse,
    auditId: string,
    now: number,
  ): { body: unknown; itemCount: number; restrictedWithheld: number } {
    const includeRestricted = mayReadRestricted(purpose, reader.role, []);
    const providerName = this.deps.providerName;
    const view = viewSharedRecord(set.records, { now, includeRestricted, providerName });
    if (format === 'FHIR') {
      const rendered = sharedRecordBundle(set, view, {
        bundleId: auditId,
        now,
        includeRestricted,
        providerName,
      });
      return {
        body: rendered.bundle,
        itemCount: rendered.itemCount,
        restrictedWithheld: rendered.restrictedWithheld,
      };
    }
    return {
      body: sharedRecordDocument(set, view),
      itemCount: itemsShown(view),
      restrictedWithheld: view.socialCare.restrictedWithheld,
    };
  }

  /** Whether the read's audit event was written. */
  private async audit(access: RecordAccess, auditId: string): Promise<boolean> {
    try {
      await this.deps.audit.record(recordAccessedEvent(access, { auditId, occurredAt: this.deps.clock() }));
      return true;
    } catch (error) {
      this.deps.onAuditFailure(error, access.correlationId);
      return false;
    }
  }
}
