/**
 * Simulated time: an integer count of microseconds since the start of the run, held in an ordinary JS number.
 *
 * Integers are exact in a double up to 2^53, so every valid time lies in [0, MAX_TIME_US] (≈ 285 years) and all
 * arithmetic on times is exact and the same on every platform (fixed-point, as in ns-3 and OMNeT++).
 */

/** The largest representable time, 2^53 − 1 µs. A time ≥ 2^53 µs is rejected everywhere. */
export const MAX_TIME_US = 2 ** 53 - 1;

export const US_PER_MS = 1_000;
export const US_PER_SECOND = 1_000_000;
export const US_PER_MINUTE = 60 * US_PER_SECOND;
export const US_PER_HOUR = 60 * US_PER_MINUTE;
export const US_PER_DAY = 24 * US_PER_HOUR;

/** `n` microseconds, rounded to a whole µs. */
export function micros(n: number): number {
  return Math.round(n);
}

/** `n` milliseconds in µs, rounded to a whole µs. */
export function millis(n: number): number {
  return Math.round(n * US_PER_MS);
}

/** `n` seconds in µs, rounded to a whole µs. */
export function seconds(n: number): number {
  return Math.round(n * US_PER_SECOND);
}

/** `n` minutes in µs, rounded to a whole µs. */
export function minutes(n: number): number {
  return Math.round(n * US_PER_MINUTE);
}

/** `n` hours in µs, rounded to a whole µs. */
export function hours(n: number): number {
  return Math.round(n * US_PER_HOUR);
}

/** `n` days in µs, rounded to a whole µs. */
export function days(n: number): number {
  return Math.round(n * US_PER_DAY);
}

/** True when `t` is a valid time or duration: an integer in [0, 2^53). */
export function isTime(t: number): boolean {
  return Number.isInteger(t) && t >= 0 && t <= MAX_TIME_US;
}

/** Throws a RangeError naming `what` unless `t` is an integer number of µs in [0, 2^53). */
export function assertTime(t: number, what: string): void {
  if (!isTime(t)) {
    throw new RangeError(`${what} must be an integer number of microseconds in [0, 2^53) (got ${String(t)})`);
  }
}

/** A duration string that cannot be read; the message names the text and what is expected. */
export class DurationError extends Error {
  readonly text: string;
  constructor(text: string, reason: string) {
    super(`invalid duration ${JSON.stringify(text)}: ${reason}`);
    this.name = 'DurationError';
    this.text = text;
  }
}

const EXPECTED = 'expected a number with a unit (us, ms, s, m, h, d), e.g. "250ms", "1h30m"';

// Units from largest to smallest; a compound duration must use them in this order, each at most once.
const UNIT_RANK: Readonly<Record<string, number>> = { d: 0, h: 1, m: 2, s: 3, ms: 4, us: 5, µs: 5, μs: 5 };
const UNIT_US = [US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, US_PER_SECOND, US_PER_MS, 1] as const;

// One part: an unsigned decimal number and a unit. `ms` must be tried before `m`, and µ may be written as the
// micro sign (U+00B5) or the Greek mu (U+03BC).
const PART = /(\d+(?:\.\d+)?)(ms|us|µs|μs|s|m|h|d)/y;

/**
 * Parses a duration such as `250ms`, `15s`, `10m`, `2h`, `2d`, `1h30m`, `1.5s`, `500us` / `500µs`, `0s` or a bare
 * `0` into whole microseconds (rounded to the nearest µs, halves up).
 *
 * A compound duration lists its units from largest to smallest, each at most once (`1h30m`, not `30m1h`).
 * Throws DurationError on malformed, negative, non-finite text or a result ≥ 2^53 µs.
 */
