/** What a caught value says, for a log line or an answer: an Error's message, or anything else as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** As errorMessage, but an Error's stack (which starts with its message), for the log line of an unexpected failure. */
export function errorStack(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
