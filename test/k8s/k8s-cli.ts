/**
 * npm run k8s:fetch               kubectl (with its Kustomize) into the cache, once; idempotent
 * npm run k8s:generate            write the generated Kafka topics, users and ScaledObjects under deploy/k8s/base
 *   -- --check                    write nothing; exit 1 when a generated file is not what the definitions give
 * npm run k8s:check               the above check, then render every overlay with kubectl kustomize and validate
 *                                 each document (built-in and KEDA kinds, Strimzi's against its CRDs); exit 1 on any
 *                                 problem, naming the overlay, kind, name and field
 *
 * Run from the repository root (npm does). docs/kubernetes.md says why each piece is what it is.
 */
import {
  checkOverlay,
  consoleStep,
  describeProblem,
  ensureKubectl,
  generatedFiles,
  kubectlVersions,
  loadCustomResourceSchemas,
  PROMETHEUS_URL,
  summariseOverlay,
  type Step,
} from '@crosscare/deployment';
import { errorMessage } from '@crosscare/errors';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveConfig } from 'prettier';
import { deploymentCatalogue } from './deployment-catalogue';

const ROOT = path.resolve(__dirname, '..', '..');
const OVERLAYS = ['local', 'production'] as const;
/** Strimzi's CRDs, shared with (not copied into) this repository: ../shared/k8s/README.md. */
const STRIMZI_CRDS = path.resolve(ROOT, '..', 'shared', 'k8s', 'crds', 'strimzi');

function cacheDirectory(): string {
  const home = process.env.CROSSCARE_HOME?.trim() || path.join(ROOT, '.crosscare');
  return path.resolve(process.env.CROSSCARE_CACHE?.trim() || path.join(home, 'cache'));
}

async function kubectl(step: Step): Promise<string> {
  return process.env.CROSSCARE_KUBECTL?.trim() || (await ensureKubectl(cacheDirectory(), step));
}

/** Writes the generated files, or (check) counts those that differ from what is committed. */
async function generate(check: boolean): Promise<number> {
  const prettier =
    (await resolveConfig(path.join(ROOT, 'deploy', 'k8s', 'base', 'kustomization.yaml'))) ?? {};
  const files = await generatedFiles(deploymentCatalogue(), { prometheusUrl: PROMETHEUS_URL, prettier });
  let stale = 0;
  for (const { file, text } of files) {
    const target = path.join(ROOT, file);
    const actual = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
    if (check) {
      if (actual !== text) {
        console.error(`${file} is stale: it does not match the definitions. Run npm run k8s:generate.`);
        stale++;
      }
      continue;
    }
    if (actual !== text) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
    }
    console.log(`${file} ${actual === text ? 'is up to date' : 'written'}`);
  }
  return stale;
}

async function checkAll(): Promise<number> {
  const step = consoleStep();
  const binary = await kubectl(step);
  const versions = await kubectlVersions(binary);
  const stale = await generate(true);
  if (!fs.existsSync(STRIMZI_CRDS))
    throw new Error(`Strimzi's CRDs are not at ${STRIMZI_CRDS} (../shared/k8s)`);
  const customResources = loadCustomResourceSchemas(STRIMZI_CRDS);
  let problems = 0;
  for (const overlay of OVERLAYS) {
    const report = await checkOverlay(
      binary,
      path.join(ROOT, 'deploy', 'k8s', 'overlays', overlay),
      `overlays/${overlay}`,
      customResources,
    );
    console.log(summariseOverlay(report));
    for (const problem of report.problems) console.error(`  ${describeProblem(problem)}`);
    problems += report.problems.length;
  }
  console.log(
    `k8s:check: kubectl ${versions.kubectl} (Kustomize ${versions.kustomize}); ` +
      `${stale} stale generated file(s), ${problems} problem(s)`,
  );
  return stale === 0 && problems === 0 ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const unknown = rest.filter((arg) => arg !== '--check');
  if (unknown.length > 0 || (rest.length > 0 && command !== 'generate')) {
    console.error(`unknown argument ${unknown[0] ?? rest[0]}`);
    return 2;
  }
  switch (command) {
    case 'fetch': {
      const binary = await kubectl(consoleStep());
      const versions = await kubectlVersions(binary);
      console.log(`kubectl ${versions.kubectl} (Kustomize ${versions.kustomize}) in ${binary}`);
      return 0;
    }
    case 'generate':
      return (await generate(rest.includes('--check'))) === 0 ? 0 : 1;
    case 'check':
      return checkAll();
    default:
      console.error('usage: k8s-cli fetch | generate [--check] | check');
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${errorMessage(error)}`);
    process.exit(1);
  },
);
