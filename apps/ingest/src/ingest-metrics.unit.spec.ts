import { IngestMetrics, providerTypeLabel, rejectionOf } from './ingest-metrics';

describe('rejectionOf', () => {
  it.each([
    [202, undefined],
    [400, 'invalid'],
    [422, 'invalid'],
    [401, 'unauthenticated'],
    [403, 'forbidden'],
    [409, 'conflict'],
    [412, 'precondition-failed'],
    [413, 'too-large'],
    [415, 'unsupported-media-type'],
    [429, 'rate-limited'],
    [503, 'unavailable'],
    [500, 'error'],
    [418, 'invalid'],
  ])('%i → %s', (status, reason) => {
    expect(rejectionOf(status)).toBe(reason);
  });
});

describe('IngestMetrics', () => {
  it('counts a request by way in, format, provider type and status, and a refusal by reason', async () => {
    const metrics = new IngestMetrics();
    metrics.request({ route: 'mllp', format: 'hl7v2', providerType: 'ACUTE_TRUST', status: 202 });
    metrics.request({ route: 'fhir', format: 'fhir-json', status: 401 });
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'crosscare_ingest_requests_total{route="mllp",format="hl7v2",provider_type="acute-trust",status="202",service="ingest"} 1',
    );
    expect(text).toContain(
      'crosscare_ingest_requests_total{route="fhir",format="fhir-json",provider_type="unknown",status="401",service="ingest"} 1',
    );
    expect(text).toContain(
      'crosscare_ingest_rejected_total{route="fhir",reason="unauthenticated",service="ingest"} 1',
    );
    expect(text).not.toContain('crosscare_ingest_rejected_total{route="mllp"');
  });

  it('measures the publish delay of each row from its acceptance, never below 0', async () => {
    const metrics = new IngestMetrics();
    metrics.published([1_000, 2_500, 9_000], 3_000);
    const text = await metrics.registry.metrics();
    expect(text).toContain('crosscare_ingest_publish_seconds_sum{service="ingest"} 2.5');
    expect(text).toContain('crosscare_ingest_publish_seconds_count{service="ingest"} 3');
  });

  it('names provider types as labels in lower case with dashes', () => {
    expect(providerTypeLabel('GP_PRACTICE')).toBe('gp-practice');
    expect(providerTypeLabel(undefined)).toBe('unknown');
  });
});