export function parseDuration(text: string): number {
  if (typeof text !== 'string') {
    throw new DurationError(String(text), `expected a string, got ${typeof text}; ${EXPECTED}`);
  }
  if (text === '0') return 0;
  if (text.length === 0) throw new DurationError(text, `empty; ${EXPECTED}`);
  if (text.startsWith('-')) throw new DurationError(text, `durations cannot be negative; ${EXPECTED}`);
  let pos = 0;
  let totalUs = 0;
  let lastRank = -1;
  while (pos < text.length) {
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (m === null) throw new DurationError(text, EXPECTED);
    const rank = UNIT_RANK[m[2]!]!;
    if (rank <= lastRank) {
      throw new DurationError(text, 'units must go from largest to smallest, each at most once, e.g. "1h30m"');
    }
    lastRank = rank;
    const value = Number(m[1]);
    const partUs = Math.round(value * UNIT_US[rank]!);
    if (!Number.isFinite(partUs)) throw new DurationError(text, `not a finite duration; ${EXPECTED}`);
    totalUs += partUs;
    pos = PART.lastIndex;
  }
  if (!(totalUs <= MAX_TIME_US)) {
    throw new DurationError(text, 'too long: durations must be shorter than 2^53 µs (about 285 years)');
  }
  return totalUs;
}

/** Formats `us` (whole microseconds, 0 ≤ us < 1000) after a decimal point, without trailing zeros. */
function fraction(us: number, digits: number): string {
  return String(us).padStart(digits, '0').replace(/0+$/, '');
}

/**
 * Formats a duration compactly and exactly: `0s`, `250ms`, `15s`, `1m30s`, `1h30m`, `2d3h`, `1.5ms`, `1m30.25s`.
 * Units above the second are whole; the seconds part carries any fraction. Every integer in [0, 2^53) round-trips
 * through parseDuration. Negative values get a leading `-`; non-integers are rounded to the nearest µs.
 */
export function formatDuration(us: number): string {
  if (!Number.isFinite(us)) return String(us);
  if (us < 0) return '-' + formatDuration(-us);
  us = Math.round(us);
  if (us === 0) return '0s';
  let out = '';
  let rest = us;
  const d = Math.floor(rest / US_PER_DAY);
  rest -= d * US_PER_DAY;
  const h = Math.floor(rest / US_PER_HOUR);
  rest -= h * US_PER_HOUR;
  const m = Math.floor(rest / US_PER_MINUTE);
  rest -= m * US_PER_MINUTE;
  if (d > 0) out += d + 'd';
  if (h > 0) out += h + 'h';
  if (m > 0) out += m + 'm';
  if (rest === 0) return out;
  // rest < 60 s: whole seconds, or a fraction of a second.
  const s = Math.floor(rest / US_PER_SECOND);
  const subUs = rest - s * US_PER_SECOND;
  if (subUs === 0) return out + s + 's';
  // After larger units, keep the fraction on the seconds ("1m0.412s", not "1m412ms", which reads as 1 min 412 ms).
  if (s > 0 || out !== '') return out + s + '.' + fraction(subUs, 6) + 's';
  const ms = Math.floor(subUs / US_PER_MS);
  const usPart = subUs - ms * US_PER_MS;
  if (usPart === 0) return out + ms + 'ms';
  if (ms > 0) return out + ms + '.' + fraction(usPart, 3) + 'ms';
  return out + usPart + 'us';
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/**
 * Formats a time as a clock for logs: `HH:MM:SS.mmm`, with a days prefix once past a day (`1d 02:03:04.000`).
 * Sub-millisecond digits are truncated.
 */
export function formatClock(us: number): string {
  if (!Number.isFinite(us)) return String(us);
  const sign = us < 0 ? '-' : '';
  let rest = Math.floor(Math.abs(us) / US_PER_MS); // whole ms
  const ms = rest % 1000;
  rest = (rest - ms) / 1000;
  const s = rest % 60;
  rest = (rest - s) / 60;
  const m = rest % 60;
  rest = (rest - m) / 60;
  const h = rest % 24;
  const d = (rest - h) / 24;
  const clock = pad2(h) + ':' + pad2(m) + ':' + pad2(s) + '.' + String(ms).padStart(3, '0');
  return sign + (d > 0 ? d + 'd ' + clock : clock);
}
