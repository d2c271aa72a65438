import { recordChangeEventId, type AnyRecordChangeDraft, type RecordChangeSource } from '@crosscare/events';
import type { OptOutChanged } from './opt-out-changed';

/*
 * A type 1 objection: the patient's objection, recorded by their GP practice, to identifiable data leaving the
 * practice for purposes other than their direct care (research, planning, audit). The practice codes it in SNOMED CT
 * (UK extension); the dissent replaced Read v2 9Nu0. Both identifiers below are well formed (Verhoeff check
 * digit, UK namespace 1000000, concept partition).
 */

/** 827241000000103 |Dissent from secondary use of general practitioner patient identifiable data (finding)|. */
export const TYPE_1_DISSENT = {
  code: '827241000000103',
  display: 'Dissent from secondary use of general practitioner patient identifiable data (finding)',
} as const;

/** 827261000000102 |Dissent withdrawn for secondary use of general practitioner patient identifiable data (finding)|. */
export const TYPE_1_DISSENT_WITHDRAWN = {
  code: '827261000000102',
  display: 'Dissent withdrawn for secondary use of general practitioner patient identifiable data (finding)',
} as const;

/**
 * What a format adapter knows of an opt-out a provider's record states, the counterpart of a record-change draft:
 * the source record (patient, record id, version) and the opt-out. Only the app completes it, as the authenticated
 * sender, so no input can claim another practice.
 */
export interface OptOutDraft {
  readonly type: 'OptOutChanged';
  readonly source: RecordChangeSource;
  readonly body: {
    /** Providers state type 1 objections only: the national opt-out is learnt from the national service. */
    readonly kind: 'TYPE_1';
    readonly status: 'ACTIVE' | 'WITHDRAWN';
    /** Epoch days. */
    readonly statedOn: number;
  };
}

/** Everything a provider's input may become: record changes for the shared record, and opt-outs from secondary use. */
export type PublishableDraft = AnyRecordChangeDraft | OptOutDraft;

export function isOptOutDraft(draft: PublishableDraft): draft is OptOutDraft {
  return draft.type === 'OptOutChanged';
}

export interface OptOutContext {
  readonly providerOdsCode: string;
  readonly correlationId: string;
  /** Epoch milliseconds. */
  readonly recordedAt: number;
}

/**
 * The change an opt-out draft becomes. Its id is derived like a record change's event id, from (provider, record,
 * version, OptOutChanged), so a re-sent version that slips past de-duplication repeats the same id. The source
 * reference is the practice's record and version (`Consent/<id>/_history/<version>`), what its IG lead can find.
 */
export function completeOptOut(draft: OptOutDraft, context: OptOutContext): OptOutChanged {
  const { source } = draft;
  return {
    changeId: recordChangeEventId(
      context.providerOdsCode,
      source.sourceRecordId,
      source.sourceRecordVersion,
      'OptOutChanged',
    ),
    nhsNumber: source.nhsNumber,
    kind: draft.body.kind,
    status: draft.body.status,
    statedOn: draft.body.statedOn,
    source: context.providerOdsCode,
    sourceReference: `${source.sourceRecordId}/_history/${source.sourceRecordVersion}`,
    recordedAt: context.recordedAt,
    correlationId: context.correlationId,
  };
}
