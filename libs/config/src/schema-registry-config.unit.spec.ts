import { thrownBy } from '@crosscare/testing';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { schemaRegistryVariables, toSchemaRegistryConfig } from './schema-registry-config';

const load = (env: NodeJS.ProcessEnv) => loadConfig(schemaRegistryVariables, toSchemaRegistryConfig, env);

const problemsOf = (env: NodeJS.ProcessEnv): ConfigError => thrownBy(ConfigError, () => load(env));

describe('schema registry config', () => {
  it('given an empty environment, points at the local stack registry with a 5 s timeout', () => {
    expect(load({})).toEqual({ url: 'http://127.0.0.1:8081', timeoutMs: 5000 });
  });

  it('given an https URL with credentials and a timeout, keeps both', () => {
    const config = load({
      SCHEMA_REGISTRY_URL: 'https://svc:s3cret@registry.internal:8443/',
      SCHEMA_REGISTRY_TIMEOUT_MS: '1500',
    });
    expect(config).toEqual({ url: 'https://svc:s3cret@registry.internal:8443/', timeoutMs: 1500 });
  });

  it('given a URL that is not http or https, says so without echoing its password', () => {
    const error = problemsOf({ SCHEMA_REGISTRY_URL: 'ftp://svc:hunter2@registry.internal' });
    expect(error.problems.map((p) => p.variable)).toEqual(['SCHEMA_REGISTRY_URL']);
    expect(error.message).toContain('must be a URL starting with http:// or https://');
    expect(error.message).toContain('svc:***@registry.internal');
    expect(error.message).not.toContain('hunter2');
  });

  it('given something that is not a URL but holds an @, hides it whole', () => {
    const error = problemsOf({ SCHEMA_REGISTRY_URL: 'svc:hunter2@registry.internal' });
    expect(error.message).toContain('<unparseable url>');
    expect(error.message).not.toContain('hunter2');
  });

  it.each(['0', '-5', '2.5', 'soon', '600001'])('given a timeout of %s, rejects it', (value) => {
    const error = problemsOf({ SCHEMA_REGISTRY_TIMEOUT_MS: value });
    expect(error.message).toContain('SCHEMA_REGISTRY_TIMEOUT_MS: must be a whole number from 1 to 600000');
  });
});
