export const MAX_ENDPOINT_LENGTH = 2048;

export interface EndpointOptions {
  /** Development only: accept http:// endpoints (the IG strongly recommends refusing them, channels.html). */
  readonly allowHttpEndpoints?: boolean;
  /** Development only: accept endpoints on this host or a private network (localhost, 10.x, 192.168.x…). */
  readonly allowLocalEndpoints?: boolean;
}

/**
 * Why a rest-hook endpoint is refused, or undefined when it is acceptable. HTTPS only: a notification names patients
 * (id-only) or carries their record (full-resource), and HTTP neither encrypts nor proves who answers. Credentials
 * in the URL are refused because the Subscription is shown back to its readers; channel.header is where secrets go,
 * and is redacted. A literal private address is refused so a subscription cannot aim deliveries at Crosscare's own
 * network; a name that resolves to one can only be caught when delivering, after resolution.
 */
export function endpointProblem(endpoint: string, options: EndpointOptions): string | undefined {
  if (endpoint.length > MAX_ENDPOINT_LENGTH)
    return `the endpoint is longer than ${MAX_ENDPOINT_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'the endpoint is not an absolute URL';
  }
  const http = url.protocol === 'http:';
  if (url.protocol !== 'https:' && !(http && options.allowHttpEndpoints === true)) {
    return http ? 'the endpoint must use https' : `the endpoint must be an https URL, not ${url.protocol}`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'the endpoint must not carry credentials; send them in channel.header, which is never shown back';
  }
  if (url.hash !== '') return 'the endpoint must not have a fragment (#…): it is never sent';
  if (options.allowLocalEndpoints !== true && isLocalHost(url.hostname)) {
    return 'the endpoint must be on the internet or HSCN, not on this host or a private network';
  }
  return undefined;
}

/**
 * Whether a host name or address is this host or a private network's: for an endpoint's literal host when it is
 * accepted, and for each address its name resolves to when a notification is sent.
 */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (ipv4 !== null) return isPrivateIpv4(Number(ipv4[1]), Number(ipv4[2]));
  if (host.includes(':')) return isPrivateIpv6(host);
  return false;
}

/** Loopback, this network, RFC 1918 private, shared (CGNAT) and link-local ranges (cloud metadata lives there). */
function isPrivateIpv4(a: number, b: number): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

/** Loopback, unspecified, unique local (fc00::/7), link-local (fe80::/10) and IPv4-mapped addresses. */
function isPrivateIpv6(host: string): boolean {
  if (host === '::1' || host === '::') return true;
  if (host.startsWith('::ffff:')) return true;
  return /^f[cd][0-9a-f]{0,2}:/.test(host) || /^fe[89ab][0-9a-f]?:/.test(host);
}
