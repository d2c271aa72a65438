import { ConfigError } from './config-error';

/** sysexits.h EX_CONFIG: what every Crosscare program exits with when its environment is unusable. */
export const EXIT_BAD_CONFIGURATION = 78;

/**
 * For a program's entry point: the loaded configuration, or, when the environment is unusable, every bad variable
 * printed under the program's name and exit 78. Other errors are thrown on.
 */
export function configOrExit<C>(program: string, load: () => C): C {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${program}: ${error.message}\n`);
    process.exit(EXIT_BAD_CONFIGURATION);
  }
}
