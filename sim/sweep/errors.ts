/**
 * A mistake of the user's (a bad flag, an unknown parameter path, a results file of another sweep): reported as
 * one line, never a stack trace, and the command exits 2.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/**
 * Exit codes of `sweep` and `merge`, as the rest of the command line's. A failed expectation is a result, not an
 * error: it does not change the code (the summary reports pass rates).
 */
export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
/** A bug: an internal error, or runs that threw (their errors are recorded in the results and the summary). */
export const EXIT_BUG = 3;
/** Stopped by SIGINT; the results file holds every finished run and the same command resumes. */
export const EXIT_INTERRUPTED = 130;

/** A decimal integer in [min, max], or a UserError naming the flag. */
export function parseIntFlag(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text)) throw new UserError(`--${flag} expects a whole number, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (!(n >= min && n <= max)) throw new UserError(`--${flag} must be between ${min} and ${max}, got ${text}`);
  return n;
}
