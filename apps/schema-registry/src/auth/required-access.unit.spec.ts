import { requiredAccess, type Access } from './required-access';

describe('requiredAccess: method and path → public, reader or writer', () => {
  const table: [string, string, Access][] = [
    // Health probes work without credentials.
    ['GET', '/', 'public'],
    ['GET', '/health', 'public'],
    ['GET', '/health/', 'public'],
    ['HEAD', '/health', 'public'],
    ['POST', '/health', 'write'],
    ['GET', '/healthz', 'read'],
    // So does a Prometheus scrape: process figures, never a schema.
    ['GET', '/metrics', 'public'],
    ['HEAD', '/metrics', 'public'],
    ['POST', '/metrics', 'write'],
    ['GET', '/metrics/schemas', 'read'],
    // Everything a producer or consumer reads.
    ['GET', '/schemas/ids/7', 'read'],
    ['GET', '/schemas/ids/7/schema', 'read'],
    ['GET', '/schemas/ids/7/subjects', 'read'],
    ['GET', '/schemas/ids/7/versions', 'read'],
    ['GET', '/schemas/types', 'read'],
    ['GET', '/subjects', 'read'],
    ['GET', '/subjects/crosscare.Allergy/versions', 'read'],
    ['GET', '/subjects/crosscare.Allergy/versions/latest', 'read'],
    ['GET', '/subjects/crosscare.Allergy/versions/3/schema', 'read'],
    ['GET', '/subjects/crosscare.Allergy/versions/3/referencedby', 'read'],
    ['GET', '/config', 'read'],
    ['GET', '/config/crosscare.Allergy', 'read'],
    ['GET', '/mode', 'read'],
    ['GET', '/mode/crosscare.Allergy', 'read'],
    ['HEAD', '/subjects', 'read'],
    ['get', '/subjects', 'read'],
    ['GET', '/no/such/route', 'read'],
    // The read-only POSTs: lookup and compatibility tests.
    ['POST', '/subjects/crosscare.Allergy', 'read'],
    ['POST', '/subjects/crosscare.Allergy/', 'read'],
    ['POST', '/subjects/a%2Fb', 'read'],
    ['POST', '/subjects/versions', 'read'], // a subject named "versions": routed to lookup
    ['POST', '/compatibility/subjects/crosscare.Allergy/versions', 'read'],
    ['POST', '/compatibility/subjects/crosscare.Allergy/versions/latest', 'read'],
    ['POST', '/compatibility/subjects/crosscare.Allergy/versions/2/', 'read'],
    // Registering, and anything else that changes state.
    ['POST', '/subjects/crosscare.Allergy/versions', 'write'],
    ['POST', '/subjects/crosscare.Allergy/versions/', 'write'],
    ['post', '/subjects/crosscare.Allergy/versions', 'write'],
    ['PUT', '/config', 'write'],
    ['PUT', '/config/crosscare.Allergy', 'write'],
    ['DELETE', '/config', 'write'],
    ['DELETE', '/config/crosscare.Allergy', 'write'],
    ['PUT', '/mode', 'write'],
    ['PUT', '/mode/crosscare.Allergy', 'write'],
    ['DELETE', '/mode/crosscare.Allergy', 'write'],
    ['DELETE', '/subjects/crosscare.Allergy', 'write'],
    ['DELETE', '/subjects/crosscare.Allergy/versions/1', 'write'],
    ['DELETE', '/subjects/crosscare.Allergy?permanent=true', 'write'],
    ['PATCH', '/subjects/crosscare.Allergy', 'write'],
    ['OPTIONS', '/subjects', 'write'],
    // Read patterns match exactly: near misses need a writer (and no route answers them anyway).
    ['POST', '/subjects', 'write'],
    ['POST', '/subjects/', 'write'],
    ['POST', '/subjects//versions', 'write'],
    ['POST', '/subjects/x//', 'write'],
    ['POST', '/Subjects/x', 'write'],
    ['POST', '/subjects/x/versions/1', 'write'],
    ['POST', '/subjects/x/../x/versions', 'write'],
    ['POST', '/compatibility', 'write'],
    ['POST', '/compatibility/subjects/x', 'write'],
    ['POST', '/compatibility/subjects/x/versions/1/extra', 'write'],
    ['POST', '/compatibility/subjects//versions', 'write'],
    ['POST', '/', 'write'],
    ['POST', '/schemas/ids/1', 'write'],
  ];

  it.each(table)('%s %s → %s', (method, path, access) => {
    expect(requiredAccess(method, path)).toBe(access);
  });
});
