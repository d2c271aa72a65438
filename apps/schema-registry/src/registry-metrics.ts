import { HttpMetrics, serviceRegistry, type HttpObservation } from '@crosscare/metrics';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What a registry request asks for, as its dashboards and alerts group them (from the controllers' routes). */
export type RegistryOperation =
  | 'register'
  | 'lookup'
  | 'list-subjects'
  | 'list-versions'
  | 'get-version'
  | 'referenced-by'
  | 'delete'
  | 'get-schema'
  | 'schema-usage'
  | 'schema-types'
  | 'compatibility'
  | 'get-config'
  | 'set-config'
  | 'get-mode'
  | 'set-mode'
  | 'other';

const OPERATIONS: readonly (readonly [method: string, route: RegExp, operation: RegistryOperation])[] = [
  ['POST', /^\/subjects\/:subject\/versions$/, 'register'],
  ['POST', /^\/subjects\/:subject$/, 'lookup'],
  ['GET', /^\/subjects$/, 'list-subjects'],
  ['GET', /^\/subjects\/:subject\/versions$/, 'list-versions'],
  ['GET', /^\/subjects\/:subject\/versions\/:version(\/schema)?$/, 'get-version'],
  ['GET', /^\/subjects\/:subject\/versions\/:version\/referencedby$/, 'referenced-by'],
  ['DELETE', /^\/subjects\//, 'delete'],
  ['GET', /^\/schemas\/types$/, 'schema-types'],
  ['GET', /^\/schemas\/ids\/:id(\/schema)?$/, 'get-schema'],
  ['GET', /^\/schemas\/ids\/:id\/(subjects|versions)$/, 'schema-usage'],
  ['POST', /^\/compatibility\//, 'compatibility'],
  ['GET', /^\/config/, 'get-config'],
  ['PUT', /^\/config/, 'set-config'],
  ['DELETE', /^\/config/, 'set-config'],
  ['GET', /^\/mode/, 'get-mode'],
  ['PUT', /^\/mode/, 'set-mode'],
  ['DELETE', /^\/mode/, 'set-mode'],
];

/** The probes and the root are not registry operations; the HTTP pair counts them. */
const NOT_OPERATIONS = new Set(['/', '/health', '/metrics']);

/**
 * The operation a request made, from its matched route pattern; `other` for one no route matched (refused by the
 * authentication before routing, or a path the registry does not have), undefined for the probes.
 */
export function registryOperation(method: string, route: string): RegistryOperation | undefined {
  if (NOT_OPERATIONS.has(route)) return undefined;
  return OPERATIONS.find(([m, r]) => m === method && r.test(route))?.[2] ?? 'other';
}

/**
 * The registry's /metrics: requests by operation and status, their time, and how many schemas it stores (counted
 * at each scrape). No label names a subject or schema.
 */
export class RegistryMetrics {
  readonly registry: Registry = serviceRegistry('schema-registry');
  readonly http = new HttpMetrics(this.registry);

  readonly requests = new Counter({
    name: 'crosscare_registry_requests_total',
    help: 'Schema registry requests, by operation (register, lookup, get-schema, compatibility, ...) and status',
    labelNames: ['operation', 'status'] as const,
    registers: [this.registry],
  });

  readonly seconds = new Histogram({
    name: 'crosscare_registry_request_seconds',
    help: 'Time to answer a schema registry request, by operation',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** `countSchemas` counts the stored schemas at each scrape; while the database is away the last count stays. */
  constructor(countSchemas: () => Promise<number> = () => Promise.resolve(0)) {
    new Gauge({
      name: 'crosscare_registry_schemas',
      help: 'Schemas the registry stores (distinct schemas, each with its id)',
      registers: [this.registry],
      async collect() {
        try {
          this.set(await countSchemas());
        } catch {
          // The last count, rather than a failed scrape: GET /health is what says the database is down.
        }
      },
    });
  }

  /** Each request the HTTP pair counted, as a registry operation too. */
  observe(o: HttpObservation): void {
    this.http.observe(o);
    const operation = registryOperation(o.method, o.route);
    if (operation === undefined) return;
    this.requests.inc({ operation, status: String(o.status) });
    this.seconds.observe({ operation }, o.seconds);
  }
}
