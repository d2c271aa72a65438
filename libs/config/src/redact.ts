const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL)/i;

/** Variables whose values must never appear in logs or error messages. */
export function isSecretVariable(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A connection URL with its password replaced, safe to log. Unparseable input is hidden whole. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    // "user:pass@host" without a scheme parses as scheme "user:" and path "pass@host": an '@' that did not end
    // up as user info means the password could be anywhere, so nothing is shown.
    if (!parsed.username && url.includes('@')) return '<unparseable url>';
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable url>';
  }
}
