import { ConfigError } from './config-error';
import { configOrExit, EXIT_BAD_CONFIGURATION } from './config-or-exit';

describe('configOrExit', () => {
  let exit: jest.SpyInstance;
  let stderr: jest.SpyInstance;

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation(((code: number) => {
      throw new Error(`exit ${code}`);
    }) as never);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    exit.mockRestore();
    stderr.mockRestore();
  });

  it('given a good environment, returns the configuration', () => {
    expect(configOrExit('crosscare-test', () => ({ port: 1 }))).toEqual({ port: 1 });
    expect(exit).not.toHaveBeenCalled();
  });

  it('given a bad environment, prints every problem under the program name and exits 78', () => {
    const problem = new ConfigError([
      { variable: 'KAFKA_BROKERS', reason: 'must list at least one host:port' },
    ]);
    expect(() =>
      configOrExit('crosscare-test', () => {
        throw problem;
      }),
    ).toThrow(`exit ${EXIT_BAD_CONFIGURATION}`);
    expect(stderr).toHaveBeenCalledWith(`crosscare-test: ${problem.message}\n`);
  });

  it('passes any other error on, without exiting', () => {
    const bug = new TypeError('not a configuration problem');
    expect(() =>
      configOrExit('crosscare-test', () => {
        throw bug;
      }),
    ).toThrow(bug);
    expect(exit).not.toHaveBeenCalled();
  });
});
