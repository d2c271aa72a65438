/** What part of the council's record a row comes from. */
export const SOCIAL_CARE_RECORD_KINDS = ['assessment', 'service', 'allocation', 'safeguarding'] as const;
export type SocialCareRecordKindCode = (typeof SOCIAL_CARE_RECORD_KINDS)[number];

/**
 * Where the record stands. `entered-in-error` withdraws a record the council got wrong (it becomes a RecordRemoved),
 * which is a different fact from the record being deleted in the source system.
 */
export const SOCIAL_CARE_STATUSES = ['open', 'closed', 'entered-in-error'] as const;
export type SocialCareStatus = (typeof SOCIAL_CARE_STATUSES)[number];

/** Which service area of the council is involved. */
export const SOCIAL_CARE_TYPES = ['adult', 'children', 'carer', 'reablement', 'other'] as const;
export type SocialCareType = (typeof SOCIAL_CARE_TYPES)[number];

/** What every record says, including one the council deleted. */
export interface SocialCareRecordIdentity {
  /** The council's own id of the record. */
  readonly id: string;
  readonly version: number;
  /** Canonical: ten digits, valid check digit. */
  readonly nhsNumber: string;
  /** Epoch milliseconds. */
  readonly changedAt: number;
}

/** A record the council deleted: nothing but its identity is needed, since it is only withdrawn. */
export interface DeletedSocialCareRecord extends SocialCareRecordIdentity {
  readonly deleted: true;
}

export interface SocialCareWorker {
  readonly name: string;
  readonly role: string | null;
}

/** A record that still exists at source, validated and normalised. */
export interface CurrentSocialCareRecord extends SocialCareRecordIdentity {
  readonly deleted: false;
  readonly kind: SocialCareRecordKindCode;
  readonly status: SocialCareStatus;
  /** Avro date: days since 1970-01-01. */
  readonly startDate: number;
  readonly endDate: number | null;
  readonly type: SocialCareType;
  readonly team: string | null;
  readonly teamPhone: string | null;
  readonly worker: SocialCareWorker | null;
  readonly service: string | null;
  /** As the council flagged it; safeguarding records are restricted whatever this says. */
  readonly restricted: boolean;
}

export type SocialCareRecord = DeletedSocialCareRecord | CurrentSocialCareRecord;
