/** What is wrong with one rendered document, located well enough to find it in the overlay's output. */
export interface ManifestProblem {
  /** The overlay (or file) the document came from. */
  readonly source: string;
  readonly kind: string;
  readonly name: string;
  /** JSON pointer into the document, e.g. /spec/replicas; empty for the document itself. */
  readonly path: string;
  readonly message: string;
}

export function describeProblem(p: ManifestProblem): string {
  return `${p.source}: ${p.kind}/${p.name}${p.path ? ` at ${p.path}` : ''}: ${p.message}`;
}

/** Schema errors as ajv reports them (kubernetes-models' validators are ajv's, compiled ahead of time). */
export interface SchemaError {
  readonly instancePath: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

export function schemaErrorMessage(error: SchemaError): string {
  const extra = error.params?.additionalProperty;
  return typeof extra === 'string' ? `unknown field "${extra}"` : (error.message ?? 'is invalid');
}
