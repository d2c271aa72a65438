import { z } from 'zod';
import { ConfigError, type ConfigProblem } from './config-error';
import { isSecretVariable, redactUrl } from './redact';

/** Environment variable name → schema for its raw string value. */
export type EnvShape = Record<string, z.ZodTypeAny>;
export type EnvValues<S extends EnvShape> = z.infer<z.ZodObject<S>>;

/**
 * Validates the environment once, against the union of every section a service needs, and builds its typed
 * config. Empty strings count as unset, because `FOO=` in a compose file or shell means "not configured".
 *
 * `refine` adds cross-variable rules (a SASL mechanism needs a username); it reports problems instead of
 * throwing, so they join the same single error.
 */
export function loadConfig<S extends EnvShape, C>(
  shape: S,
  build: (values: EnvValues<S>) => C,
  env: NodeJS.ProcessEnv = process.env,
  refine: (values: EnvValues<S>) => ConfigProblem[] = () => [],
): C {
  const raw: Record<string, string | undefined> = {};
  for (const name of Object.keys(shape)) {
    const value = env[name];
    raw[name] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  const parsed = z.object(shape).safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(environment)');
        return { variable, reason: describeIssue(variable, raw[variable], issue.message) };
      }),
    );
  }

  const problems = refine(parsed.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return build(parsed.data);
}

function describeIssue(variable: string, value: string | undefined, message: string): string {
  if (value === undefined) return message;
  if (isSecretVariable(variable)) return `${message} (value hidden)`;
  const shown = /URL$/.test(variable) ? redactUrl(value) : value;
  return message.includes(`"${shown}"`) ? message : `${message} (got "${shown}")`;
}
