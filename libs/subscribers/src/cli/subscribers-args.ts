/** The subscribers CLI's commands, parsed; pure, so every refusal is unit-tested. */
export type SubscribersCommand =
  | {
      readonly name: 'grant';
      readonly options: {
        name?: string;
        org?: string;
        collaborative?: string;
        project?: string;
        agreement?: string;
        expires?: string;
        grantedBy?: string;
        configFile?: string;
      };
    }
  | { readonly name: 'revoke'; readonly subscriber: string; readonly by?: string }
  | { readonly name: 'list' }
  | { readonly name: 'expire'; readonly by?: string };

export const USAGE = `usage:
  npm run subscribers -- grant --name <system> --org <ODS> --collaborative CCR|OHC --agreement <DSA ref>
                               [--expires <YYYY-MM-DD>] [--granted-by <operator>] [--config-file <path>]
  npm run subscribers -- grant --name <team> --org <ODS> --project <approved SDE project> [--agreement <its DSA>]
                               [--expires <YYYY-MM-DD>] [--granted-by <operator>] [--config-file <path>]
  npm run subscribers -- revoke --name <system> [--by <operator>]
  npm run subscribers -- list
  npm run subscribers -- expire [--by <operator>]     (revokes lapsed grants: run it on a schedule)`;

const FLAGS: Record<string, readonly string[]> = {
  grant: [
    '--name',
    '--org',
    '--collaborative',
    '--project',
    '--agreement',
    '--expires',
    '--granted-by',
    '--config-file',
  ],
  revoke: ['--name', '--by'],
  list: [],
  expire: ['--by'],
};

export function parseSubscribersArguments(argv: readonly string[]): SubscribersCommand {
  const [command, ...rest] = argv;
  if (!command || !(command in FLAGS)) throw new Error(`unknown command "${command ?? ''}"`);
  const values = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (!FLAGS[command].includes(flag)) throw new Error(`${command}: unknown option ${flag}`);
    if (value === undefined || value.startsWith('--')) throw new Error(`${command}: ${flag} needs a value`);
    if (values.has(flag)) throw new Error(`${command}: ${flag} given twice`);
    values.set(flag, value);
  }
  switch (command) {
    case 'grant':
      return {
        name: 'grant',
        options: {
          name: values.get('--name'),
          org: values.get('--org'),
          collaborative: values.get('--collaborative'),
          project: values.get('--project'),
          agreement: values.get('--agreement'),
          expires: values.get('--expires'),
          grantedBy: values.get('--granted-by'),
          configFile: values.get('--config-file'),
        },
      };
    case 'revoke': {
      const subscriber = values.get('--name');
      if (!subscriber) throw new Error('revoke: --name is required');
      return { name: 'revoke', subscriber, by: values.get('--by') };
    }
    case 'expire':
      return { name: 'expire', by: values.get('--by') };
    default:
      return { name: 'list' };
  }
}
