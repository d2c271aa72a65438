import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
// The `apps` API group of kubernetes-models, not Crosscare's apps/: the lint rule cannot tell the paths apart.
// eslint-disable-next-line no-restricted-imports
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { SchemaError } from './manifest-problem';

/** A kubernetes-models class: constructing it from a document and calling validate() throws the schema's errors. */
type ModelClass = new (data: never) => { validate(): void };

/**
 * The built-in and KEDA kinds Crosscare's manifests may contain, by apiVersion and kind. Anything else is refused:
 * a kind outside this list is either a typo (a wrong apiVersion is a kind the cluster does not serve) or something
 * nobody decided to validate. No Secret: secrets are referenced, never committed.
 */
const MODELS: ReadonlyMap<string, ModelClass> = new Map<string, ModelClass>([
  ['v1/Namespace', Namespace],
  ['v1/ServiceAccount', ServiceAccount],
  ['v1/ConfigMap', ConfigMap],
  ['v1/Service', Service],
  ['apps/v1/Deployment', Deployment],
  ['policy/v1/PodDisruptionBudget', PodDisruptionBudget],
  ['networking.k8s.io/v1/NetworkPolicy', NetworkPolicy],
  ['keda.sh/v1alpha1/ScaledObject', ScaledObject],
  ['keda.sh/v1alpha1/TriggerAuthentication', TriggerAuthentication],
]);

export function kubernetesModelKinds(): string[] {
  return [...MODELS.keys()];
}

/**
 * The schema errors of a built-in or KEDA document, or undefined when its kind is not one of those. The OpenAPI
 * schemas of Kubernetes 1.32 (kubernetes-models 4.5) check types, required fields and enums; they do not refuse
 * unknown fields, which the API server drops with a warning.
 */
export function kubernetesModelErrors(
  apiVersion: string,
  kind: string,
  document: unknown,
): SchemaError[] | undefined {
  const Model = MODELS.get(`${apiVersion}/${kind}`);
  if (!Model) return undefined;
  try {
    new Model(document as never).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors;
    if (!errors) throw error;
    return errors;
  }
}
