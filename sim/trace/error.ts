/** The error a timeline that cannot be read is refused with; its message says what is wrong, for a person to act on. */
export class TimelineError extends Error {
  override name = 'TimelineError';
}
