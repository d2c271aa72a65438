import { RegistryMetrics, registryOperation } from './registry-metrics';

describe('registryOperation', () => {
  it.each([
    ['POST', '/subjects/:subject/versions', 'register'],
    ['POST', '/subjects/:subject', 'lookup'],
    ['GET', '/subjects', 'list-subjects'],
    ['GET', '/subjects/:subject/versions', 'list-versions'],
    ['GET', '/subjects/:subject/versions/:version', 'get-version'],
    ['GET', '/subjects/:subject/versions/:version/schema', 'get-version'],
    ['GET', '/subjects/:subject/versions/:version/referencedby', 'referenced-by'],
    ['DELETE', '/subjects/:subject/versions/:version', 'delete'],
    ['GET', '/schemas/ids/:id', 'get-schema'],
    ['GET', '/schemas/ids/:id/subjects', 'schema-usage'],
    ['GET', '/schemas/types', 'schema-types'],
    ['POST', '/compatibility/subjects/:subject/versions/:version', 'compatibility'],
    ['PUT', '/config/:subject', 'set-config'],
    ['GET', '/mode', 'get-mode'],
    ['GET', 'unmatched', 'other'],
  ])('%s %s → %s', (method, route, operation) => {
    expect(registryOperation(method, route)).toBe(operation);
  });

  it('leaves the probes and the root to the HTTP pair', () => {
    for (const route of ['/', '/health', '/metrics']) expect(registryOperation('GET', route)).toBeUndefined();
  });
});

describe('RegistryMetrics', () => {
  it('counts a request as an HTTP request and as its operation, and the schemas stored at each scrape', async () => {
    const metrics = new RegistryMetrics(() => Promise.resolve(42));
    metrics.observe({ route: '/subjects/:subject/versions', method: 'POST', status: 200, seconds: 0.01 });
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'crosscare_registry_requests_total{operation="register",status="200",service="schema-registry"} 1',
    );
    expect(text).toContain(
      'crosscare_http_requests_total{route="/subjects/:subject/versions",method="POST",status="200",service="schema-registry"} 1',
    );
    expect(text).toContain('crosscare_registry_schemas{service="schema-registry"} 42');
  });

  it('keeps the last schema count, rather than failing the scrape, when the database does not answer', async () => {
    let count = () => Promise.resolve(7);
    const metrics = new RegistryMetrics(() => count());
    await metrics.registry.metrics();
    count = () => Promise.reject(new Error('database away'));
    expect(await metrics.registry.metrics()).toContain(
      'crosscare_registry_schemas{service="schema-registry"} 7',
    );
  });
});
