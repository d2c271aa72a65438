import { ConfigError } from '@crosscare/config';
import { loadProjectorConfig } from './projector-config';

/** Every service authenticates to Kafka; these tests are about the rest of the configuration. */
const KAFKA = { KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' };
describe('projector configuration', () => {
  it('derives port, schema and group from the collaborative', () => {
    const config = loadProjectorConfig({
      ...KAFKA,
      PROJECTOR_COLLABORATIVE: 'OHC',
    });
    expect(config).toMatchObject({
      collaborative: 'OHC',
      port: 8084,
      databaseSchema: 'projector_ohc',
      groupId: 'crosscare-projector-ohc',
      topicPrefix: 'crosscare',
    });
  });

  it('fetches as kafkajs does by default (answer on any new byte, wait at most 5 s), or as configured', () => {
    expect(
      loadProjectorConfig({
        ...KAFKA,
        PROJECTOR_COLLABORATIVE: 'CCR',
      }),
    ).toMatchObject({
      fetchMinBytes: 1,
      fetchMaxWaitMs: 5000,
    });
    expect(
      loadProjectorConfig({
        ...KAFKA,
        PROJECTOR_COLLABORATIVE: 'CCR',
        PROJECTOR_FETCH_MIN_BYTES: '65536',
        PROJECTOR_FETCH_MAX_WAIT_MS: '50',
      }),
    ).toMatchObject({ fetchMinBytes: 65536, fetchMaxWaitMs: 50 });
    expect(() =>
      loadProjectorConfig({
        ...KAFKA,
        PROJECTOR_COLLABORATIVE: 'CCR',
        PROJECTOR_FETCH_MAX_WAIT_MS: '0',
      }),
    ).toThrow(/PROJECTOR_FETCH_MAX_WAIT_MS/);
  });

  it('stops on a missing or unknown collaborative, naming the variable', () => {
    expect(() => loadProjectorConfig({})).toThrow(ConfigError);
    expect(() => loadProjectorConfig({})).toThrow(/PROJECTOR_COLLABORATIVE/);
    expect(() =>
      loadProjectorConfig({
        ...KAFKA,
        PROJECTOR_COLLABORATIVE: 'WMCA',
      }),
    ).toThrow(/PROJECTOR_COLLABORATIVE/);
  });

  it('refuses a schema name that is not a plain Postgres identifier', () => {
    expect(() =>
      loadProjectorConfig({
        ...KAFKA,
        PROJECTOR_COLLABORATIVE: 'CCR',
        PROJECTOR_DATABASE_SCHEMA: 'x"; drop table patient',
      }),
    ).toThrow(/PROJECTOR_DATABASE_SCHEMA/);
  });
});
