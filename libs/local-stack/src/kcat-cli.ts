/**
 * npm run kcat:fetch        build librdkafka (once) for Debian's kcat; idempotent
 * npm run kcat -- <args>    Debian's kcat with that librdkafka (builds it first if needed)
 *
 * Why: Debian bookworm's kcat links librdkafka 2.0.2, whose SCRAM Kafka 4 refuses; see kcat.ts.
 */
import { spawn } from 'node:child_process';
import { ensureLibrdkafka, kcatCommand } from './kcat';
import { stackPaths } from './paths';
import { consoleProgress } from './progress';
import { StackError } from './stack-error';

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const paths = stackPaths();
  switch (command) {
    case 'fetch': {
      const build = await ensureLibrdkafka(paths, consoleProgress());
      process.stdout.write(`librdkafka ${build.version} in ${build.lib} (kcat: npm run kcat -- <args>)\n`);
      return 0;
    }
    case 'run': {
      // Progress to stderr: kcat's stdout is data (messages, metadata) that people pipe.
      await ensureLibrdkafka(
        paths,
        consoleProgress((line) => process.stderr.write(`${line}\n`)),
      );
      const kcat = kcatCommand(paths);
      const args = rest[0] === '--' ? rest.slice(1) : rest;
      return await new Promise<number>((resolve, reject) => {
        const child = spawn(kcat.command, args, { env: kcat.env, stdio: 'inherit' });
        child.on('error', (error) => reject(new StackError(`${kcat.command}: ${error.message}`)));
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      });
    }
    default:
      process.stderr.write('usage: kcat-cli fetch | run [--] <kcat arguments>\n');
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `error: ${error instanceof StackError ? error.message : String((error as Error)?.stack ?? error)}\n`,
    );
    process.exit(1);
  },
);
