/**
 * The time grid that shrinking rounds to: human units from a day down to a microsecond. A value's unit is the
 * coarsest one that divides it (1h10m → 10m), so "rounded to the coarsest unit" and "one step later" are defined.
 */
import { US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, US_PER_MS, US_PER_SECOND } from '../engine/index.js';

export const UNITS: readonly number[] = [
  US_PER_DAY,
  12 * US_PER_HOUR,
  6 * US_PER_HOUR,
  2 * US_PER_HOUR,
  US_PER_HOUR,
  30 * US_PER_MINUTE,
  10 * US_PER_MINUTE,
  5 * US_PER_MINUTE,
  US_PER_MINUTE,
  30 * US_PER_SECOND,
  10 * US_PER_SECOND,
  5 * US_PER_SECOND,
  US_PER_SECOND,
  100 * US_PER_MS,
  10 * US_PER_MS,
  US_PER_MS,
  100,
  10,
  1,
];

/** The coarsest grid unit dividing `us` (a day for 0). */
export function unitOf(us: number): number {
  for (const u of UNITS) if (us % u === 0) return u;
  return 1;
}

/**
 * Candidate roundings of `us` to each unit coarser than its own, coarsest first, in one direction: `up` for start
 * times (which shrinking only ever moves later), `down` for durations (which it only ever shortens). Keeping every
 * edit one-way is what makes shrinking terminate.
 */
export function roundings(us: number, direction: 'up' | 'down'): number[] {
  const own = unitOf(us);
  const out: number[] = [];
  for (const u of UNITS) {
    if (u <= own) break;
    const down = Math.floor(us / u) * u;
    const v = direction === 'down' ? down : down + u;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}
