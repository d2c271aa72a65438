import * as fs from 'node:fs';

/** The line patches/kafkajs+2.2.4.patch puts at the head of kafkajs's sendMessages. */
const PATCH_MARK = 'crosscare-patch: acknowledged per partition, retried after every request settles';

let checked = false;

/** Node's own require: the services are bundled by webpack, whose require.resolve answers a module id, not a path. */
declare const __non_webpack_require__: NodeJS.Require | undefined;
const nodeRequire: NodeJS.Require =
  typeof __non_webpack_require__ === 'function' ? __non_webpack_require__ : require;

/**
 * Refuses to run on an unpatched kafkajs. Its send retry can publish an acknowledged event twice inside one
 * transaction (docs/architecture.md, "kafkajs, patched"), and nothing else would notice: an install that skipped
 * `patch-package` (npm ci --ignore-scripts without the Dockerfile's explicit step) must stop the service at start.
 */
export function assertKafkajsPatched(): void {
  if (checked) return;
  const file = nodeRequire.resolve('kafkajs/src/producer/sendMessages');
  if (!fs.readFileSync(file, 'utf8').includes(PATCH_MARK))
    throw new Error(
      `kafkajs is not patched (${file} lacks "${PATCH_MARK}"): run \`npx patch-package\` after installing; ` +
        'an unpatched producer can publish events twice (docs/architecture.md, "kafkajs, patched")',
    );
  checked = true;
}
