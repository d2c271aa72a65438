import { parseSubscribersArguments, USAGE } from './subscribers-args';

describe('parseSubscribersArguments', () => {
  it('takes --project for an SDE team, leaving the checks of what it names to the grant rules', () => {
    expect(
      parseSubscribersArguments([
        'grant',
        '--name',
        'dia-team',
        '--org',
        'RRK',
        '--project',
        'diabetes-outcomes',
      ]),
    ).toEqual({
      name: 'grant',
      options: {
        name: 'dia-team',
        org: 'RRK',
        collaborative: undefined,
        project: 'diabetes-outcomes',
        agreement: undefined,
        expires: undefined,
        grantedBy: undefined,
        configFile: undefined,
      },
    });
  });

  it('refuses --project without a value, or twice', () => {
    expect(() => parseSubscribersArguments(['grant', '--project'])).toThrow('grant: --project needs a value');
    expect(() => parseSubscribersArguments(['grant', '--project', 'a', '--project', 'b'])).toThrow(
      'grant: --project given twice',
    );
    expect(() => parseSubscribersArguments(['revoke', '--project', 'a'])).toThrow(
      'revoke: unknown option --project',
    );
  });

  it('shows both forms of grant in the usage', () => {
    expect(USAGE).toMatch(/--collaborative CCR\|OHC --agreement/);
    expect(USAGE).toMatch(/--project <approved SDE project> \[--agreement <its DSA>\]/);
  });
});
