/**
 * npm run schemas:generate [-- --check]
 *
 *   (no flag)  write libs/events/src/generated/{record-changes,changelog-schemas,audit-schemas,sde-schemas}.ts from schemas/
 *   --check    write nothing; exit 1 when a generated file is not what schemas/ give
 *
 * Run from the repository root (npm does).
 */
import { errorMessage } from '@crosscare/errors';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { generateContract } from './generate-record-changes';

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown[0]}; usage: npm run schemas:generate [-- --check]`);
    return 2;
  }
  const root = process.cwd();
  const generated = await generateContract(root);
  let stale = 0;
  for (const { file, text: expected } of generated) {
    const target = path.join(root, file);
    const actual = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
    if (argv.includes('--check')) {
      if (actual !== expected) {
        console.error(`${file} is stale: it does not match schemas/. Run npm run schemas:generate.`);
        stale++;
      }
      continue;
    }
    if (actual !== expected) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, expected);
    }
    console.log(`${file} ${actual === expected ? 'is up to date' : 'written'}`);
  }
  return stale === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(errorMessage(error));
    process.exit(1);
  },
);
