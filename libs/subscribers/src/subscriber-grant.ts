import { CrosscareError } from '@crosscare/errors';
import {
  COLLABORATIVE_CODES,
  SUBSCRIBER_NAME,
  sdeSubscriberPrincipal,
  subscriberPrincipal,
  type AccessNaming,
  type CollaborativeCode,
  type KafkaPrincipal,
} from '@crosscare/governance';
import type { SdeProject } from '@crosscare/sde';

/**
 * A downstream system's access to one collaborative's changelog, or an SDE team's to its approved project's
 * pseudonymised topic and notices, granted under a data sharing agreement. Pure: the rules for what a grant may
 * say, and when it lapses.
 */
export interface SubscriberGrant {
  readonly name: string;
  readonly principal: string;
  readonly organisationOdsCode: string;
  /** The collaborative whose changelog is granted; null for an SDE team. Exactly one of this and sdeProject. */
  readonly collaborative: CollaborativeCode | null;
  /** The approved SDE project whose topics are granted; null for a changelog subscriber. */
  readonly sdeProject: string | null;
  readonly topics: readonly string[];
  readonly groupPrefix: string;
  readonly agreement: string;
  readonly expiresAt: Date | null;
  readonly grantedBy: string;
  readonly grantedAt: Date;
}

/** What a grant is for: a collaborative's changelog, or an approved SDE project's topics at its output version. */
export type GrantTarget =
  | { readonly kind: 'changelog'; readonly collaborative: CollaborativeCode }
  | { readonly kind: 'sde-project'; readonly project: string; readonly version: number };

export interface GrantRequest {
  readonly name: string;
  readonly organisationOdsCode: string;
  readonly target: GrantTarget;
  readonly agreement: string;
  readonly expiresAt: Date | null;
  readonly grantedBy: string;
}

/** An ODS organisation code: 3 to 6 letters and digits (trusts RXX, practices A12345, councils, pharmacies FXX00). */
const ODS_CODE = /^[A-Z0-9]{3,6}$/;
/** A data sharing agreement reference as the IG team files it, e.g. DSA-2026-0042. */
const AGREEMENT = /^[A-Za-z0-9][A-Za-z0-9._/-]{2,63}$/;

export class GrantRequestError extends CrosscareError {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '), { retriable: false });
  }
}

/** What the grant rules need of an approved SDE project (libs/sde's SdeProject). */
export type ApprovedProject = Pick<SdeProject, 'id' | 'agreement' | 'output'>;

/**
 * Checks a request, naming every fault; an expiry must lie in the future. A request names a collaborative or an
 * approved SDE project, never both; an SDE team reads under its project's agreement, which is the default.
 */
export function validateGrantRequest(
  input: {
    name?: string;
    org?: string;
    collaborative?: string;
    project?: string;
    agreement?: string;
    expires?: string;
    grantedBy?: string;
  },
  now: Date,
  approvedProjects: readonly ApprovedProject[] = [],
): GrantRequest {
  const problems: string[] = [];
  const name = input.name ?? '';
  if (!SUBSCRIBER_NAME.test(name)) {
    problems.push(
      `--name "${name}": 3 to 42 lower-case letters, digits or dashes, starting with a letter and not ending with a dash`,
    );
  }
  const org = (input.org ?? '').toUpperCase();
  if (!ODS_CODE.test(org))
    problems.push(`--org "${input.org ?? ''}": an ODS code of 3 to 6 letters and digits`);
  const { target, projectAgreement } = grantTarget(input, approvedProjects, problems);
  const agreement = input.agreement ?? projectAgreement ?? '';
  // Left out for a project, it is the project's (or, for a project not approved, moot).
  const fromProject = input.agreement === undefined && input.project !== undefined;
  if (!fromProject && !AGREEMENT.test(agreement)) {
    problems.push(`--agreement "${agreement}": the data sharing agreement's reference (e.g. DSA-2026-0042)`);
  } else if (projectAgreement !== undefined && agreement !== projectAgreement) {
    problems.push(
      `--agreement ${agreement}: SDE project ${input.project ?? ''} is approved under ${projectAgreement}, and its ` +
        'team reads under that agreement alone (leave --agreement out to use it)',
    );
  }
  let expiresAt: Date | null = null;
  if (input.expires !== undefined) {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(input.expires)
      ? new Date(`${input.expires}T23:59:59.999Z`)
      : new Date(input.expires);
    if (Number.isNaN(parsed.getTime()))
      problems.push(`--expires "${input.expires}": a date (YYYY-MM-DD) or ISO time`);
    else if (parsed.getTime() <= now.getTime()) problems.push(`--expires ${input.expires}: already passed`);
    else expiresAt = parsed;
  }
  const grantedBy = (input.grantedBy ?? '').trim();
  if (grantedBy === '')
    problems.push('--granted-by: who grants the access (defaults to the operating system user)');
  if (problems.length > 0 || !target) throw new GrantRequestError(problems);
  return { name, organisationOdsCode: org, target, agreement, expiresAt, grantedBy };
}

