import { Registry } from 'prom-client';
import { earliestExpiry, registerCertificateExpiry } from './certificate-expiry';

/** Self-signed test certificates (openssl req -x509 -days 30 / 3650), public and holding nothing. */
const EXPIRES_2027 = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBjjCCATOgAwIBAgIUYkTEaJViG16KMCG8EkoM1Vk5X78wCgYIKoZIzj0EAwIw',
  'HDEaMBgGA1UEAwwRY3Jvc3NjYXJlLXRlc3QtMzAwHhcNMjYxMjA2MTMwNzE5WhcN',
  'MjcwMTA1MTMwNzE5WjAcMRowGAYDVQQDDBFjcm9zc2NhcmUtdGVzdC0zMDBZMBMG',
  'ByqGSM49AgEGCCqGSM49AwEHA0IABIsMgP7oLzy7udEFSOWv39GcfpsRBdcmS8Md',
  'arvfuxCzX6uWpi0cMsbnIQIVz1g46gtX8l1by4b2vEF84b5GPiCjUzBRMB0GA1Ud',
  'DgQWBBQJSAO/kTHiyDGDAGANYV6IVcThizAfBgNVHSMEGDAWgBQJSAO/kTHiyDGD',
  'AGANYV6IVcThizAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDc',
  '/R8i3NvW1OcNjQD+Zt65pbfl2DOp3HH62CJGdwPOSAIhAMz9PkCsW6kyPtm4Ds4Q',
  'G8V7RMwLEpWuS0oDxM0XMhE9',
  '-----END CERTIFICATE-----',
].join('\n');
const EXPIRES_2036 = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBkTCCATegAwIBAgIUGXeI8wySBkbeFeR/ncTw3QSqJmAwCgYIKoZIzj0EAwIw',
  'HjEcMBoGA1UEAwwTY3Jvc3NjYXJlLXRlc3QtMzY1MDAeFw0yNjEyMDYxMzA3MTla',
  'Fw0zNjEyMDMxMzA3MTlaMB4xHDAaBgNVBAMME2Nyb3NzY2FyZS10ZXN0LTM2NTAw',
  'WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASqJBfQOJP9IFC67BkBpKoQbP/b4FaW',
  'dSxwaVNcETKxYM9si33PxukOwWnwfQhpB7YZwoPkVIUuxDMCJr7PHMRIo1MwUTAd',
  'BgNVHQ4EFgQUkrrXDI25q75KkGdReUqwO8PN1nYwHwYDVR0jBBgwFoAUkrrXDI25',
  'q75KkGdReUqwO8PN1nYwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF',
  'AiBiV0f8+Vu6K95sjnal2XH24gQr9VcK4LdeQmGyYPYVNgIhAIXIRx2jnq4GBuAD',
  '2vHIqBSBf2LJ+VYyQZUi/ORhpmwT',
  '-----END CERTIFICATE-----',
].join('\n');
const NOT_AFTER_2027 = Date.parse('Jan  5 13:07:19 2027 GMT');
const NOT_AFTER_2036 = Date.parse('Dec  3 13:07:19 2036 GMT');

describe('earliestExpiry', () => {
  it("reads a certificate's notAfter", () => {
    expect(earliestExpiry(EXPIRES_2036)).toBe(NOT_AFTER_2036);
  });

  it('takes the earliest of a bundle, in whatever order it comes: a bundle is as good as its first to expire', () => {
    expect(earliestExpiry(`${EXPIRES_2036}\n${EXPIRES_2027}\n`)).toBe(NOT_AFTER_2027);
  });

  it('is undefined for text holding no certificate it can read', () => {
    expect(earliestExpiry('')).toBeUndefined();
    expect(
      earliestExpiry('-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----'),
    ).toBeUndefined();
  });
});

describe('registerCertificateExpiry', () => {
  it('sets one series per certificate given, in Unix seconds, and leaves out the ones not given', async () => {
    const registry = new Registry();
    registerCertificateExpiry(registry, { 'kafka-ca': EXPIRES_2027, 'client-certificate': undefined });
    const text = await registry.metrics();
    expect(text).toContain(
      `crosscare_tls_certificate_expiry_timestamp_seconds{certificate="kafka-ca"} ${NOT_AFTER_2027 / 1000}`,
    );
    expect(text).not.toContain('client-certificate');
    expect(text).toContain('# HELP crosscare_tls_certificate_expiry_timestamp_seconds');
  });
});
