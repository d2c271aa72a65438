import type {
  AnyRecordChangeDraft,
  RecordChangeDraft,
  RecordChangeSource,
  RemovalReason,
  SocialCareInvolvementType,
  SocialCareRecordKind,
} from '@crosscare/events';

import type { Council } from './council';
import type {
  CurrentSocialCareRecord,
  SocialCareRecord,
  SocialCareRecordKindCode,
  SocialCareType,
} from './social-care-record';

/** Prefix of every social care sourceRecordId, so a council's ids cannot collide with its other feeds' ids. */
export const SOCIAL_CARE_SOURCE_PREFIX = 'SocialCare/';

const RECORD_KIND: Readonly<Record<SocialCareRecordKindCode, SocialCareRecordKind>> = {
  assessment: 'ASSESSMENT',
  service: 'SERVICE',
  allocation: 'ALLOCATION',
  safeguarding: 'SAFEGUARDING',
};

const INVOLVEMENT_TYPE: Readonly<Record<SocialCareType, SocialCareInvolvementType>> = {
  adult: 'ADULT_SOCIAL_CARE',
  children: 'CHILDREN_SOCIAL_CARE',
  carer: 'CARER_SUPPORT',
  reablement: 'REABLEMENT',
  other: 'OTHER',
};

function sourceOf(record: SocialCareRecord, operation: RecordChangeSource['operation']): RecordChangeSource {
  return {
    nhsNumber: record.nhsNumber,
    sourceRecordId: `${SOCIAL_CARE_SOURCE_PREFIX}${record.id}`,
    sourceRecordVersion: record.version,
    operation,
    occurredAt: record.changedAt,
  };
}

function removal(record: SocialCareRecord, reason: RemovalReason): RecordChangeDraft<'RecordRemoved'> {
  return {
    type: 'RecordRemoved',
    source: sourceOf(record, 'DELETE'),
    body: {
      removedEventType: 'SocialCareInvolvementRecorded',
      removedSourceRecordId: `${SOCIAL_CARE_SOURCE_PREFIX}${record.id}`,
      reason,
      replacedBySourceRecordId: null,
    },
  };
}

function involvement(
  record: CurrentSocialCareRecord,
  council: Council,
): RecordChangeDraft<'SocialCareInvolvementRecorded'> {
  const safeguarding = record.kind === 'safeguarding';
  const worker = record.worker;
  return {
    type: 'SocialCareInvolvementRecorded',
    source: sourceOf(record, record.version === 1 ? 'CREATE' : 'UPDATE'),
    body: {
      councilCode: council.code,
      councilName: council.name,
      // A safeguarding concern is what a clinician must know first, whichever service area raised it.
      involvementType: safeguarding ? 'SAFEGUARDING' : INVOLVEMENT_TYPE[record.type],
      allocatedTeam: record.team,
      teamContact: record.teamPhone === null ? null : { system: 'PHONE', value: record.teamPhone },
      period: { start: record.startDate, end: record.endDate },
      recordKind: RECORD_KIND[record.kind],
      allocatedWorker: worker === null ? null : [worker.name, worker.role].filter(Boolean).join(', '),
      service: record.service,
      // Safeguarding is restricted even when the council's flag says otherwise: the flag can only add restriction.
      restricted: safeguarding || record.restricted,
    },
  };
}

/** The event a validated record becomes: removals for deleted and entered-in-error records, else involvement. */
export function socialCareDraft(record: SocialCareRecord, council: Council): AnyRecordChangeDraft {
  if (record.deleted) return removal(record, 'DELETED_AT_SOURCE');
  if (record.status === 'entered-in-error') return removal(record, 'ENTERED_IN_ERROR');
  return involvement(record, council);
}
