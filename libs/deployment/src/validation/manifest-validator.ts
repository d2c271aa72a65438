import type { CustomResourceSchemas } from './custom-resource-schemas';
import { kubernetesModelErrors } from './kubernetes-kinds';
import { schemaErrorMessage, type ManifestProblem } from './manifest-problem';

function field(document: unknown, name: string): string | undefined {
  if (!document || typeof document !== 'object') return undefined;
  const value = (document as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Validates one rendered document: built-in and KEDA kinds against kubernetes-models' schemas, custom resources
 * against their CRDs. A document of any other kind is a problem, never skipped: a check that passes what it cannot
 * read proves nothing.
 */
export function validateManifest(
  document: unknown,
  source: string,
  customResources: CustomResourceSchemas,
): ManifestProblem[] {
  const apiVersion = field(document, 'apiVersion') ?? '';
  const kind = field(document, 'kind') ?? '';
  const metadata = (document as { metadata?: unknown } | null)?.metadata;
  const name = field(metadata, 'name') ?? '(no name)';
  const at = { source, kind: kind || '(no kind)', name };
  if (!apiVersion || !kind) return [{ ...at, path: '', message: 'has no apiVersion or kind' }];
  const errors =
    kubernetesModelErrors(apiVersion, kind, document) ?? customResources.errors(apiVersion, kind, document);
  if (!errors) {
    return [{ ...at, path: '', message: `${apiVersion} ${kind} is not a kind this check knows; refused` }];
  }
  const problems = errors.map((e) => ({ ...at, path: e.instancePath, message: schemaErrorMessage(e) }));
  if (!field(metadata, 'name')) problems.push({ ...at, path: '/metadata/name', message: 'is required' });
  return problems;
}
