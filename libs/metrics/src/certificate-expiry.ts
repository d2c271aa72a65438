import { X509Certificate } from 'node:crypto';
import { Gauge, type Registry } from 'prom-client';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * When the first certificate of a PEM bundle to expire does (epoch ms); undefined when it holds none Node can read.
 * A bundle (a CA file with an intermediate, or the old and new CA during a rotation) is as good as its earliest.
 */
export function earliestExpiry(pem: string): number | undefined {
  let earliest: number | undefined;
  for (const block of pem.match(PEM_BLOCK) ?? []) {
    let notAfter: number;
    try {
      notAfter = Date.parse(new X509Certificate(block).validTo);
    } catch {
      continue;
    }
    if (!Number.isNaN(notAfter) && (earliest === undefined || notAfter < earliest)) earliest = notAfter;
  }
  return earliest;
}

/**
 * `crosscare_tls_certificate_expiry_timestamp_seconds{certificate}` for the certificates the service loaded at start
 * (by name: `kafka-ca` for KAFKA_SSL_CA_FILE): what it trusts now, not what the file holds since. Alert well before:
 * a CA that expires stops every Kafka connection at once. Certificates not given (the system's CAs) are left out.
 */
export function registerCertificateExpiry(
  registry: Registry,
  certificates: Readonly<Record<string, string | undefined>>,
): Gauge<'certificate'> {
  const gauge = new Gauge({
    name: 'crosscare_tls_certificate_expiry_timestamp_seconds',
    help: 'When the earliest-expiring certificate of a PEM the service loaded at start expires (Unix seconds), by name',
    labelNames: ['certificate'] as const,
    registers: [registry],
  });
  for (const [certificate, pem] of Object.entries(certificates)) {
    const expiry = pem === undefined ? undefined : earliestExpiry(pem);
    if (expiry !== undefined) gauge.set({ certificate }, expiry / 1000);
  }
  return gauge;
}
