import Ajv, { type ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { SchemaError } from './manifest-problem';

interface CrdVersion {
  readonly name: string;
  readonly served?: boolean;
  readonly schema?: { readonly openAPIV3Schema?: Record<string, unknown> };
}

interface CustomResourceDefinition {
  readonly kind: 'CustomResourceDefinition';
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly CrdVersion[];
  };
}

/**
 * The schema with every object that lists its properties closed to others. The API server prunes fields a structural
 * schema does not declare, silently: a misspelt field of a KafkaUser would vanish, and with it the setting. Refusing
 * unknown fields here turns that into an error. Objects that preserve unknown fields (a topic's config) stay open, as
 * do oneOf branches (they have no type of their own).
 */
export function closedSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closedSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const node = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, key === 'enum' ? value : closedSchema(value)]),
  ) as Record<string, unknown>;
  const closes =
    node.type === 'object' &&
    node.properties !== undefined &&
    node.additionalProperties === undefined &&
    node['x-kubernetes-preserve-unknown-fields'] !== true;
  return closes ? { ...node, additionalProperties: false } : node;
}

export interface CustomResourceSchemas {
  /** apiVersion/kind of every served version, e.g. kafka.strimzi.io/v1/KafkaUser. */
  kinds(): string[];
  /** The document's schema errors, or undefined when no definition serves its apiVersion and kind. */
  errors(apiVersion: string, kind: string, document: unknown): SchemaError[] | undefined;
}

/**
 * Validators for the custom resources defined by the CRD files in a directory (Strimzi's, from ../shared/k8s), built
 * with ajv from each served version's openAPIV3Schema. Kubernetes' extensions (x-kubernetes-*) are not JSON Schema:
 * ajv ignores them, so CEL rules (x-kubernetes-validations) are not evaluated here; the API server does that.
 */
export function loadCustomResourceSchemas(directory: string): CustomResourceSchemas {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<string, ValidateFunction>();
  const files = fs.readdirSync(directory).filter((f) => /\.ya?ml$/.test(f));
  if (files.length === 0) throw new Error(`no CustomResourceDefinition files in ${directory}`);
  for (const file of files.sort()) {
    for (const document of parseAllDocuments(fs.readFileSync(path.join(directory, file), 'utf8'))) {
      const crd = document.toJS() as CustomResourceDefinition | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const schema = version.schema?.openAPIV3Schema;
        if (version.served === false || !schema) continue;
        validators.set(
          `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`,
          ajv.compile(closedSchema(schema) as object),
        );
      }
    }
  }
  return {
    kinds: () => [...validators.keys()],
    errors(apiVersion, kind, document) {
      const validate = validators.get(`${apiVersion}/${kind}`);
      if (!validate) return undefined;
      return validate(document) ? [] : (validate.errors ?? []);
    },
  };
}
