/**
 * Rates and availability figures for sweeps: exact Poisson intervals for a count of events over an observed time
 * (MTTF, and MTTR with censoring as total time on test over recoveries), the rule of three when nothing was seen,
 * and availability as nines and downtime per year. Pure and browser-safe; every figure is deterministic arithmetic.
 */
import { type Interval, logGamma } from './stats.js';

/** Regularised lower incomplete gamma P(a, x) (series for x < a + 1, continued fraction otherwise). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnPre = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.min(1, sum * Math.exp(lnPre));
  }
  // Lentz's continued fraction for Q(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.max(0, 1 - Math.exp(lnPre) * h);
}

/** The p-quantile of the Gamma(a, 1) distribution, by bisection on P(a, x) (to 1e-12 relative). */
export function gammaQuantile(p: number, a: number): number {
  if (p <= 0) return 0;
  let lo = 0;
  let hi = Math.max(1, a);
  while (gammaP(a, hi) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (gammaP(a, mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Exact (Garwood) two-sided interval for the mean of a Poisson count k: [Γ⁻¹(α/2; k), Γ⁻¹(1 − α/2; k + 1)], the
 * lower bound 0 when k = 0.
 */
export function poissonInterval(k: number, confidence = 0.95): { lo: number; hi: number } {
  const alpha = 1 - confidence;
  return { lo: k === 0 ? 0 : gammaQuantile(alpha / 2, k), hi: gammaQuantile(1 - alpha / 2, k + 1) };
}

export interface RateEstimate {
  /** Events seen. */
  readonly events: number;
  /** Observed time (µs). */
  readonly exposureUs: number;
  /** Mean time between events (µs): exposure / events; null when no event was seen. */
  readonly meanUs: number | null;
  /** Interval for the mean time between events (exact Poisson); with no event, `lo` is the rule-of-three bound. */
  readonly ci: Interval;
  /** With no event: the rule of three — the rate is below 3 / exposure (one-sided 95 %), so the mean is above this. */
  readonly ruleOfThreeUs: number | null;
}

/**
 * Mean time between events from `events` seen over `exposureUs` of observation, with an exact Poisson interval
 * (events are assumed to arrive as a Poisson process over the exposure). With no event, the rule of three.
 */
export function rateEstimate(events: number, exposureUs: number, confidence = 0.95): RateEstimate {
  if (events === 0) {
    const r3 = exposureUs > 0 ? exposureUs / 3 : null;
    return { events, exposureUs, meanUs: null, ci: { lo: r3, hi: null }, ruleOfThreeUs: r3 };
  }
  const { lo, hi } = poissonInterval(events, confidence);
  return {
    events,
    exposureUs,
    meanUs: exposureUs / events,
    ci: { lo: exposureUs / hi, hi: lo > 0 ? exposureUs / lo : null },
    ruleOfThreeUs: null,
  };
}

/** Microseconds in a year of 365.25 days. */
export const YEAR_US = 365.25 * 24 * 3600e6;

/** Availability as "nines": −log10(1 − a); +∞ for a = 1. */
export function nines(a: number): number {
  return a >= 1 ? Number.POSITIVE_INFINITY : -Math.log10(1 - a);
}

/** Expected downtime per year (µs) at availability a. */
export function downtimePerYearUs(a: number): number {
  return Math.max(0, (1 - a) * YEAR_US);
}
