import { CrosscareError } from '@crosscare/errors';
import {
  COLLABORATIVE_CODES,
  SUBSCRIBER_NAME,
  subscriberPrincipal,
  type AccessNaming,
  type CollaborativeCode,
  type KafkaPrincipal,
} from '@crosscare/governance';

/**
 * A downstream system's access to one collaborative's changelog, granted under a data sharing agreement. Pure: the
 * rules for what a grant may say, and when it lapses.
 */
export interface SubscriberGrant {
  readonly name: string;
  readonly principal: string;
  readonly organisationOdsCode: string;
  readonly collaborative: CollaborativeCode;
  readonly topics: readonly string[];
  readonly groupPrefix: string;
  readonly agreement: string;
  readonly expiresAt: Date | null;
  readonly grantedBy: string;
  readonly grantedAt: Date;
}

export interface GrantRequest {
  readonly name: string;
  readonly organisationOdsCode: string;
  readonly collaborative: CollaborativeCode;
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

/** Checks a request, naming every fault; an expiry must lie in the future. */
export function validateGrantRequest(
  input: {
    name?: string;
    org?: string;
    collaborative?: string;
    agreement?: string;
    expires?: string;
    grantedBy?: string;
  },
  now: Date,
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
  const collaborative = (input.collaborative ?? '').toUpperCase();
  if (!(COLLABORATIVE_CODES as readonly string[]).includes(collaborative)) {
    problems.push(`--collaborative "${input.collaborative ?? ''}": one of ${COLLABORATIVE_CODES.join(', ')}`);
  }
  const agreement = input.agreement ?? '';
  if (!AGREEMENT.test(agreement)) {
    problems.push(`--agreement "${agreement}": the data sharing agreement's reference (e.g. DSA-2026-0042)`);
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
  if (problems.length > 0) throw new GrantRequestError(problems);
  return {
    name,
    organisationOdsCode: org,
    collaborative: collaborative as CollaborativeCode,
    agreement,
    expiresAt,
    grantedBy,
  };
}

/** The grant a request makes, with the principal and the rights it will carry. */
export function grantOf(
  request: GrantRequest,
  naming: AccessNaming,
  now: Date,
): { grant: SubscriberGrant; principal: KafkaPrincipal } {
  const principal = subscriberPrincipal(request.name, request.collaborative, naming);
  const topics = principal.grants.filter((g) => g.resourceType === 'TOPIC').map((g) => g.resourceName);
  const group = principal.grants.find((g) => g.resourceType === 'GROUP');
  return {
    principal,
    grant: {
      name: request.name,
      principal: principal.name,
      organisationOdsCode: request.organisationOdsCode,
      collaborative: request.collaborative,
      topics,
      groupPrefix: group?.resourceName ?? '',
      agreement: request.agreement,
      expiresAt: request.expiresAt,
      grantedBy: request.grantedBy,
      grantedAt: now,
    },
  };
}

/** Grants whose expiry has passed: what `subscribers expire` revokes. */
export function expiredGrants<G extends Pick<SubscriberGrant, 'expiresAt'>>(
  grants: readonly G[],
  now: Date,
): G[] {
  return grants.filter((g) => g.expiresAt !== null && g.expiresAt.getTime() <= now.getTime());
}
