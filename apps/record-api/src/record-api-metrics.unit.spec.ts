import { purposeLabel, readOutcomeOf, RecordApiMetrics, thrownOutcomeOf } from './record-api-metrics';

describe('record API metrics', () => {
  it.each([
    [200, 'served'],
    [400, 'refused'],
    [401, 'refused'],
    [403, 'refused'],
    [429, 'refused'],
    [404, 'not-found'],
    [503, 'unavailable'],
    [500, 'error'],
  ])('a read answered %i is %s', (status, outcome) => {
    expect(readOutcomeOf(status)).toBe(outcome);
  });

  it('labels the purpose by the closed enum only: none, invalid, or a purpose of use', () => {
    expect(purposeLabel(undefined)).toBe('none');
    expect(purposeLabel(' ')).toBe('none');
    expect(purposeLabel('EMERGENCY_CARE')).toBe('EMERGENCY_CARE');
    expect(purposeLabel('9990000018')).toBe('invalid');
  });

  it('calls a read that threw an error, or unavailable when the read model is away', () => {
    expect(thrownOutcomeOf(new Error('bug'))).toBe('error');
    expect(thrownOutcomeOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      'unavailable',
    );
  });

  it('counts and times reads by outcome, and audit failures', async () => {
    const metrics = new RecordApiMetrics();
    metrics.read('served', 'DIRECT_CARE', 0.2);
    metrics.auditFailures.inc();
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'crosscare_record_api_reads_total{outcome="served",purpose="DIRECT_CARE",service="record-api"} 1',
    );
    expect(text).toContain(
      'crosscare_record_api_read_seconds_count{service="record-api",outcome="served"} 1',
    );
    expect(text).toContain('crosscare_record_api_audit_failures_total{service="record-api"} 1');
  });
});
