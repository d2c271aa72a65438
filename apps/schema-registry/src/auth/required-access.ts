/**
 * What a request needs: nothing (health probes, metrics), the reader role, or the writer role. Decided from the method and
 * the raw path alone, before routing, so that it can run ahead of body parsing.
 *
 * Least privilege by construction: GET and HEAD never change anything here, and a POST is a read only when it is
 * one of the two read-only POST routes (a lookup, a compatibility test). Every other method and path, including
 * ones no route answers, needs a writer.
 */
export type Access = 'public' | 'read' | 'write';

export function requiredAccess(method: string, path: string): Access {
  const segments = pathSegments(path);
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
      return isHealthProbe(segments) ? 'public' : 'read';
    case 'POST':
      return isLookup(segments) || isCompatibilityTest(segments) ? 'read' : 'write';
    default:
      return 'write';
  }
}

/**
 * The path's segments, still percent-encoded (as express routes them: an encoded '/' stays inside its segment).
 * Express matches with or without one trailing slash, so one is dropped; any other empty segment is kept and so
 * matches no read pattern below.
 */
function pathSegments(path: string): string[] {
  const segments = path.split('/').slice(1);
  if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
  return segments;
}

const named = (segment: string | undefined) => segment !== undefined && segment !== '';

/**
 * GET / (Confluent's root, which some clients probe), GET /health, and GET /metrics (Prometheus scrapes, open on
 * every Crosscare service: the process's own figures, never a schema).
 */
function isHealthProbe(s: string[]): boolean {
  return s.length === 0 || (s.length === 1 && (s[0] === 'health' || s[0] === 'metrics'));
}

/** POST /subjects/{subject}: is this schema registered under the subject? */
function isLookup(s: string[]): boolean {
  return s.length === 2 && s[0] === 'subjects' && named(s[1]);
}

/** POST /compatibility/subjects/{subject}/versions[/{version}]: could this schema be registered? */
function isCompatibilityTest(s: string[]): boolean {
  return (
    (s.length === 4 || (s.length === 5 && named(s[4]))) &&
    s[0] === 'compatibility' &&
    s[1] === 'subjects' &&
    named(s[2]) &&
    s[3] === 'versions'
  );
}
