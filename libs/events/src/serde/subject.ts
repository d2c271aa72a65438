/**
 * Record-name strategy: the subject is the record's full name, so one topic can carry several event types and
 * each type evolves under its own compatibility checks.
 */
export function subjectFor(namespace: string, type: string): string {
  return `${namespace}.${type}`;
}
