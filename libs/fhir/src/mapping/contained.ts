import type { Resource } from '@medplum/fhirtypes';

/**
 * A resource contained in another, found by a local `#id` reference. Crosscare reads the contained resource only
 * for what the outer one needs (e.g. a diagnosis code), never as a record of its own.
 */
export function containedResource<T extends Resource['resourceType']>(
  contained: readonly Resource[] | undefined,
  reference: string | undefined,
  resourceType: T,
): Extract<Resource, { resourceType: T }> | undefined {
  if (!reference?.startsWith('#')) return undefined;
  const id = reference.slice(1);
  return contained?.find(
    (resource): resource is Extract<Resource, { resourceType: T }> =>
      resource.resourceType === resourceType && resource.id === id,
  );
}
