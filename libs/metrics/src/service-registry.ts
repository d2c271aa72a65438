import { Registry } from 'prom-client';

/** Crosscare's services, as the `service` label names them on every metric they serve. */
export const CROSSCARE_SERVICES = [
  'ingest',
  'record-api',
  'schema-registry',
  'projector',
  'sde-publisher',
  'subscriptions',
] as const;
export type CrosscareService = (typeof CROSSCARE_SERVICES)[number];

/**
 * A service's own registry (never prom-client's global one: tests run several services in one process), with the
 * `service` label on every series it serves, so one dashboard query tells the services apart whatever the scrape
 * job's labels. `labels` adds the few others that are fixed for the process (a projector's `collaborative`, an
 * `instance`).
 */
export function serviceRegistry(service: CrosscareService, labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(serviceLabels(service, labels));
  return registry;
}

/** The default labels of a service's registry, for one made elsewhere (a class field). */
export function serviceLabels(
  service: CrosscareService,
  labels: Record<string, string> = {},
): Record<string, string> {
  return { ...labels, service };
}
