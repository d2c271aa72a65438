import { chooseSource } from './infrastructure';
import { brokersFromEnvironment } from './test-kafka';

const docker = (answer: boolean) => {
  const probe = jest.fn(() => Promise.resolve(answer));
  return probe;
};

describe('chooseSource', () => {
  it('uses configured infrastructure without asking Docker', async () => {
    const probe = docker(true);
    await expect(
      chooseSource({ configured: '127.0.0.1:9092', forced: undefined, dockerAvailable: probe }),
    ).resolves.toBe('environment');
    expect(probe).not.toHaveBeenCalled();
  });

  it('uses Docker when nothing is configured and an engine answers', async () => {
    await expect(
      chooseSource({ configured: undefined, forced: 'auto', dockerAvailable: docker(true) }),
    ).resolves.toBe('docker');
  });

  it('falls back to the local scripts when no engine answers', async () => {
    await expect(
      chooseSource({ configured: undefined, forced: undefined, dockerAvailable: docker(false) }),
    ).resolves.toBe('local');
  });

  it('obeys CROSSCARE_TEST_INFRA even when something is configured', async () => {
    await expect(
      chooseSource({ configured: 'x:1', forced: 'local', dockerAvailable: docker(true) }),
    ).resolves.toBe('local');
  });

  it('refuses an unknown CROSSCARE_TEST_INFRA value, naming it', () => {
    expect(() =>
      chooseSource({ configured: undefined, forced: 'k8s', dockerAvailable: docker(false) }),
    ).toThrow('CROSSCARE_TEST_INFRA must be auto, environment, docker or local (got "k8s")');
  });

  it('refuses environment when nothing is configured', () => {
    expect(() =>
      chooseSource({ configured: undefined, forced: 'environment', dockerAvailable: docker(false) }),
    ).toThrow(/KAFKA_BROKERS/);
  });
});

describe('brokersFromEnvironment', () => {
  it('reads a comma-separated list', () => {
    expect(brokersFromEnvironment({ KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093' })).toEqual([
      '127.0.0.1:9092',
      '127.0.0.1:9093',
    ]);
  });

  it('names an entry that is not host:port', () => {
    expect(() => brokersFromEnvironment({ KAFKA_BROKERS: '127.0.0.1:9092,kafka' })).toThrow(
      'KAFKA_BROKERS: "kafka" is not host:port',
    );
  });
});
