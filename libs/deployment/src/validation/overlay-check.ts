import { kustomize } from '../kubectl/kubectl';
import { parseYamlDocuments } from '../manifests/yaml-documents';
import type { CustomResourceSchemas } from './custom-resource-schemas';
import type { ManifestProblem } from './manifest-problem';
import { validateManifest } from './manifest-validator';

export interface OverlayReport {
  readonly overlay: string;
  readonly documents: number;
  /** Documents per kind, in the order kinds first appear. */
  readonly kinds: ReadonlyMap<string, number>;
  readonly problems: readonly ManifestProblem[];
}

/** Validates every document of a rendered YAML stream (one overlay's kustomize output). */
export function checkDocuments(
  overlay: string,
  rendered: string,
  customResources: CustomResourceSchemas,
): OverlayReport {
  const documents = parseYamlDocuments(rendered);
  const kinds = new Map<string, number>();
  const problems: ManifestProblem[] = [];
  for (const document of documents) {
    const kind = (document as { kind?: unknown }).kind;
    const label = typeof kind === 'string' ? kind : '(no kind)';
    kinds.set(label, (kinds.get(label) ?? 0) + 1);
    problems.push(...validateManifest(document, overlay, customResources));
  }
  return { overlay, documents: documents.length, kinds, problems };
}

/** Renders an overlay with kubectl's Kustomize and validates what it would apply. */
export async function checkOverlay(
  kubectl: string,
  directory: string,
  overlay: string,
  customResources: CustomResourceSchemas,
): Promise<OverlayReport> {
  return checkDocuments(overlay, await kustomize(kubectl, directory), customResources);
}

export function summariseOverlay(report: OverlayReport): string {
  const kinds = [...report.kinds].map(([kind, count]) => `${count} ${kind}`).join(', ');
  const verdict = report.problems.length === 0 ? 'valid' : `${report.problems.length} problem(s)`;
  return `${report.overlay}: ${report.documents} documents ${verdict} (${kinds})`;
}
