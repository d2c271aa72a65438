const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL)/i;

/** Variables whose values must never appear in logs or error messages. */
export function isSecretVariable(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A connection URL with its password replaced, safe to log. Unparseable input is hidden whole. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}
