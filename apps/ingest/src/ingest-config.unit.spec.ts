import { ConfigError } from '@crosscare/config';
import { thrownBy } from '@crosscare/testing';
import { loadIngestConfig } from './ingest-config';

/** Every service authenticates to Kafka; these tests are about the rest of the configuration. */
const KAFKA = { KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' };

describe('ingest configuration: MLLP timeouts', () => {
  it('given nothing, then a frame has 30 s to end and a connection may idle for 10 minutes', () => {
    expect(loadIngestConfig(KAFKA)).toMatchObject({ mllpFrameTimeoutMs: 30_000, mllpIdleTimeoutMs: 600_000 });
  });

  it('given seconds, then the timeouts are those seconds', () => {
    const config = loadIngestConfig({
      ...KAFKA,
      INGEST_MLLP_FRAME_TIMEOUT_SECONDS: '5',
      INGEST_MLLP_IDLE_TIMEOUT_SECONDS: '120',
    });
    expect(config).toMatchObject({ mllpFrameTimeoutMs: 5000, mllpIdleTimeoutMs: 120_000 });
  });

  it.each([
    ['INGEST_MLLP_FRAME_TIMEOUT_SECONDS', '0'],
    ['INGEST_MLLP_FRAME_TIMEOUT_SECONDS', '3601'],
    ['INGEST_MLLP_IDLE_TIMEOUT_SECONDS', '1.5'],
    ['INGEST_MLLP_IDLE_TIMEOUT_SECONDS', 'never'],
  ])('given %s=%s, then start-up fails naming the variable', (variable, value) => {
    const error = thrownBy(ConfigError, () => loadIngestConfig({ ...KAFKA, [variable]: value }));
    expect(error.message).toContain(variable);
  });
});
