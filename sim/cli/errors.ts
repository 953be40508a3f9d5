/**
 * The command line's errors and exit codes. A user's mistake is one line on stderr (`fabricsim: …`) and exit 2,
 * never a stack trace; anything else is a bug in fabricsim: exit 3 with the stack.
 */

export const EXIT_OK = 0;
/** An expectation failed (`check`), or two timelines differ (`diff`). A result, not an error. */
export const EXIT_FAILED = 1;
/** A mistake in the input: a bad flag, an unreadable or broken file, an unwritable output. */
export const EXIT_USER_ERROR = 2;
/** An unexpected internal error: a bug. */
export const EXIT_BUG = 3;

/** A user's mistake that is not about a flag: an unreadable file, an unwritable output… One line. */
export class CliError extends Error {
  override name = 'CliError';
}

/** A bad or unknown flag or argument: reported with the command's usage line. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** The command's usage line, printed after the message. */
  readonly usage: string;
  constructor(message: string, usage: string) {
    super(message);
    this.usage = usage;
  }
}
