import type { KafkaGrant, KafkaOperation, KafkaPrincipal } from '@crosscare/governance';
import { GENERATED_LABELS, isKubernetesName, type KubernetesObject } from '../manifests/kubernetes-object';
import { STRIMZI_API_VERSION, STRIMZI_CLUSTER } from './strimzi-cluster';

/** A Strimzi ACL rule (KafkaUser spec.authorization.acls[]), as the v1 CRD spells it. */
export interface StrimziAcl {
  readonly type: 'allow';
  readonly resource: {
    readonly type: 'topic' | 'group' | 'transactionalId';
    readonly name: string;
    readonly patternType: 'literal' | 'prefix';
  };
  readonly operations: readonly StrimziOperation[];
}

export type StrimziOperation = 'Read' | 'Write' | 'Create' | 'Delete';

export interface KafkaUserResource extends KubernetesObject {
  readonly kind: 'KafkaUser';
  readonly spec: {
    readonly authentication: { readonly type: 'scram-sha-512' };
    readonly authorization?: { readonly type: 'simple'; readonly acls: readonly StrimziAcl[] };
  };
}

const RESOURCE_TYPE = {
  TOPIC: 'topic',
  GROUP: 'group',
  TRANSACTIONAL_ID: 'transactionalId',
} as const satisfies Record<KafkaGrant['resourceType'], StrimziAcl['resource']['type']>;

const PATTERN_TYPE = {
  LITERAL: 'literal',
  PREFIXED: 'prefix',
} as const satisfies Record<KafkaGrant['patternType'], StrimziAcl['resource']['patternType']>;

const OPERATION = {
  READ: 'Read',
  WRITE: 'Write',
  CREATE: 'Create',
  DELETE: 'Delete',
} as const satisfies Record<KafkaOperation, StrimziOperation>;

const OPERATION_ORDER: readonly KafkaOperation[] = ['READ', 'WRITE', 'CREATE', 'DELETE'];

/**
 * A principal's grants as Strimzi ACLs: one rule per resource with every operation granted on it, in the order the
 * grants name the resources, so that the generated file reads like libs/governance's definition.
 */
export function strimziAcls(grants: readonly KafkaGrant[]): StrimziAcl[] {
  const byResource = new Map<string, { grant: KafkaGrant; operations: Set<KafkaOperation> }>();
  for (const grant of grants) {
    const key = `${grant.resourceType}|${grant.patternType}|${grant.resourceName}`;
    const entry = byResource.get(key) ?? { grant, operations: new Set<KafkaOperation>() };
    entry.operations.add(grant.operation);
    byResource.set(key, entry);
  }
  return [...byResource.values()].map(({ grant, operations }) => ({
    type: 'allow',
    resource: {
      type: RESOURCE_TYPE[grant.resourceType],
      name: grant.resourceName,
      patternType: PATTERN_TYPE[grant.patternType],
    },
    operations: OPERATION_ORDER.filter((o) => operations.has(o)).map((o) => OPERATION[o]),
  }));
}

function inverse<K extends string, V extends string>(table: Record<K, V>): Map<V, K> {
  return new Map(Object.entries(table).map(([k, v]) => [v as V, k as K]));
}

/**
 * The grants a KafkaUser's ACLs allow, one per operation: the inverse of strimziAcls, so that a test can prove the
 * generated users allow exactly what libs/governance grants, in both directions. Throws on anything the
 * definitions never produce (a deny rule, a cluster resource, an operation outside READ/WRITE/CREATE/DELETE).
 */
export function grantsOfKafkaUser(user: Pick<KafkaUserResource, 'metadata' | 'spec'>): KafkaGrant[] {
  const resourceTypes = inverse(RESOURCE_TYPE);
  const patternTypes = inverse(PATTERN_TYPE);
  const operations = inverse(OPERATION);
  return (user.spec.authorization?.acls ?? []).flatMap((acl) => {
    const resourceType = resourceTypes.get(acl.resource.type);
    const patternType = patternTypes.get(acl.resource.patternType);
    if (acl.type !== 'allow' || !resourceType || !patternType) {
      throw new RangeError(`${user.metadata.name}: an ACL Crosscare never grants: ${JSON.stringify(acl)}`);
    }
    return acl.operations.map((name): KafkaGrant => {
      const operation = operations.get(name);
      if (!operation) throw new RangeError(`${user.metadata.name}: operation ${name} is never granted`);
      return { resourceType, patternType, resourceName: acl.resource.name, operation };
    });
  });
}

function kafkaUser(name: string, acls: readonly StrimziAcl[] | undefined): KafkaUserResource {
  // The user operator names the SCRAM user after the resource, so metadata.name must be the principal itself.
  if (!isKubernetesName(name)) throw new RangeError(`principal "${name}" is not a valid KafkaUser name`);
  return {
    apiVersion: STRIMZI_API_VERSION,
    kind: 'KafkaUser',
    metadata: { name, labels: { 'strimzi.io/cluster': STRIMZI_CLUSTER, ...GENERATED_LABELS } },
    spec: {
      authentication: { type: 'scram-sha-512' },
      ...(acls ? { authorization: { type: 'simple' as const, acls } } : {}),
    },
  };
}

/**
 * One SCRAM-SHA-512 KafkaUser per service principal with exactly its grants, and the admin: a user with no ACLs of its
 * own, because the Kafka resource names it the cluster's only super user (as the local stack's brokers do). The user
 * operator writes each password into a Secret named after the user, which the service's pod mounts as a file.
 */
export function kafkaUsers(principals: readonly KafkaPrincipal[], adminName: string): KafkaUserResource[] {
  return [
    ...principals.map((p) => kafkaUser(p.name, strimziAcls(p.grants))),
    kafkaUser(adminName, undefined),
  ];
}
