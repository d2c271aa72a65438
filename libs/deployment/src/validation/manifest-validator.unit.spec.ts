import * as path from 'node:path';
import { loadCustomResourceSchemas } from './custom-resource-schemas';
import { describeProblem } from './manifest-problem';
import { validateManifest } from './manifest-validator';
import { checkDocuments } from './overlay-check';

// Strimzi's CRDs as ../shared/k8s provides them beside the repository (never copied into it).
const STRIMZI_CRDS = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  '..',
  'shared',
  'k8s',
  'crds',
  'strimzi',
);
const customResources = loadCustomResourceSchemas(STRIMZI_CRDS);
const validate = (document: unknown) => validateManifest(document, 'test', customResources);

const deployment = (replicas: unknown) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'ingest' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'ingest' } },
    template: {
      metadata: { labels: { app: 'ingest' } },
      spec: { containers: [{ name: 'ingest', image: 'crosscare/ingest:local' }] },
    },
  },
});

const kafkaUser = (resourceType: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'kafka.strimzi.io/v1',
  kind: 'KafkaUser',
  metadata: { name: 'crosscare-ingest', labels: { 'strimzi.io/cluster': 'crosscare' } },
  spec: {
    authentication: { type: 'scram-sha-512' },
    authorization: {
      type: 'simple',
      acls: [
        {
          type: 'allow',
          resource: { type: resourceType, name: 'crosscare.qhl.record-changes.v1', patternType: 'literal' },
          operations: ['Write'],
          ...extra,
        },
      ],
    },
  },
});

describe('validateManifest', () => {
  it('passes a well-formed Deployment and KafkaUser', () => {
    expect(validate(deployment(2))).toEqual([]);
    expect(validate(kafkaUser('topic'))).toEqual([]);
  });

  it('refuses a Deployment with a string where an integer belongs, naming the field', () => {
    const problems = validate(deployment('2'));
    expect(problems).toEqual([
      {
        source: 'test',
        kind: 'Deployment',
        name: 'ingest',
        path: '/spec/replicas',
        message: 'must be integer',
      },
    ]);
    expect(describeProblem(problems[0])).toBe('test: Deployment/ingest at /spec/replicas: must be integer');
  });

  it('refuses a KafkaUser with an ACL resource type Strimzi does not know', () => {
    expect(validate(kafkaUser('topics'))).toEqual([
      expect.objectContaining({
        kind: 'KafkaUser',
        path: '/spec/authorization/acls/0/resource/type',
        message: 'must be equal to one of the allowed values',
      }),
    ]);
  });

  it('refuses a field a custom resource does not declare, which the API server would silently drop', () => {
    expect(validate(kafkaUser('topic', { operation: ['Read'] }))).toEqual([
      expect.objectContaining({ path: '/spec/authorization/acls/0', message: 'unknown field "operation"' }),
    ]);
  });

  it('refuses a kind it cannot validate, and a document without a kind', () => {
    expect(validate({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } })).toEqual([
      expect.objectContaining({ message: 'v1 Secret is not a kind this check knows; refused' }),
    ]);
    expect(validate({ ...deployment(1), apiVersion: 'apps/v1beta1' })[0]?.message).toMatch(/not a kind/);
    expect(validate({ metadata: { name: 'x' } })[0]?.message).toBe('has no apiVersion or kind');
  });
});

describe('checkDocuments', () => {
  it('counts documents by kind and gathers every problem of a YAML stream', () => {
    const stream = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  A: "1"',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ingest\nspec:\n  replicas: two\n  selector: {}\n  template: {}',
    ].join('\n---\n');
    const report = checkDocuments('overlays/test', stream, customResources);
    expect(report.documents).toBe(2);
    expect([...report.kinds]).toEqual([
      ['ConfigMap', 1],
      ['Deployment', 1],
    ]);
    expect(report.problems.map((p) => p.path)).toEqual(['/spec/replicas']);
  });
});
