import * as fs from 'node:fs';
import * as path from 'node:path';
import { INGEST_APP } from './ingest-process';
import type { LocalApp } from './local-app';
import { REPO_ROOT } from './paths';
import { PROJECTOR_APPS } from './projector-process';
import { RECORD_API_APP } from './record-api-process';
import { SCHEMA_REGISTRY_APP } from './schema-registry-process';
import { SDE_PUBLISHER_APP } from './sde-publisher-process';
import { SUBSCRIPTIONS_APP } from './subscriptions-process';

/**
 * The @crosscare libs the bundled code under `dir` imports. Tests, test helpers and command-line tools (a lib's `cli`
 * folder, run by tsx and exported by no barrel) are not bundled.
 */
function importedLibs(dir: string): Set<string> {
  const libs = new Set<string>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'testing' && entry.name !== 'cli')
        importedLibs(full).forEach((lib) => libs.add(lib));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      for (const match of fs.readFileSync(full, 'utf8').matchAll(/from '@crosscare\/([a-z0-9-]+)'/g)) {
        libs.add(match[1]);
      }
    }
  }
  return libs;
}

/** Every lib the app's bundle contains, following each lib's own imports. */
function bundledLibs(appSources: string): string[] {
  const found = new Set<string>();
  const pending = [...importedLibs(path.join(REPO_ROOT, appSources))];
  for (let lib = pending.pop(); lib !== undefined; lib = pending.pop()) {
    if (found.has(lib)) continue;
    found.add(lib);
    pending.push(...importedLibs(path.join(REPO_ROOT, 'libs', lib, 'src')));
  }
  return [...found].map((lib) => `libs/${lib}/src`).sort();
}

describe.each<[string, LocalApp]>([
  ['schema registry', SCHEMA_REGISTRY_APP],
  ['ingest', INGEST_APP],
  ['CCR projector', PROJECTOR_APPS.CCR],
  ['OHC projector', PROJECTOR_APPS.OHC],
  ['record API', RECORD_API_APP],
  ['SDE publisher', SDE_PUBLISHER_APP],
  ['subscription service', SUBSCRIPTIONS_APP],
])('%s sources', (_name, app) => {
  it('exist, so a build is judged against real folders', () => {
    for (const source of app.spec.sources) expect(fs.existsSync(path.join(REPO_ROOT, source))).toBe(true);
  });

  it('cover every lib the app bundles, so an edit to any of them rebuilds it', () => {
    const [appSources] = app.spec.sources;
    expect(app.spec.sources).toEqual(expect.arrayContaining(bundledLibs(appSources)));
  });
});
