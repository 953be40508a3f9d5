import { describe, expect, it } from 'vitest';
import {
  kOfNHitProbability,
  kOfNUnavailability,
  meanInterval,
  normalQuantile,
  ruleOfThree,
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
});
