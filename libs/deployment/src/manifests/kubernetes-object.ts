/** The part of every Kubernetes object the generator and the validator rely on; the rest is each kind's. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/**
 * A DNS subdomain name (RFC 1123), what Kubernetes accepts as most objects' metadata.name: lower-case letters,
 * digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters.
 */
export function isKubernetesName(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

/** Labels every generated object carries, so `kubectl get -l` finds them and reviewers know not to edit them. */
export const GENERATED_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/part-of': 'crosscare',
  'app.kubernetes.io/managed-by': 'crosscare-k8s-generate',
};
