/**
 * From replications to a report: the estimate, its interval and relative error, and what it implies over time.
 * Replications are independent (their runs use disjoint salts), so shards of one estimate merge by concatenating
 * their replications; the report depends only on the set of replications, not on their order.
 */
import type { ReplicationResult } from './splitting.js';
import { type Interval, longRun, mttfOf, ruleOfThree, splittingInterval, wilsonInterval } from './stats.js';

export type Method = 'crude' | 'splitting';

/** What identifies an estimate: shards merge only when all of this is equal. */
export interface EstimateKey {
  readonly method: Method;
  readonly scenario: string;
  readonly scenarioHash: string;
  readonly seed: number;
  readonly event: string;
  readonly importance: string | null;
  readonly thresholds: readonly number[];
  readonly effort: number;
  readonly horizonUs: number;
}

export interface EstimateReport extends EstimateKey {
  readonly estimate: number;
  readonly interval: Interval;
  /** Standard error / estimate (Infinity when the estimate is 0). */
  readonly relativeError: number;
  readonly replications: number;
  readonly runs: number;
  readonly events: number;
  /** Goal reached per stage, summed over replications. */
  readonly hits: readonly number[];
  /** Crude with no hit: the 95 % upper bound 3/n. */
  readonly ruleOfThree: number | null;
  readonly mttfUs: number;
  readonly mttfIntervalUs: Interval;
  /** Mean time the event lasts once it holds (µs), from the hits; null without one. */
  readonly meanDurationUs: number | null;
  readonly censored: number;
  readonly unavailability: number;
  readonly unavailabilityInterval: Interval;
  readonly nines: number;
  readonly downtimePerYearUs: number;
  /** Trials where the event held below a level (the levels are not nested: biased low). */
  readonly belowLevel: number;
}

export function reportOf(key: EstimateKey, reps: readonly ReplicationResult[], confidence = 0.95): EstimateReport {
  const sorted = [...reps].sort((a, b) => a.replication - b.replication);
  let runs = 0;
  let events = 0;
  let durSum = 0;
  let durN = 0;
  let censored = 0;
  let belowLevel = 0;
  const hits: number[] = [];
  for (const r of sorted) {
    runs += r.runs;
    events += r.events;
    durSum += r.durationSumUs;
    durN += r.durations;
    censored += r.censored;
    belowLevel += r.belowLevel;
    r.hits.forEach((h, i) => {
      hits[i] = (hits[i] ?? 0) + h;
    });
  }
  let estimate: number;
  let interval: Interval;
  let relativeError: number;
  let rule: number | null = null;
  if (key.method === 'crude') {
    const n = runs;
    const h = hits[0] ?? 0;
    estimate = n > 0 ? h / n : 0;
    interval = wilsonInterval(h, n, confidence);
    relativeError = h > 0 ? Math.sqrt((1 - estimate) / (n * estimate)) : Number.POSITIVE_INFINITY;
    if (h === 0) rule = ruleOfThree(n);
  } else {
    const m = splittingInterval(
      sorted.map((r) => r.estimate),
      sorted.map((r) => r.hits),
      key.effort,
      confidence,
    );
    estimate = m.mean;
    interval = m.interval;
    relativeError = m.mean > 0 ? m.standardError / m.mean : Number.POSITIVE_INFINITY;
  }
  const meanDurationUs = durN > 0 ? durSum / durN : null;
  const d = meanDurationUs ?? 0;
  const lr = longRun(estimate, key.horizonUs, d);
  const lo = longRun(interval.low, key.horizonUs, d);
  const hi = longRun(rule ?? interval.high, key.horizonUs, d);
  return {
    ...key,
    estimate,
    interval,
    relativeError,
    replications: sorted.length,
    runs,
    events,
    hits,
    ruleOfThree: rule,
    mttfUs: lr.mttfUs,
    mttfIntervalUs: { low: mttfOf(rule ?? interval.high, key.horizonUs), high: mttfOf(interval.low, key.horizonUs) },
    meanDurationUs,
    censored,
    unavailability: lr.unavailability,
    unavailabilityInterval: { low: lo.unavailability, high: hi.unavailability },
    nines: lr.nines,
    downtimePerYearUs: lr.downtimePerYearUs,
    belowLevel,
  };
}
