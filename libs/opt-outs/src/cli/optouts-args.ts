import { isValidNhsNumber } from '@crosscare/governance';

/** The opt-outs CLI's commands, parsed; pure, so every refusal is unit-tested. */
export type OptOutsCommand =
  | {
      readonly name: 'import';
      readonly returned: string;
      readonly submitted: string;
      readonly dryRun: boolean;
    }
  | { readonly name: 'status'; readonly nhsNumber: string }
  | { readonly name: 'help' };

export const USAGE = `usage:
  npm run optouts -- import <returned.dat> --submitted <cohort.dat> [--dry-run]
  npm run optouts -- status --nhs-number <NHS number>
  npm run optouts -- --help

import   records what an answer of NHS England's Check for National Data Opt-outs service says about the cohort
         that was submitted for it, on the opt-out topic (kind NATIONAL_DATA_OPT_OUT, source NDOP):
           opted out   submitted but not returned: ACTIVE, unless the topic already says so
           may be used returned: WITHDRAWN, if the topic holds an opt-out for it
         Numbers outside the cohort are left as they are. Prints the cohort size and how many were opted out,
         newly active, withdrawn and unchanged. --dry-run prints the same and publishes nothing.
status   prints the patient's current opt-outs (national data opt-out, type 1 objection) as the topic holds them.

Files (both, as sent to and received from the service over MESH): a .dat file of NHS numbers, one per line, each
followed by a comma, e.g.
  9990000018,
  9990000026,
LF line ends (CRLF is accepted too), no header, nothing else on a line; empty lines only at the end. The answer
holds only the submitted numbers that may be used, so the import needs the submission beside it: a bad line in
either file, or an answered number that was never submitted (the wrong pair of files), stops the import before
anything is published, naming the file and the line.`;

export function parseOptOutsArguments(argv: readonly string[]): OptOutsCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help')
    return { name: 'help' };
  if (rest.includes('--help') || rest.includes('-h')) return { name: 'help' };
  switch (command) {
    case 'import': {
      const positional: string[] = [];
      let submitted: string | undefined;
      let dryRun = false;
      for (let i = 0; i < rest.length; i++) {
        const arg = rest[i];
        if (arg === '--dry-run') dryRun = true;
        else if (arg === '--submitted') {
          const value = rest[++i];
          if (value === undefined || value.startsWith('--'))
            throw new Error('import: --submitted needs a file');
          if (submitted !== undefined) throw new Error('import: --submitted given twice');
          submitted = value;
        } else if (arg.startsWith('--')) throw new Error(`import: unknown option ${arg}`);
        else positional.push(arg);
      }
      if (positional.length !== 1)
        throw new Error('import: give exactly one answer file (the returned .dat) before the options');
      if (submitted === undefined)
        throw new Error(
          'import: --submitted <cohort.dat> is required: the answer lists only who may be used',
        );
      if (submitted === positional[0])
        throw new Error('import: the answer and the submission are the same file');
      return { name: 'import', returned: positional[0], submitted, dryRun };
    }
    case 'status': {
      if (rest.length !== 2 || rest[0] !== '--nhs-number')
        throw new Error('status: --nhs-number <NHS number> is required, and nothing else');
      const nhsNumber = rest[1].replace(/[\s-]/g, '');
      if (!isValidNhsNumber(nhsNumber))
        throw new Error(
          'status: --nhs-number is not a valid NHS number (10 digits, modulus 11 check digit, from a range NHS numbers are issued from)',
        );
      return { name: 'status', nhsNumber };
    }
    default:
      throw new Error(`unknown command "${command}"`);
  }
}
