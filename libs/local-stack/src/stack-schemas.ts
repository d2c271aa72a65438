import * as path from 'node:path';
import { runCommand } from './commands';
import { envValue } from './env';
import { REPO_ROOT } from './paths';
import type { Progress } from './progress';

const SCHEMAS_CLI = path.join(REPO_ROOT, 'libs', 'sde', 'src', 'cli', 'schemas-cli.ts');
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

/**
 * Registers the checkout's event contract and the approved SDE projects' row schemas (the schemas CLI registers
 * both) as the admin/CI principal, before any service starts: the services are registry readers and only look their
 * schemas up, as they would in a deployment where CI registers first. With
 * CROSSCARE_SCHEMAS_BASELINE_REF (CI sets HEAD~1) that commit's schemas are registered first, so that registering
 * the checkout's is judged against its parent even on a fresh database: an incompatible change stops the stack,
 * with the registry's reason.
 */
export async function registerCheckoutSchemas(adminRegistryUrl: string, progress: Progress): Promise<void> {
  const env = { ...process.env, SCHEMA_REGISTRY_URL: adminRegistryUrl };
  const baseline = envValue('CROSSCARE_SCHEMAS_BASELINE_REF');
  if (baseline) {
    await progress
      .step(`Registering the schemas at ${baseline} (the baseline this checkout is judged against)`, () =>
        runCommand(TSX, [SCHEMAS_CLI, 'register', '--git-ref', baseline], { env }),
      )
      // Only a baseline: the checkout's registration below is still judged against whatever the registry holds.
      .catch((error: unknown) =>
        progress.info(`warning: the schemas at ${baseline} were not registered: ${String(error)}`),
      );
  }
  await progress.step("Registering this checkout's schemas (the services only look theirs up)", () =>
    runCommand(TSX, [SCHEMAS_CLI, 'register'], { env }),
  );
}
