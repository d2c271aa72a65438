import { thrownBy } from '@crosscare/testing';
import { parseExportArgs, UsageError } from './export-args';

describe('parseExportArgs', () => {
  it('reads --project and --out, separate or joined', () => {
    expect(parseExportArgs(['--project', 'diabetes-outcomes', '--out=/tmp/x'])).toEqual({
      project: 'diabetes-outcomes',
      out: '/tmp/x',
    });
  });

  it.each([
    [[], '--project is required'],
    [['--project', 'p'], '--out is required'],
    [['--project'], '--project needs a value'],
    [['--project', '--out', 'x'], '--project needs a value'],
    [['--out='], '--out needs a value'],
    [['--project', 'a', '--project', 'b'], '--project is given twice'],
    [['--projcet', 'a'], 'unknown argument "--projcet"'],
  ])('refuses %j: %s', (argv, message) => {
    expect(thrownBy(UsageError, () => parseExportArgs(argv)).message).toBe(message);
  });
});
