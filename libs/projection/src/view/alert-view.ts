import { MILLIS_PER_DAY, type AlertRecorded, type AlertStatus } from '@crosscare/events';
import { newestFirst } from './order';
import { provenanceOf, type Provenance, type ProviderNames } from './provenance';
import { codeOrNull, dateSpanOf, type Code, type DateSpan } from './readable';

export interface AlertEntry {
  readonly code: Code | null;
  readonly text: string | null;
  readonly category: Code | null;
  /** The NHS national reasonable adjustment flag: the patient needs adjustments to their care. */
  readonly reasonableAdjustment: boolean;
  readonly status: AlertStatus;
  readonly period: DateSpan;
  readonly authorOdsCode: string | null;
  readonly authorName: string | null;
  readonly notes: string | null;
  readonly provenance: Provenance;
}

/**
 * The alerts in force: not made inactive and not past the end of their period. UNKNOWN status is kept, since
 * missing a real alert is the worse error. Reasonable adjustment flags first (they change how the reader must
 * approach the patient), then the most recently raised.
 */
export function alertsOf(
  alerts: readonly AlertRecorded[],
  now: number,
  names: ProviderNames | undefined,
): AlertEntry[] {
  const today = Math.floor(now / MILLIS_PER_DAY);
  const current = alerts.filter(
    (alert) => alert.status !== 'INACTIVE' && (alert.period.end === null || alert.period.end >= today),
  );
  const ordered = newestFirst(current, (alert) => alert.period.start);
  return [
    ...ordered.filter((alert) => alert.reasonableAdjustment),
    ...ordered.filter((alert) => !alert.reasonableAdjustment),
  ].map((alert) => ({
    code: codeOrNull(alert.code),
    text: alert.text,
    category: codeOrNull(alert.category),
    reasonableAdjustment: alert.reasonableAdjustment,
    status: alert.status,
    period: dateSpanOf(alert.period),
    authorOdsCode: alert.authorOdsCode,
    authorName: alert.authorName,
    notes: alert.notes,
    provenance: provenanceOf(alert, names),
  }));
}
