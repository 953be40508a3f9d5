import { describe, expect, it } from 'vitest';
import {
  kOfNHitProbability,
  kOfNUnavailability,
  meanInterval,
  normalQuantile,
  ruleOfThree,
  splittingInterval,
  tQuantile,
  wilsonInterval,
} from '../../sim/estimate/index.js';

describe('estimate statistics', () => {
  it('normal and t quantiles match the tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 5);
    const t975: Record<number, number> = { 1: 12.706, 2: 4.303, 3: 3.182, 5: 2.571, 9: 2.262, 19: 2.093, 29: 2.045 };
    for (const [df, v] of Object.entries(t975)) expect(tQuantile(0.975, Number(df))).toBeCloseTo(v, 2);
  });

  it('the t interval of a mean, Wilson’s interval and the rule of three', () => {
    const m = meanInterval([1, 2, 3, 4, 5]);
    expect(m.mean).toBe(3);
    expect(m.interval.low).toBeCloseTo(3 - 2.776 * Math.sqrt(2.5 / 5), 2);
    const w = wilsonInterval(5, 100);
    expect(w.low).toBeCloseTo(0.0215, 3);
    expect(w.high).toBeCloseTo(0.1118, 3);
    expect(wilsonInterval(0, 1000).low).toBe(0);
    expect(ruleOfThree(3000)).toBe(0.001);
  });

  it('the k-of-n hitting probability agrees with closed forms', () => {
    // One component: P(fails within T) = 1 − e^(−λT), whatever the repair rate.
    expect(kOfNHitProbability(1, 1, 0.3, 5, 2)).toBeCloseTo(1 - Math.exp(-0.6), 12);
    // n components, k = 1: P(some fails within T) = 1 − e^(−nλT).
    expect(kOfNHitProbability(4, 1, 0.1, 3, 1.5)).toBeCloseTo(1 - Math.exp(-0.6), 12);
    // Rare, short horizon: ≈ C(n, k)(λT)^k when repairs are negligible.
    const p = kOfNHitProbability(3, 3, 1e-3, 1e-9, 1);
    expect(p / 1e-3 ** 3).toBeCloseTo(1, 2);
  });

  it('the k-of-n formula gives the long-run unavailability', () => {
    const q = 1 / 121;
    expect(kOfNUnavailability(3, 2, 1 / 120, 1)).toBeCloseTo(3 * q * q * (1 - q) + q ** 3, 15);
  });

  it('the splitting interval takes the larger of the replications’ and the stages’ variance, on the log scale', () => {
    // Four replications of two stages of 10 trials whose products are all alike: their own spread is 0, the stages' is not.
    const hits = [
      [2, 2],
      [4, 1],
      [2, 2],
      [4, 1],
    ];
    const estimates = hits.map((h) => (h[0]! / 10) * (h[1]! / 10));
    expect(meanInterval(estimates).standardError).toBe(0);
    const s = splittingInterval(estimates, hits, 10);
    expect(s.mean).toBeCloseTo(0.04, 12);
    // Stage 0: fractions 0.2, 0.4, 0.2, 0.4 (mean 0.3, variance 0.04 / 3); stage 1: 0.2, 0.1, … (mean 0.15, 0.01 / 3).
    const relVar = (1 + 0.04 / 3 / 0.09) * (1 + 0.01 / 3 / 0.0225) - 1;
    expect(s.standardError).toBeCloseTo(0.04 * Math.sqrt(relVar / 4), 12);
    const spread = Math.exp(tQuantile(0.975, 3) * Math.sqrt(Math.log1p(relVar / 4)));
    expect(s.interval.low).toBeCloseTo(0.04 / spread, 12);
    expect(s.interval.high).toBeCloseTo(0.04 * spread, 12);
    // Replications that vary more than their stages suggest: their own variance is taken.
    const wild = splittingInterval(
      [0.01, 0.07],
      [
        [1, 1],
        [7, 1],
      ],
      10,
    );
    const own = meanInterval([0.01, 0.07]).standardError;
    expect(wild.standardError).toBeCloseTo(own, 12);
    // A stage reached by one replication: the variance is unknown, the interval unbounded.
    expect(splittingInterval([0.04, 0], [[4, 1], [0]], 10).interval).toEqual({
      low: 0,
      high: Number.POSITIVE_INFINITY,
    });
    // No replication reached the event: [0, 0].
    expect(splittingInterval([0, 0], [[0], [0]], 10).interval).toEqual({ low: 0, high: 0 });
  });
});
