import { configOrExit } from '@crosscare/config';
import { progressBar, type ProgressBar } from '@crosscare/cli';
import { errorMessage } from '@crosscare/errors';
import { loadProjectorConfig } from '../projector-config';
import { rebuildReadModel } from '../rebuild/rebuild-read-model';

const USAGE = 'usage: npm run projector:rebuild -- --collaborative CCR|OHC';

/**
 * npm run projector:rebuild -- --collaborative CCR: replays the collaborative's topics into a fresh schema with a
 * progress bar, then switches the read model over once caught up; the serving schema keeps serving until then.
 * Configuration as the projector's (the same environment variables).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--collaborative');
  const collaborative = at >= 0 ? args[at + 1] : undefined;
  if (!collaborative || args.length !== 2) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(64);
  }
  const config = configOrExit('projector:rebuild', () =>
    loadProjectorConfig({ ...process.env, PROJECTOR_COLLABORATIVE: collaborative }),
  );
  let bar: ProgressBar | undefined;
  const outcome = await rebuildReadModel(config, {
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
  });
  process.stdout.write(
    `rebuilt ${config.databaseSchema}: ${outcome.eventsProjected} offsets replayed in ${outcome.replaySeconds.toFixed(1)} s; ` +
      `${outcome.patients} patients compared, ${outcome.republished} changelog record(s) republished; ` +
      `now served by ${outcome.schema} (previous: ${outcome.previousSchema}, kept for a rollback)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`projector:rebuild: ${errorMessage(error)}\n`);
  process.exit(1);
});
