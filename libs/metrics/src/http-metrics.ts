import { Counter, Histogram, type Registry } from 'prom-client';

/** Buckets for answers a person or a feed waits on: 5 ms to 10 s. */
export const HTTP_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One answered HTTP request, as the shared pair counts it. */
export interface HttpObservation {
  /** The matched route pattern (`/patients/:nhsNumber/record`), never the URL: a URL may name a patient. */
  readonly route: string;
  readonly method: string;
  readonly status: number;
  readonly seconds: number;
}

/**
 * The HTTP pair every Crosscare HTTP service serves, one name for all: `crosscare_http_requests_total{route, method,
 * status}` and `crosscare_http_request_seconds{route, method}`. Per-service counters (ingest's, the registry's, the
 * record API's) say what a request meant; these say how the HTTP face behaves.
 */
export class HttpMetrics {
  readonly requests: Counter<'route' | 'method' | 'status'>;
  readonly seconds: Histogram<'route' | 'method'>;

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'crosscare_http_requests_total',
      help: 'HTTP requests answered, by matched route pattern (unmatched when none matched), method and status',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    });
    this.seconds = new Histogram({
      name: 'crosscare_http_request_seconds',
      help: 'Time from a request arriving to its answer being written, by matched route pattern and method',
      labelNames: ['route', 'method'] as const,
      buckets: HTTP_SECONDS_BUCKETS,
      registers: [registry],
    });
  }

  observe(o: HttpObservation): void {
    this.requests.inc({ route: o.route, method: o.method, status: String(o.status) });
    this.seconds.observe({ route: o.route, method: o.method }, o.seconds);
  }
}

/** What the middleware reads of a request: Express's shape, without depending on Express. */
export interface RoutedRequest {
  readonly method: string;
  readonly baseUrl?: string;
  readonly path?: string;
  readonly route?: { readonly path?: unknown };
}

/** What it reads of a response. */
export interface ObservedResponse {
  readonly statusCode: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

/** A request no route answered: 404s, and scanners' guesses, all under one label. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Methods Crosscare answers; anything else is one label, so a client cannot mint series by inventing methods. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route pattern a request matched, read when it has been answered: the router's pattern under the mount path.
 * A request answered by middleware mounted under a prefix before any route matched it (ingest's authentication gate
 * under `/fhir`) is `<prefix>/*`; one nothing answered but the fallback is `unmatched`.
 */
export function routePatternOf(req: RoutedRequest): string {
  const base = req.baseUrl ?? '';
  const pattern = req.route?.path;
  if (typeof pattern === 'string') return `${base}${pattern}` || '/';
  return base !== '' ? `${base}/*` : UNMATCHED_ROUTE;
}

export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : 'OTHER';
}

/** Routes the pair leaves out: the scrape itself, which would otherwise measure itself at every scrape. */
export const UNMEASURED_ROUTES: ReadonlySet<string> = new Set(['/metrics']);

export interface HttpMetricsOptions {
  /** Told of every request counted, with the request: a service's own counters (the registry's operations). */
  readonly onObserved?: (observation: HttpObservation, req: RoutedRequest) => void;
  /** Defaults to UNMEASURED_ROUTES. */
  readonly unmeasured?: ReadonlySet<string>;
  /** High-resolution seconds, for tests. */
  readonly clock?: () => number;
}

const hrSeconds = () => Number(process.hrtime.bigint()) / 1e9;

/**
 * Connect/Express middleware (`app.use(...)` first, so that it times what every later middleware does) counting
 * each request once in `metrics` (an HttpMetrics, or anything that hands the observation to the current one), when its answer has been written ('finish') or the client went away first ('close', counted
 * with the status as it stood). Health probes are counted: an orchestrator's 503s are worth seeing.
 */
export function httpMetricsMiddleware(
  metrics: { observe(observation: HttpObservation): void },
  options: HttpMetricsOptions = {},
): (req: RoutedRequest, res: ObservedResponse, next: () => void) => void {
  const clock = options.clock ?? hrSeconds;
  const unmeasured = options.unmeasured ?? UNMEASURED_ROUTES;
  return (req, res, next) => {
    const started = clock();
    let counted = false;
    const count = () => {
      if (counted) return;
      counted = true;
      const route = routePatternOf(req);
      if (unmeasured.has(route)) return;
      const observation: HttpObservation = {
        route,
        method: methodLabel(req.method),
        status: res.statusCode,
        seconds: Math.max(0, clock() - started),
      };
      metrics.observe(observation);
      options.onObserved?.(observation, req);
    };
    res.once('finish', count);
    res.once('close', count);
    next();
  };
}
