import { isRetriable } from '@crosscare/errors';
import { thrownBy } from '@crosscare/testing';
import { parseLoadRegionArgs, UsageError } from './load-region-args';

describe('parseLoadRegionArgs', () => {
  it('reads the options, as separate or joined values', () => {
    expect(parseLoadRegionArgs(['--patients', '200', '--seed=7', '--prefix', 'e2e-1', '--dry-run'])).toEqual({
      patients: 200,
      seed: 7,
      prefix: 'e2e-1',
      dryRun: true,
      help: false,
    });
  });

  it("defaults to 200 patients, seed 42 and ingest's topic prefix", () => {
    expect(parseLoadRegionArgs([])).toEqual({
      patients: 200,
      seed: 42,
      prefix: 'crosscare',
      dryRun: false,
      help: false,
    });
  });

  it.each([
    [['--patients', '0'], '--patients must be a whole number from 1 to 225000 (got "0")'],
    [['--patients', '1e3'], '--patients must be a whole number from 1 to 225000 (got "1e3")'],
    [['--patients', '225001'], '--patients must be a whole number from 1 to 225000 (got "225001")'],
    [['--seed', '-1'], '--seed must be a whole number from 0 to 9007199254740991 (got "-1")'],
    [['--seed'], '--seed needs a value'],
    [['--seed', '--dry-run'], '--seed needs a value'],
    [['--prefix', 'a b'], '--prefix must be letters, digits, dot, dash or underscore (got "a b")'],
    [['--patients', '1', '--patients', '2'], '--patients is given twice'],
    [['--dry-run=yes'], '--dry-run takes no value'],
    [['--paitents', '5'], 'unknown argument "--paitents"'],
    [['200'], 'unknown argument "200"'],
  ])('refuses %j: %s', (argv, message) => {
    const attempt = () => parseLoadRegionArgs(argv);
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(message);
    expect(isRetriable(thrownBy(UsageError, attempt))).toBe(false);
  });
});
