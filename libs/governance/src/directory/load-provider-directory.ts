import * as fs from 'node:fs';
import * as path from 'node:path';

import { assembleDirectory } from './assemble-directory';
import { DirectoryError, type DirectoryProblem } from './directory-error';
import {
  displayPath,
  onboardingFileSchema,
  providersFileSchema,
  providerTypesFileSchema,
  readDirectoryFile,
  regionsFileSchema,
  type OnboardingFile,
  type Sourced,
} from './directory-files';
import type { ProviderDirectory } from './provider-directory';

/**
 * Where the directory lives, relative to the working directory. Not relative to __dirname: webpack rewrites it
 * when apps/ingest is bundled into dist/apps/ingest/main.js, while the repository root is the working directory
 * under tsx, jest and `node dist/apps/ingest/main.js` alike. Deployments that put the data elsewhere pass dataDir.
 */
export const DEFAULT_DIRECTORY_DATA_DIR = path.join('libs', 'governance', 'data');

/** Onboarding directories under dataDir read when none are given. */
export const DEFAULT_ONBOARDING_DIRS = [path.join('onboarding', 'community-pharmacies')];

export interface LoadDirectoryOptions {
  /** Holds regions.json, providers.json and provider-types.json; default `<cwd>/libs/governance/data`. */
  readonly dataDir?: string;
  /** Every `*.json` in each is an onboarding wave; default `<dataDir>/onboarding/community-pharmacies`. */
  readonly onboardingDirs?: readonly string[];
}

/**
 * Reads and validates the whole directory, once, at start. Throws a DirectoryError naming every problem (file and
 * element) rather than starting with a directory that is partly wrong.
 */
export function loadProviderDirectory(options: LoadDirectoryOptions = {}): ProviderDirectory {
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_DIRECTORY_DATA_DIR);
  const onboardingDirs = (
    options.onboardingDirs ?? DEFAULT_ONBOARDING_DIRS.map((d) => path.join(dataDir, d))
  ).map((d) => path.resolve(d));
  const problems: DirectoryProblem[] = [];
  const regions = readDirectoryFile(path.join(dataDir, 'regions.json'), regionsFileSchema, problems);
  const providers = readDirectoryFile(path.join(dataDir, 'providers.json'), providersFileSchema, problems);
  const providerTypes = readDirectoryFile(
    path.join(dataDir, 'provider-types.json'),
    providerTypesFileSchema,
    problems,
  );
  const onboarding = onboardingDirs.flatMap((dir) => readOnboardingDir(dir, problems));
  if (problems.length > 0 || !regions || !providers || !providerTypes) throw new DirectoryError(problems);
  return assembleDirectory({ regions, providers, providerTypes, onboarding });
}

/** Sorted by name, so waves apply in the same order everywhere and problems are reported in a stable order. */
function readOnboardingDir(dir: string, problems: DirectoryProblem[]): Sourced<OnboardingFile>[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    problems.push({
      file: displayPath(dir),
      element: '(directory)',
      reason: 'onboarding directory not found',
    });
    return [];
  }
  return names
    .sort()
    .map((name) => readDirectoryFile(path.join(dir, name), onboardingFileSchema, problems))
    .filter((wave) => wave !== undefined);
}
