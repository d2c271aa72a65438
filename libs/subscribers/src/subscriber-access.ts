import type { AccessNaming, KafkaPrincipal } from '@crosscare/governance';
import { randomBytes } from 'node:crypto';
import { grantChanged, type SubscriberGrantChanged } from './grant-audit';
import type { GrantStore, StoredGrant } from './grant-store';
import {
  expiredGrants,
  grantOf,
  grantScope,
  type GrantRequest,
  type SubscriberGrant,
} from './subscriber-grant';

/** What a grant changes outside Postgres; each a port, so the order and the undo are tested without a cluster. */
export interface AccessPorts {
  /** SCRAM users on the cluster. */
  readonly users: {
    upsert(name: string, password: string): Promise<void>;
    remove(name: string): Promise<void>;
  };
  /** The principal's ACLs, made exactly its grants, or removed. */
  readonly acls: {
    apply(principal: KafkaPrincipal): Promise<void>;
    remove(principalName: string): Promise<number>;
  };
  /** Read-only users of the schema registry; absent where the registry is not Crosscare's to administer. */
  readonly registry?: {
    addReader(name: string, password: string): Promise<void>;
    removeReader(name: string): Promise<void>;
  };
  readonly audit: { publish(event: SubscriberGrantChanged): Promise<void> };
  readonly store: Pick<GrantStore, 'recordGrant' | 'recordRevocation' | 'find' | 'list'>;
  readonly now: () => Date;
}

export interface GrantResult {
  readonly grant: SubscriberGrant;
  /** Shown once, to hand to the subscriber; kept nowhere (the cluster stores only a salted hash). */
  readonly password: string;
}

/**
 * Grants, revokes and expires subscribers' access. A grant is made in the order that leaves nothing usable behind if
 * a step fails (user, then rights, then the audit event and the register) and undone if one does; a revocation takes
 * the rights away first, so access ends before anything else is tidied.
 */
export class SubscriberAccess {
  constructor(
    private readonly ports: AccessPorts,
    private readonly naming: AccessNaming,
  ) {}

  async grant(request: GrantRequest): Promise<GrantResult> {
    const now = this.ports.now();
    const existing = await this.ports.store.find(request.name);
    const { grant, principal } = grantOf(request, this.naming, now);
    // Granting again under a name renews it (a new password); for something else, it must be revoked first, so that
    // no grant silently changes what it covers.
    if (existing && existing.revokedAt === null && grantScope(existing) !== grantScope(grant)) {
      throw new Error(
        `subscriber ${request.name} holds a grant for ${grantScope(existing)}: revoke it first, or choose another name`,
      );
    }
    const password = randomBytes(32).toString('base64url');
    await this.ports.users.upsert(principal.name, password);
    try {
      await this.ports.acls.apply(principal);
      await this.ports.registry?.addReader(principal.name, password);
      // The audit event before the register: no grant is recorded that the audit trail does not show.
      await this.ports.audit.publish(grantChanged(grant, 'GRANTED', request.grantedBy, now));
      await this.ports.store.recordGrant(grant);
    } catch (error) {
      await this.withdraw(principal.name).catch(() => undefined);
      throw error;
    }
    return { grant, password };
  }

  /** Withdraws an active grant; answers undefined when there is none under that name. */
  async revoke(
    name: string,
    by: string,
    change: 'REVOKED' | 'EXPIRED' = 'REVOKED',
  ): Promise<StoredGrant | undefined> {
    const grant = await this.ports.store.find(name);
    if (!grant || grant.revokedAt !== null) return undefined;
    const now = this.ports.now();
    await this.withdraw(grant.principal);
    await this.ports.store.recordRevocation(name, change, by, now);
    await this.ports.audit.publish(grantChanged(grant, change, by, now));
    return grant;
  }

  /** Revokes every active grant whose expiry has passed: run on a schedule. */
  async expire(by: string): Promise<StoredGrant[]> {
    const active = (await this.ports.store.list()).filter((g) => g.revokedAt === null);
    const due = expiredGrants(active, this.ports.now());
    const done: StoredGrant[] = [];
    for (const grant of due) {
      const revoked = await this.revoke(grant.name, by, 'EXPIRED');
      if (revoked) done.push(revoked);
    }
    return done;
  }

  private async withdraw(principalName: string): Promise<void> {
    await this.ports.acls.remove(principalName);
    await this.ports.users.remove(principalName);
    await this.ports.registry?.removeReader(principalName);
  }
}
