import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import {
  HttpMetrics,
  httpMetricsMiddleware,
  methodLabel,
  routePatternOf,
  type ObservedResponse,
  type RoutedRequest,
} from './http-metrics';

class FakeResponse extends EventEmitter implements ObservedResponse {
  statusCode = 200;
}

function handled(req: RoutedRequest, status: number, event: 'finish' | 'close' = 'finish') {
  const registry = new Registry();
  const metrics = new HttpMetrics(registry);
  const observed: unknown[] = [];
  let now = 10;
  const middleware = httpMetricsMiddleware(metrics, {
    clock: () => now,
    onObserved: (o) => observed.push(o),
  });
  const res = new FakeResponse();
  middleware(req, res, () => {});
  now = 10.25;
  res.statusCode = status;
  res.emit(event);
  res.emit('close');
  return { registry, observed };
}

describe('routePatternOf', () => {
  it("is the router's pattern under the mount path, never the URL", () => {
    expect(
      routePatternOf({ method: 'GET', baseUrl: '', route: { path: '/patients/:nhsNumber/record' } }),
    ).toBe('/patients/:nhsNumber/record');
    expect(routePatternOf({ method: 'GET', baseUrl: '/api', route: { path: '/' } })).toBe('/api/');
  });

  it('is <prefix>/* for an answer from middleware mounted under a prefix, and unmatched otherwise', () => {
    expect(routePatternOf({ method: 'POST', baseUrl: '/fhir', path: '/Condition/9990000018' })).toBe(
      '/fhir/*',
    );
    expect(routePatternOf({ method: 'GET', baseUrl: '', path: '/wp-admin' })).toBe('unmatched');
  });
});

describe('methodLabel', () => {
  it('keeps the methods Crosscare answers and folds the rest into OTHER', () => {
    expect(methodLabel('get')).toBe('GET');
    expect(methodLabel('PROPFIND')).toBe('OTHER');
  });
});

describe('httpMetricsMiddleware', () => {
  it('counts a request once, when answered, with its route pattern, method and status, and times it', async () => {
    const { registry, observed } = handled(
      { method: 'GET', baseUrl: '', route: { path: '/patients/:nhsNumber/record' } },
      403,
    );
    const text = await registry.metrics();
    expect(text).toContain(
      'crosscare_http_requests_total{route="/patients/:nhsNumber/record",method="GET",status="403"} 1',
    );
    expect(text).toContain(
      'crosscare_http_request_seconds_sum{route="/patients/:nhsNumber/record",method="GET"} 0.25',
    );
    expect(observed).toEqual([
      { route: '/patients/:nhsNumber/record', method: 'GET', status: 403, seconds: 0.25 },
    ]);
  });

  it('counts a request whose client went away before the answer, with the status as it stood', async () => {
    const { registry } = handled({ method: 'POST', baseUrl: '/fhir' }, 200, 'close');
    expect(await registry.metrics()).toContain(
      'crosscare_http_requests_total{route="/fhir/*",method="POST",status="200"} 1',
    );
  });

  it('leaves the scrape itself out', async () => {
    const { registry, observed } = handled({ method: 'GET', baseUrl: '', route: { path: '/metrics' } }, 200);
    expect(observed).toEqual([]);
    expect(await registry.metrics()).not.toContain('route="/metrics"');
  });
});
