/** The six ICSs' record-change topics are named here and nowhere else. */
export const DEFAULT_TOPIC_PREFIX = 'crosscare';

/**
 * The record-change topic of an ICS, e.g. `crosscare.qhl.record-changes.v1`: the event store for every provider in
 * that ICS, keyed by NHS number. The prefix lets tests and parallel environments share one cluster.
 */
export function recordChangeTopic(ics: string, prefix: string = DEFAULT_TOPIC_PREFIX): string {
  return `${prefix}.${ics.toLowerCase()}.record-changes.v1`;
}
