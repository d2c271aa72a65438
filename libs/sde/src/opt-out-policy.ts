import type { SdeProject } from './sde-project';

export type OptOutKind = 'NATIONAL_DATA_OPT_OUT' | 'TYPE_1' | 'UNKNOWN';

/** A patient's standing opt-outs (withdrawn ones are not listed). */
export type StandingOptOuts = ReadonlySet<OptOutKind>;

/**
 * Whether a patient's opt-outs keep them out of a project: the National Data Opt-out and type 1 objections apply
 * unless the project's agreement records an exemption for that kind. A kind this build does not know (a newer
 * schema's) applies to every project: a doubtful opt-out is honoured.
 */
export function optedOutOf(project: SdeProject, standing: StandingOptOuts): boolean {
  for (const kind of standing) {
    if (kind === 'UNKNOWN') return true;
    if (kind === 'NATIONAL_DATA_OPT_OUT' && project.nationalDataOptOut.applies) return true;
    if (kind === 'TYPE_1' && project.type1OptOut.applies) return true;
  }
  return false;
}