/** The request's target, or undefined with the fault added to problems. */
function grantTarget(
  input: { collaborative?: string; project?: string },
  approvedProjects: readonly ApprovedProject[],
  problems: string[],
): { target?: GrantTarget; projectAgreement?: string } {
  const approved = approvedProjects.map((p) => p.id).join(', ') || 'none';
  if (input.collaborative !== undefined && input.project !== undefined) {
    problems.push('--collaborative and --project: one or the other, not both');
    return {};
  }
  if (input.project !== undefined) {
    const project = approvedProjects.find((p) => p.id === input.project);
    if (!project) {
      problems.push(`--project "${input.project}": not an approved SDE project (approved: ${approved})`);
      return {};
    }
    return {
      target: { kind: 'sde-project', project: project.id, version: project.output.version },
      projectAgreement: project.agreement,
    };
  }
  const collaborative = (input.collaborative ?? '').toUpperCase();
  if (!(COLLABORATIVE_CODES as readonly string[]).includes(collaborative)) {
    problems.push(
      input.collaborative === undefined
        ? `--collaborative ${COLLABORATIVE_CODES.join('|')} or --project <id>: what the grant is for ` +
            `(approved SDE projects: ${approved})`
        : `--collaborative "${input.collaborative}": one of ${COLLABORATIVE_CODES.join(', ')}`,
    );
    return {};
  }
  return { target: { kind: 'changelog', collaborative: collaborative as CollaborativeCode } };
}

/** The grant a request makes, with the principal and the rights it will carry. */
export function grantOf(
  request: GrantRequest,
  naming: AccessNaming,
  now: Date,
): { grant: SubscriberGrant; principal: KafkaPrincipal } {
  const { target } = request;
  const principal =
    target.kind === 'changelog'
      ? subscriberPrincipal(request.name, target.collaborative, naming)
      : sdeSubscriberPrincipal(request.name, { id: target.project, version: target.version }, naming);
  const topics = principal.grants.filter((g) => g.resourceType === 'TOPIC').map((g) => g.resourceName);
  const group = principal.grants.find((g) => g.resourceType === 'GROUP');
  return {
    principal,
    grant: {
      name: request.name,
      principal: principal.name,
      organisationOdsCode: request.organisationOdsCode,
      collaborative: target.kind === 'changelog' ? target.collaborative : null,
      sdeProject: target.kind === 'sde-project' ? target.project : null,
      topics,
      groupPrefix: group?.resourceName ?? '',
      agreement: request.agreement,
      expiresAt: request.expiresAt,
      grantedBy: request.grantedBy,
      grantedAt: now,
    },
  };
}

/** What a grant covers, in words: `CCR`, or `SDE project diabetes-outcomes`. */
export function grantScope(grant: Pick<SubscriberGrant, 'collaborative' | 'sdeProject'>): string {
  return grant.sdeProject !== null ? `SDE project ${grant.sdeProject}` : (grant.collaborative ?? '');
}

/** Grants whose expiry has passed: what `subscribers expire` revokes. */
export function expiredGrants<G extends Pick<SubscriberGrant, 'expiresAt'>>(
  grants: readonly G[],
  now: Date,
): G[] {
  return grants.filter((g) => g.expiresAt !== null && g.expiresAt.getTime() <= now.getTime());
}
