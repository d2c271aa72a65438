import type { Options } from 'prettier';
// The standalone build: the main entry loads its core by dynamic import(), which Jest's CommonJS runtime refuses.
import * as yamlPlugin from 'prettier/plugins/yaml';
import { format } from 'prettier/standalone';
import { parseAllDocuments, stringify } from 'yaml';

/**
 * Objects as one multi-document YAML file under a comment header, formatted with the repository's Prettier options
 * so that `prettier --check` passes the generated files unchanged.
 */
export function renderYamlDocuments(
  header: readonly string[],
  objects: readonly object[],
  prettier: Options = {},
): Promise<string> {
  const comment = header.map((line) => `# ${line}`.trimEnd()).join('\n');
  const documents = objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
  return format(`${comment}\n${documents}`, { ...prettier, parser: 'yaml', plugins: [yamlPlugin] });
}

/** Every document of a YAML stream (kubectl kustomize's output), empty ones dropped; a syntax error throws. */
export function parseYamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(document.errors.map((e) => e.message).join('; '));
    const value: unknown = document.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}
