/**
 * npx tsx libs/governance/src/cli/generate-directory.ts [--check]
 *
 *   (no flag)  write libs/governance/data/providers.json from regions.json and the seeded generator
 *   --check    write nothing; exit 1 when the committed providers.json is not what the generator gives
 *
 * Run from the repository root. Re-running writes an identical file: the generator is seeded.
 */
import { errorMessage } from '@crosscare/errors';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { DirectoryError, type DirectoryProblem } from '../directory/directory-error';
import { readDirectoryFile, regionsFileSchema } from '../directory/directory-files';
import { DEFAULT_DIRECTORY_DATA_DIR, loadProviderDirectory } from '../directory/load-provider-directory';
import { generateProviders, providersFileStatus, renderProvidersFile } from '../generator/generate-providers';

function main(argv: readonly string[]): number {
  const unknown = argv.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    console.error(
      `unknown argument ${unknown[0]}; usage: npx tsx libs/governance/src/cli/generate-directory.ts [--check]`,
    );
    return 2;
  }
  const check = argv.includes('--check');
  const dataDir = path.resolve(DEFAULT_DIRECTORY_DATA_DIR);
  const target = path.join(dataDir, 'providers.json');
  const shown = path.relative(process.cwd(), target);

  const problems: DirectoryProblem[] = [];
  const regions = readDirectoryFile(path.join(dataDir, 'regions.json'), regionsFileSchema, problems);
  if (regions === undefined) throw new DirectoryError(problems);
  const ics = regions.data.collaboratives.flatMap((c) => c.ics);
  console.log(`▸ ${regions.file}: ${ics.length} ICSs, ${ics.flatMap((i) => i.councils).length} councils`);

  const generated = generateProviders(regions.data, (line) => console.log(`  ${line}`));
  const expected = renderProvidersFile(generated);
  const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
  const status = providersFileStatus(committed, expected);

  if (check) {
    if (status === 'up-to-date') {
      console.log(`✓ ${shown} is up to date (${generated.providers.length} providers, ${generated.version})`);
      return 0;
    }
    console.error(`✗ ${shown} is ${status}: run npx tsx libs/governance/src/cli/generate-directory.ts`);
    return 1;
  }
  if (status !== 'up-to-date') fs.writeFileSync(target, expected);
  console.log(
    `✓ ${shown} ${status === 'up-to-date' ? 'is up to date' : 'written'} (${generated.providers.length} providers)`,
  );

  // The release is only useful if the service will load it: validate it as the service does, onboarding included.
  const directory = loadProviderDirectory({ dataDir });
  const { total } = directory.counts();
  console.log(
    `✓ directory ${directory.version} loads: ${total} providers with waves ${directory.onboardingWaves.join(', ') || '(none)'}`,
  );
  return 0;
}

try {
  process.exit(main(process.argv.slice(2)));
} catch (error) {
  console.error(errorMessage(error));
  process.exit(1);
}
