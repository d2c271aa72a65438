import { EVENT_TYPES } from '@crosscare/events';
import { CONTEXT_FIELDS, RELEASE_CATALOGUE } from '../release-catalogue';
import type { SdeProject } from '../sde-project';

/**
 * A project approved for everything the catalogue can ever release, at the finest precisions: what a test of the
 * minimiser checks against, since no real agreement may release more. Test data: not in the lib's barrel.
 */
export const EVERY_FIELD_PROJECT: SdeProject = {
  id: 'every-field',
  title: 'Everything releasable',
  purpose: 'Tests: the most any project could receive.',
  lawfulBasis: 'none (a test fixture)',
  agreement: 'DSA-TEST-0001',
  approvedBy: 'tests',
  approvedOn: '2026-12-01',
  nationalDataOptOut: { applies: true },
  type1OptOut: { applies: true },
  pseudonymisationKey: 'sde-every-field',
  precision: { birthDate: 'year-month', eventDate: 'day', geography: 'sector' },
  context: [...CONTEXT_FIELDS],
  events: new Map(EVENT_TYPES.map((kind) => [kind, RELEASE_CATALOGUE[kind]])),
  output: { version: 1, partitions: 1 },
};
