/**
 * tsx libs/local-stack/src/with-registry-credentials.ts [--as PRINCIPAL] <command> [args...]
 *
 * Runs the command with SCHEMA_REGISTRY_URL carrying the local stack's credentials for PRINCIPAL (default
 * crosscare-tools, the read-only tools user), unless it already carries some or points beyond this machine. For the
 * apps run as tools against the local stack (the smoke app, the DLQ CLI), which may not import the local stack
 * themselves. Exits with the command's code.
 */
import { spawn } from 'node:child_process';
import { stackPaths } from './paths';
import {
  envWithRegistryCredentials,
  LOCAL_REGISTRY_PRINCIPALS,
  REGISTRY_TOOLS,
  type LocalRegistryPrincipal,
} from './registry-credentials';

function main(argv: string[]): void {
  let principal: LocalRegistryPrincipal = REGISTRY_TOOLS;
  let args = argv;
  if (args[0] === '--as') {
    const name = args[1] ?? '';
    if (!(name in LOCAL_REGISTRY_PRINCIPALS)) {
      process.stderr.write(`--as: one of ${Object.keys(LOCAL_REGISTRY_PRINCIPALS).join(', ')}\n`);
      process.exit(2);
    }
    principal = name as LocalRegistryPrincipal;
    args = args.slice(2);
  }
  const [command, ...rest] = args;
  if (command === undefined) {
    process.stderr.write('usage: with-registry-credentials [--as PRINCIPAL] <command> [args...]\n');
    process.exit(2);
  }
  const child = spawn(command, rest, {
    stdio: 'inherit',
    env: envWithRegistryCredentials(process.env, stackPaths(), principal),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    process.stderr.write(`could not run ${command}: ${error.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

main(process.argv.slice(2));
