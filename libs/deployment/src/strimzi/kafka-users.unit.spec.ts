import {
  adminPrincipalName,
  loadProviderDirectory,
  servicePrincipals,
  type KafkaGrant,
} from '@crosscare/governance';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYamlDocuments } from '../manifests/yaml-documents';
import { grantsOfKafkaUser, kafkaUsers, strimziAcls, type KafkaUserResource } from './kafka-users';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const principals = servicePrincipals(loadProviderDirectory().collaboratives());
const key = (g: KafkaGrant) => `${g.resourceType} ${g.patternType} ${g.resourceName} ${g.operation}`;
const sortedKeys = (grants: readonly KafkaGrant[]) => grants.map(key).sort();

function committedUsers(): KafkaUserResource[] {
  const text = fs.readFileSync(path.join(ROOT, 'deploy/k8s/base/kafka/kafka-users.yaml'), 'utf8');
  return parseYamlDocuments(text) as KafkaUserResource[];
}

describe.each([
  ['generated', () => kafkaUsers(principals, adminPrincipalName())],
  ['committed (deploy/k8s/base/kafka/kafka-users.yaml)', committedUsers],
])('KafkaUsers, %s', (_which, users) => {
  it('allow each service principal exactly its grants: every grant is an ACL and every ACL a grant', () => {
    const all = users();
    for (const principal of principals) {
      const user = all.find((u) => u.metadata.name === principal.name);
      expect(user).toBeDefined();
      expect(sortedKeys(grantsOfKafkaUser(user!))).toEqual(sortedKeys(principal.grants));
    }
  });

  it('hold a user for every principal, the importer and subscriptions among them, and for the admin, nothing else', () => {
    const names = users().map((u) => u.metadata.name);
    expect(names.sort()).toEqual([...principals.map((p) => p.name), adminPrincipalName()].sort());
    expect(names).toEqual(
      expect.arrayContaining(['crosscare-subscriptions', 'crosscare-opt-out-import', 'crosscare-admin']),
    );
  });

  it('give the admin no ACLs: its rights are the super user of the Kafka resource', () => {
    const admin = users().find((u) => u.metadata.name === adminPrincipalName());
    expect(admin?.spec.authorization).toBeUndefined();
    expect(admin?.spec.authentication).toEqual({ type: 'scram-sha-512' });
  });

  it('authenticate every user with SCRAM-SHA-512 and belong to the crosscare cluster', () => {
    for (const user of users()) {
      expect(user.spec.authentication.type).toBe('scram-sha-512');
      expect(user.metadata.labels?.['strimzi.io/cluster']).toBe('crosscare');
    }
  });
});

describe('the Kafka resource', () => {
  it('names the admin principal as its only super user, with simple authorization', () => {
    const text = fs.readFileSync(path.join(ROOT, 'deploy/k8s/base/kafka/kafka.yaml'), 'utf8');
    const kafka = parseYamlDocuments(text).find((d) => (d as { kind: string }).kind === 'Kafka') as {
      spec: { kafka: { authorization: { type: string; superUsers: string[] } } };
    };
    expect(kafka.spec.kafka.authorization).toEqual({ type: 'simple', superUsers: [adminPrincipalName()] });
  });
});

describe('strimziAcls', () => {
  it('puts every operation on one resource into one rule, in a fixed order', () => {
    const topic = (operation: KafkaGrant['operation']): KafkaGrant => ({
      resourceType: 'TOPIC',
      patternType: 'LITERAL',
      resourceName: 't',
      operation,
    });
    expect(strimziAcls([topic('CREATE'), topic('READ'), topic('WRITE')])).toEqual([
      {
        type: 'allow',
        resource: { type: 'topic', name: 't', patternType: 'literal' },
        operations: ['Read', 'Write', 'Create'],
      },
    ]);
  });

  it('maps prefixed group and transactional id grants to Strimzi prefix patterns', () => {
    expect(
      strimziAcls([
        { resourceType: 'GROUP', patternType: 'PREFIXED', resourceName: 'g-', operation: 'DELETE' },
        { resourceType: 'TRANSACTIONAL_ID', patternType: 'PREFIXED', resourceName: 'x-', operation: 'WRITE' },
      ]).map((acl) => acl.resource),
    ).toEqual([
      { type: 'group', name: 'g-', patternType: 'prefix' },
      { type: 'transactionalId', name: 'x-', patternType: 'prefix' },
    ]);
  });

  it('cannot be read back from an ACL Crosscare never grants', () => {
    const user = {
      metadata: { name: 'u' },
      spec: {
        authentication: { type: 'scram-sha-512' as const },
        authorization: {
          type: 'simple' as const,
          acls: [
            {
              type: 'allow' as const,
              resource: { type: 'cluster', name: 'kafka-cluster', patternType: 'literal' },
              operations: ['Alter'],
            },
          ],
        },
      },
    } as unknown as KafkaUserResource;
    expect(() => grantsOfKafkaUser(user)).toThrow(/never grants/);
  });
});
