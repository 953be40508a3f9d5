/**
 * A mistake of the user's (a bad flag, an unknown parameter path, a results file of another sweep): reported as
 * one line, never a stack trace, and the command exits 2.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** Exit codes of `sweep` and `merge`. A failed expectation is a result, not an error: it does not change the code. */
export const EXIT_OK = 0;
/** Some runs threw (a bug in the model): their error is recorded in the results and the summary. */
export const EXIT_RUN_ERRORS = 1;
export const EXIT_USAGE = 2;
/** Stopped by SIGINT; the results file holds every finished run and the same command resumes. */
export const EXIT_INTERRUPTED = 130;
