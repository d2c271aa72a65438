import {
  MILLIS_PER_DAY,
  type ContactPoint,
  type SocialCareInvolvementRecorded,
  type SocialCareInvolvementType,
  type SocialCareRecordKind,
} from '@crosscare/events';
import { newestFirst } from './order';
import { provenanceOf, type Provenance, type ProviderNames } from './provenance';
import { dateSpanOf, type DateSpan } from './readable';

export interface SocialCareEntry {
  readonly councilCode: string;
  readonly councilName: string;
  readonly involvementType: SocialCareInvolvementType;
  readonly recordKind: SocialCareRecordKind;
  readonly allocatedTeam: string | null;
  readonly allocatedWorker: string | null;
  readonly teamContact: ContactPoint | null;
  readonly service: string | null;
  readonly period: DateSpan;
  /** Whether the item is restricted (flagged so, or a safeguarding involvement). */
  readonly restricted: boolean;
  readonly provenance: Provenance;
}

export interface SocialCareSection {
  /** Open involvements, latest start first. */
  readonly involvements: SocialCareEntry[];
  /**
   * How many open restricted involvements were left out because the reader may not see them, so the reader knows
   * to ask the council when there is a need.
   */
  readonly restrictedWithheld: number;
}

/**
 * Whether an involvement is restricted. Events written before the restricted flag existed read it as false, so a
 * safeguarding involvement is restricted whatever the flag says.
 */
export function isRestrictedInvolvement(involvement: SocialCareInvolvementRecorded): boolean {
  return involvement.restricted || involvement.involvementType === 'SAFEGUARDING';
}

/** Involvements still open on the day of `now` (a period's end day is part of it). */
export function socialCareOf(
  involvements: readonly SocialCareInvolvementRecorded[],
  options: { readonly now: number; readonly includeRestricted: boolean },
  names: ProviderNames | undefined,
): SocialCareSection {
  const today = Math.floor(options.now / MILLIS_PER_DAY);
  const open = involvements.filter(
    (involvement) => involvement.period.end === null || involvement.period.end >= today,
  );
  const shown = open.filter(
    (involvement) => options.includeRestricted || !isRestrictedInvolvement(involvement),
  );
  return {
    involvements: newestFirst(shown, (involvement) => involvement.period.start).map((involvement) => ({
      councilCode: involvement.councilCode,
      councilName: involvement.councilName,
      involvementType: involvement.involvementType,
      recordKind: involvement.recordKind,
      allocatedTeam: involvement.allocatedTeam,
      allocatedWorker: involvement.allocatedWorker,
      teamContact: involvement.teamContact && {
        system: involvement.teamContact.system,
        value: involvement.teamContact.value,
      },
      service: involvement.service,
      period: dateSpanOf(involvement.period),
      restricted: isRestrictedInvolvement(involvement),
      provenance: provenanceOf(involvement, names),
    })),
    restrictedWithheld: open.length - shown.length,
  };
}
