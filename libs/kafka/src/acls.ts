import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
  type Admin,
  type AclEntry,
} from 'kafkajs';

/** One right of one principal, as libs/governance's access definitions state it. */
export interface AclGrant {
  readonly resourceType: 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID';
  readonly patternType: 'LITERAL' | 'PREFIXED';
  readonly resourceName: string;
  readonly operation: 'READ' | 'WRITE' | 'CREATE' | 'DELETE';
}

export interface AclPrincipal {
  readonly name: string;
  readonly grants: readonly AclGrant[];
}

const RESOURCE = {
  TOPIC: AclResourceTypes.TOPIC,
  GROUP: AclResourceTypes.GROUP,
  TRANSACTIONAL_ID: AclResourceTypes.TRANSACTIONAL_ID,
} as const;

const OPERATION = {
  READ: AclOperationTypes.READ,
  WRITE: AclOperationTypes.WRITE,
  CREATE: AclOperationTypes.CREATE,
  DELETE: AclOperationTypes.DELETE,
} as const;

/** The ACL entries that allow a principal its grants, from any host. */
export function aclEntries(principal: AclPrincipal): AclEntry[] {
  return principal.grants.map((g) => ({
    principal: `User:${principal.name}`,
    host: '*',
    permissionType: AclPermissionTypes.ALLOW,
    operation: OPERATION[g.operation],
    resourceType: RESOURCE[g.resourceType],
    resourceName: g.resourceName,
    resourcePatternType:
      g.patternType === 'PREFIXED' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
  }));
}

/**
 * Makes a principal's ACLs exactly its grants: what it has beyond them is removed first, so a narrowed definition
 * narrows the cluster too. Creating an ACL that exists is a no-op on the broker.
 */
export async function applyAcls(admin: Admin, principal: AclPrincipal): Promise<void> {
  const wanted = aclEntries(principal);
  const key = (e: Pick<AclEntry, 'resourceType' | 'resourceName' | 'resourcePatternType' | 'operation'>) =>
    `${e.resourceType}|${e.resourcePatternType}|${e.resourceName}|${e.operation}`;
  const wantedKeys = new Set(wanted.map(key));
  const current = await principalAcls(admin, principal.name);
  const stale = current.filter((e) => !wantedKeys.has(key(e)));
  if (stale.length > 0) {
    await admin.deleteAcls({
      filters: stale.map((e) => ({ ...e, principal: `User:${principal.name}` })),
    });
  }
  if (wanted.length > 0) await admin.createAcls({ acl: wanted });
}

/** Removes every ACL of the principal; answers how many there were. */
export async function removeAcls(admin: Admin, principalName: string): Promise<number> {
  const current = await principalAcls(admin, principalName);
  if (current.length === 0) return 0;
  await admin.deleteAcls({
    filters: [
      {
        principal: `User:${principalName}`,
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      },
    ],
  });
  return current.length;
}

/** The principal's ACL entries as the broker holds them. */
export async function principalAcls(admin: Admin, principalName: string): Promise<AclEntry[]> {
  const described = await admin.describeAcls({
    principal: `User:${principalName}`,
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  return described.resources.flatMap((r) =>
    r.acls.map((a) => ({
      ...a,
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      resourcePatternType: r.resourcePatternType,
    })),
  );
}
