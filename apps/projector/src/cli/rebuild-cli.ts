import { configOrExit } from '@crosscare/config';
import { progressBar, type ProgressBar } from '@crosscare/cli';
import { errorMessage } from '@crosscare/errors';
import { loadProjectorConfig } from '../projector-config';
import { DEFAULT_REPLAY_STALL_TIMEOUT_MS, rebuildReadModel } from '../rebuild/rebuild-read-model';

const USAGE =
  'usage: npm run projector:rebuild -- --collaborative CCR|OHC [--stall-timeout <seconds>]\n' +
  `  --stall-timeout  give up when the replay has moved no partition for this long ` +
  `(default ${DEFAULT_REPLAY_STALL_TIMEOUT_MS / 1000}); nothing is switched`;

/**
 * npm run projector:rebuild -- --collaborative CCR: replays the collaborative's topics into a fresh schema with a
 * progress bar, then switches the read model over once caught up; the serving schema keeps serving until then.
 * A replay that stops moving fails after --stall-timeout, naming the partitions still short of their end.
 * Configuration as the projector's (the same environment variables).
 */
async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  if (!options) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(64);
  }
  const { collaborative, stallTimeoutMs } = options;
  const config = configOrExit('projector:rebuild', () =>
    loadProjectorConfig({ ...process.env, PROJECTOR_COLLABORATIVE: collaborative }),
  );
  let bar: ProgressBar | undefined;
  const outcome = await rebuildReadModel(
    config,
    {
      replay(done, total) {
        bar ??= progressBar(`Replaying ${config.collaborative} record changes`, Number(total));
        bar.update(Number(done));
      },
      step(message) {
        if (bar) {
          bar.done();
          bar = undefined;
        }
        process.stdout.write(`${message}\n`);
      },
    },
    { replayStallTimeoutMs: stallTimeoutMs },
  );
  process.stdout.write(
    `rebuilt ${config.databaseSchema}: ${outcome.eventsProjected} offsets replayed in ${outcome.replaySeconds.toFixed(1)} s; ` +
      `${outcome.patients} patients compared, ${outcome.republished} changelog record(s) republished; ` +
      `now served by ${outcome.schema} (previous: ${outcome.previousSchema}, kept for a rollback)\n`,
  );
}

/** `--collaborative X` and an optional `--stall-timeout <seconds>` (a positive number), in any order. */
function parseArguments(
  args: readonly string[],
): { collaborative: string; stallTimeoutMs?: number } | undefined {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (!['--collaborative', '--stall-timeout'].includes(flag) || value === undefined || values.has(flag))
      return undefined;
    values.set(flag, value);
  }
  const collaborative = values.get('--collaborative');
  const stall = values.get('--stall-timeout');
  const seconds = stall === undefined ? undefined : Number(stall);
  if (!collaborative || (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)))
    return undefined;
  return { collaborative, stallTimeoutMs: seconds === undefined ? undefined : seconds * 1000 };
}

main().catch((error: unknown) => {
  process.stderr.write(`projector:rebuild: ${errorMessage(error)}\n`);
  process.exit(1);
});
