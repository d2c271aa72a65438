/** An environment variable, with an empty or blank value counted as unset (`FOO=` means "not configured"). */
export function envValue(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
