import type { EventType } from '@crosscare/events';
import { CONTEXT_FIELDS, RELEASE_CATALOGUE, type ContextField, type SdeProject } from '@crosscare/sde';

/**
 * An approved project for a test, as loadSdeProjects would give it (fields in catalogue order): a unique id gives a
 * suite a registry subject of its own.
 */
export function sdeTestProject(
  id: string,
  events: Partial<Record<EventType, readonly string[]>>,
  options: { readonly context?: readonly ContextField[]; readonly outputVersion?: number } = {},
): SdeProject {
  return {
    id,
    title: `Test project ${id}`,
    purpose: 'Testing the SDE export.',
    lawfulBasis: 'UK GDPR Article 6(1)(e) public task (test)',
    agreement: 'DSA-TEST-0001',
    approvedBy: 'Test Data Access Committee',
    approvedOn: '2026-12-01',
    nationalDataOptOut: { applies: true },
    type1OptOut: { applies: true },
    pseudonymisationKey: 'sde-test-key',
    precision: { birthDate: 'year', eventDate: 'month', geography: 'district' },
    context: CONTEXT_FIELDS.filter((c) => (options.context ?? []).includes(c)),
    events: new Map(
      Object.entries(events).map(([kind, names]) => {
        const catalogue = RELEASE_CATALOGUE[kind as EventType];
        const unknown = names.filter((n) => !catalogue.some((f) => f.name === n));
        if (unknown.length > 0) throw new Error(`${kind} has no releasable ${unknown.join(', ')}`);
        return [kind as EventType, catalogue.filter((f) => names.includes(f.name))];
      }),
    ),
    output: { version: options.outputVersion ?? 1, partitions: 1 },
  };
}
