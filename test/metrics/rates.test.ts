import { describe, expect, it } from 'vitest';
import { downtimePerYearUs, gammaP, nines, poissonInterval, rateEstimate, YEAR_US } from '../../sim/metrics/index.js';

describe('rates', () => {
  it('computes the regularised incomplete gamma function', () => {
    expect(gammaP(1, 1)).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(gammaP(3, 2)).toBeCloseTo(1 - Math.exp(-2) * (1 + 2 + 2), 12);
    // P(20, 30) = P(Poisson(30) ≥ 20), summed directly (continued-fraction branch).
    let term = Math.exp(-30);
    let below = term;
    for (let k = 1; k < 20; k++) {
      term *= 30 / k;
      below += term;
    }
    expect(gammaP(20, 30)).toBeCloseTo(1 - below, 12);
  });

  it('gives exact Poisson intervals (Garwood) matching published tables', () => {
    const z = poissonInterval(0);
    expect(z.lo).toBe(0);
    expect(z.hi).toBeCloseTo(3.689, 3);
    const t = poissonInterval(10);
    expect(t.lo).toBeCloseTo(4.795, 3);
    expect(t.hi).toBeCloseTo(18.39, 2);
  });

  it('estimates a mean time between events with its interval, and uses the rule of three when none was seen', () => {
    const r = rateEstimate(10, 1000);
    expect(r.meanUs).toBe(100);
    expect(r.ci.lo).toBeCloseTo(1000 / 18.39, 1);
    expect(r.ci.hi).toBeCloseTo(1000 / 4.795, 1);
    const none = rateEstimate(0, 900);
    expect(none.meanUs).toBeNull();
    expect(none.ruleOfThreeUs).toBe(300);
    expect(none.ci).toEqual({ lo: 300, hi: null });
  });

  it('writes availability as nines and downtime per year', () => {
    expect(nines(0.999)).toBeCloseTo(3, 10);
    expect(nines(1)).toBe(Number.POSITIVE_INFINITY);
    expect(downtimePerYearUs(0.999)).toBeCloseTo(YEAR_US / 1000, 0);
    expect(downtimePerYearUs(0.99999) / 60e6).toBeCloseTo(5.26, 2);
  });
});
