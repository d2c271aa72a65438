import { parseOptOutsArguments } from './optouts-args';

describe('npm run optouts arguments', () => {
  it('reads an import of an answer with its submission, options in any order', () => {
    expect(parseOptOutsArguments(['import', 'returned.dat', '--submitted', 'cohort.dat'])).toEqual({
      name: 'import',
      returned: 'returned.dat',
      submitted: 'cohort.dat',
      dryRun: false,
    });
    expect(parseOptOutsArguments(['import', '--dry-run', 'r.dat', '--submitted', 'c.dat'])).toMatchObject({
      returned: 'r.dat',
      submitted: 'c.dat',
      dryRun: true,
    });
  });

  it('reads a status question, NHS number spaces removed', () => {
    expect(parseOptOutsArguments(['status', '--nhs-number', '999 000 0018'])).toEqual({
      name: 'status',
      nhsNumber: '9990000018',
    });
  });

  it.each([[[]], [['--help']], [['import', '--help']], [['help']]])('given %p, asks for help', (argv) => {
    expect(parseOptOutsArguments(argv)).toEqual({ name: 'help' });
  });

  it.each([
    [['import', 'returned.dat'], '--submitted <cohort.dat> is required'],
    [['import', '--submitted', 'c.dat'], 'give exactly one answer file'],
    [['import', 'a.dat', 'b.dat', '--submitted', 'c.dat'], 'give exactly one answer file'],
    [['import', 'r.dat', '--submitted'], '--submitted needs a file'],
    [['import', 'r.dat', '--submitted', 'c.dat', '--submitted', 'd.dat'], '--submitted given twice'],
    [['import', 'r.dat', '--submitted', 'r.dat'], 'the answer and the submission are the same file'],
    [['import', 'r.dat', '--submitted', 'c.dat', '--force'], 'unknown option --force'],
    [['status'], '--nhs-number <NHS number> is required'],
    [['status', '--nhs-number', '9990000019'], 'not a valid NHS number'],
    [['export'], 'unknown command "export"'],
  ])('refuses %p', (argv, message) => {
    expect(() => parseOptOutsArguments(argv)).toThrow(message);
  });
});
