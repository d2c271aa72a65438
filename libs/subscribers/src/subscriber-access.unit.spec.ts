import type { KafkaPrincipal } from '@crosscare/governance';
import type { SubscriberGrantChanged } from './grant-audit';
import type { StoredGrant } from './grant-store';
import { SubscriberAccess, type AccessPorts } from './subscriber-access';
import type { GrantRequest, SubscriberGrant } from './subscriber-grant';

const naming = { topicPrefix: 't.access', idPrefix: 'at' };

/** The ports in memory: what a grant did to the cluster, the registry, the audit trail and the register. */
function fakePorts(start = new Date('2026-12-05T10:00:00Z')) {
  const calls: string[] = [];
  const audit: SubscriberGrantChanged[] = [];
  const register = new Map<string, StoredGrant>();
  let now = start;
  const ports: AccessPorts = {
    users: {
      upsert: (name) => Promise.resolve(void calls.push(`user+ ${name}`)),
      remove: (name) => Promise.resolve(void calls.push(`user- ${name}`)),
    },
    acls: {
      apply: (p: KafkaPrincipal) => Promise.resolve(void calls.push(`acls+ ${p.name} ${p.grants.length}`)),
      remove: (name) => Promise.resolve((calls.push(`acls- ${name}`), 1)),
    },
    registry: {
      addReader: (name) => Promise.resolve(void calls.push(`reader+ ${name}`)),
      removeReader: (name) => Promise.resolve(void calls.push(`reader- ${name}`)),
    },
    audit: { publish: (event) => Promise.resolve(void audit.push(event)) },
    store: {
      find: (name) => Promise.resolve(register.get(name)),
      list: () => Promise.resolve([...register.values()]),
      recordGrant: (grant: SubscriberGrant) =>
        Promise.resolve(
          void register.set(grant.name, { ...grant, revokedAt: null, revokedBy: null, revokeReason: null }),
        ),
      recordRevocation: (name, change, by, at) => {
        const grant = register.get(name);
        if (grant) register.set(name, { ...grant, revokedAt: at, revokedBy: by, revokeReason: change });
        return Promise.resolve();
      },
    },
    now: () => now,
  };
  return { ports, calls, audit, register, advance: (to: Date) => (now = to) };
}

const sdeRequest = (name = 'dia-team', expiresAt: Date | null = null): GrantRequest => ({
  name,
  organisationOdsCode: 'RRK',
  target: { kind: 'sde-project', project: 'diabetes-outcomes', version: 1 },
  agreement: 'DSA-2026-0107',
  expiresAt,
  grantedBy: 'ig-operator',
});

describe('SubscriberAccess for an SDE team', () => {
  it('grants user, rights and registry reader, audits the project, then registers it', async () => {
    const { ports, calls, audit, register } = fakePorts();
    const { grant, password } = await new SubscriberAccess(ports, naming).grant(sdeRequest());
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(calls).toEqual(['user+ at-sub-dia-team', 'acls+ at-sub-dia-team 3', 'reader+ at-sub-dia-team']);
    expect(audit).toEqual([
      expect.objectContaining({
        change: 'GRANTED',
        principal: 'at-sub-dia-team',
        collaborative: null,
        sdeProject: 'diabetes-outcomes',
        topics: ['t.access.sde.diabetes-outcomes.v1', 't.access.sde.diabetes-outcomes.notices.v1'],
        agreement: 'DSA-2026-0107',
      }),
    ]);
    expect(register.get('dia-team')).toMatchObject({ sdeProject: 'diabetes-outcomes', collaborative: null });
    expect(grant.topics).toEqual(audit[0].topics);
  });

  it('revokes an SDE grant as any other: rights first, then user and reader, then register and audit', async () => {
    const { ports, calls, audit, register } = fakePorts();
    const access = new SubscriberAccess(ports, naming);
    await access.grant(sdeRequest());
    calls.length = 0;
    const revoked = await access.revoke('dia-team', 'ig-lead');
    expect(revoked?.sdeProject).toBe('diabetes-outcomes');
    expect(calls).toEqual(['acls- at-sub-dia-team', 'user- at-sub-dia-team', 'reader- at-sub-dia-team']);
    expect(register.get('dia-team')).toMatchObject({ revokedBy: 'ig-lead', revokeReason: 'REVOKED' });
    expect(audit.map((e) => [e.change, e.sdeProject, e.collaborative, e.changedBy])).toEqual([
      ['GRANTED', 'diabetes-outcomes', null, 'ig-operator'],
      ['REVOKED', 'diabetes-outcomes', null, 'ig-lead'],
    ]);
    expect(await access.revoke('dia-team', 'ig-lead')).toBeUndefined();
  });

  it('expires a lapsed SDE grant, and leaves one that has not lapsed', async () => {
    const { ports, audit, advance } = fakePorts();
    const access = new SubscriberAccess(ports, naming);
    await access.grant(sdeRequest('dia-team', new Date('2027-01-31T23:59:59Z')));
    await access.grant(sdeRequest('dia-later', new Date('2027-06-30T23:59:59Z')));
    advance(new Date('2027-02-01T02:15:00Z'));
    const expired = await access.expire('expiry-job');
    expect(expired.map((g) => g.name)).toEqual(['dia-team']);
    expect(audit.at(-1)).toMatchObject({
      change: 'EXPIRED',
      sdeProject: 'diabetes-outcomes',
      changedBy: 'expiry-job',
    });
  });

  it('renews a grant for the same project, and refuses one for something else while it is active', async () => {
    const { ports } = fakePorts();
    const access = new SubscriberAccess(ports, naming);
    await access.grant(sdeRequest());
    await expect(access.grant(sdeRequest())).resolves.toBeDefined();
    await expect(
      access.grant({
        ...sdeRequest(),
        target: { kind: 'sde-project', project: 'urgent-care-flow', version: 1 },
      }),
    ).rejects.toThrow(
      'subscriber dia-team holds a grant for SDE project diabetes-outcomes: revoke it first, or choose another name',
    );
    await expect(
      access.grant({ ...sdeRequest(), target: { kind: 'changelog', collaborative: 'CCR' } }),
    ).rejects.toThrow(/holds a grant for SDE project diabetes-outcomes/);
    await access.revoke('dia-team', 'ig-lead');
    await expect(
      access.grant({ ...sdeRequest(), target: { kind: 'changelog', collaborative: 'CCR' } }),
    ).resolves.toMatchObject({ grant: { collaborative: 'CCR', sdeProject: null } });
  });

  it('undoes what it did when a step fails, and registers nothing', async () => {
    const { ports, calls, register } = fakePorts();
    const failing: AccessPorts = {
      ...ports,
      audit: { publish: () => Promise.reject(new Error('audit topic unavailable')) },
    };
    await expect(new SubscriberAccess(failing, naming).grant(sdeRequest())).rejects.toThrow(
      'audit topic unavailable',
    );
    expect(calls.slice(3)).toEqual([
      'acls- at-sub-dia-team',
      'user- at-sub-dia-team',
      'reader- at-sub-dia-team',
    ]);
    expect(register.size).toBe(0);
  });
});
