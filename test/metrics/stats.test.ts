import { describe, expect, it } from 'vitest';
import {
  binomialCdf,
  incompleteBeta,
  logGamma,
  meanTInterval,
  nearestRank,
  normalQuantile,
  pairedDifference,
  percentile,
  percentileEstimate,
  quantileRankInterval,
  sortedCopy,
  studentTQuantile,
  summarize,
  wilsonInterval,
} from '../../sim/metrics/stats.js';

/** Exact P(B ≤ k) for B ~ Bin(n, num/den), as a BigInt fraction compared against a threshold tNum/tDen. */
function exactCdfAtMost(n: number, num: number, den: number, k: number): { num: bigint; den: bigint } {
  const N = BigInt(n);
  const p = BigInt(num);
  const q = BigInt(den - num);
  let choose = 1n;
  let acc = 0n;
  for (let i = 0n; i <= BigInt(k); i++) {
    if (i > 0n) choose = (choose * (N - i + 1n)) / i;
    acc += choose * p ** i * q ** (N - i);
  }
  return { num: acc, den: BigInt(den) ** N };
}

/** Ranks by the same definition, computed with exact rational arithmetic (thresholds 0.025 = 1/40, 0.975 = 39/40). */
function exactRanks(n: number, num: number, den: number): { lo: number | null; hi: number | null } {
  const N = BigInt(n);
  const p = BigInt(num);
  const q = BigInt(den - num);
  const total = BigInt(den) ** N;
  let choose = 1n;
  let acc = 0n;
  let lo: number | null = null;
  let hi: number | null = null;
  for (let k = 0; k <= n; k++) {
    const i = BigInt(k);
    if (i > 0n) choose = (choose * (N - i + 1n)) / i;
    acc += choose * p ** i * q ** (N - i);
    if (acc * 40n <= total) lo = k + 1;
    if (acc * 40n >= total * 39n) {
      hi = k + 1;
      break;
    }
  }
  return { lo, hi: hi !== null && hi > n ? null : hi };
}

describe('special functions', () => {
  it('logGamma matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 13);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 9);
  });

  it('binomialCdf agrees with exact rational arithmetic', () => {
    for (const [n, num, den, k] of [
      [100, 1, 2, 40],
      [100, 9, 10, 85],
      [37, 1, 3, 10],
      [500, 99, 100, 493],
    ] as const) {
      const exact = exactCdfAtMost(n, num, den, k);
      const value = Number((exact.num * 10n ** 15n) / exact.den) / 1e15;
      expect(binomialCdf(k, n, num / den)).toBeCloseTo(value, 12);
    }
  });

  it('normalQuantile gives the familiar z values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
  });

  it('incompleteBeta has the closed forms I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a', () => {
    expect(incompleteBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 14);
    expect(incompleteBeta(0.3, 5, 1)).toBeCloseTo(0.3 ** 5, 14);
  });

  it('studentTQuantile matches the closed forms for 1 and 2 degrees of freedom and the tables beyond', () => {
    // df = 1 is Cauchy: tan(π(p − 1/2)); df = 2: (2p − 1)/√(2p(1 − p)).
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(Math.tan(Math.PI * 0.475), 9);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(0.95 / Math.sqrt(2 * 0.975 * 0.025), 10);
    expect(studentTQuantile(0.025, 2)).toBeCloseTo(-0.95 / Math.sqrt(2 * 0.975 * 0.025), 10);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 10);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272456301238, 10);
    expect(studentTQuantile(0.975, 999)).toBeCloseTo(1.962341461133449, 9);
    expect(studentTQuantile(0.975, 1000)).toBeCloseTo(1.962339080826, 9);
    expect(studentTQuantile(0.975, 1e9)).toBeCloseTo(1.959963984540054 + 2.3722708e-9, 12); // z + (z³ + z)/(4·df)
  });
});

describe('nearest-rank percentiles', () => {
  it('nearestRank(n, p) is ⌈p·n⌉ without floating-point drift', () => {
    expect(nearestRank(100, 0.99)).toBe(99);
    expect(nearestRank(100, 0.5)).toBe(50);
    expect(nearestRank(10, 0.9)).toBe(9);
    expect(nearestRank(7, 0.07)).toBe(1);
    expect(nearestRank(1000, 0.999)).toBe(999);
    expect(nearestRank(3, 0)).toBe(1);
    expect(nearestRank(3, 1)).toBe(3);
    expect(nearestRank(101, 0.5)).toBe(51);
  });

  it('percentile picks an observed value, and +∞ when it lands on a censored one', () => {
    const sorted = sortedCopy([5, 1, Number.POSITIVE_INFINITY, 3, 2, 4, 7, 6, 9, 8]);
    expect(percentile(sorted, 0.5)).toBe(5);
    expect(percentile(sorted, 0.9)).toBe(9);
    expect(percentile(sorted, 0.99)).toBe(Number.POSITIVE_INFINITY);
  });

  it('sortedCopy refuses NaN', () => {
    expect(() => sortedCopy([1, Number.NaN])).toThrow(/NaN/);
  });
});

describe('order-statistic confidence intervals', () => {
  it('n = 100, p50, 95 % is ranks [40, 61], as the exact binomial gives', () => {
    expect(quantileRankInterval(100, 0.5)).toEqual({ lo: 40, hi: 61 });
    expect(exactRanks(100, 1, 2)).toEqual({ lo: 40, hi: 61 });
  });

  it('agrees with exact rational arithmetic across n and p', () => {
    for (const n of [1, 5, 20, 59, 100, 299, 1000]) {
      for (const [num, den] of [
        [1, 2],
        [9, 10],
        [99, 100],
        [1, 10],
      ] as const) {
        expect(quantileRankInterval(n, num / den), `n=${n} p=${num}/${den}`).toEqual(exactRanks(n, num, den));
      }
    }
  });

  it('an upper bound for p99 needs 1 − 0.99ⁿ ≥ 97.5 %, i.e. n ≥ 368', () => {
    const n = Math.ceil(Math.log(0.025) / Math.log(0.99));
    expect(n).toBe(368);
    expect(quantileRankInterval(n - 1, 0.99).hi).toBeNull();
    expect(quantileRankInterval(n, 0.99).hi).toBe(n);
  });

  it('p99 with 100 samples has no upper bound, and p50 with 5 samples none at all', () => {
    expect(quantileRankInterval(100, 0.99).hi).toBeNull();
    expect(quantileRankInterval(5, 0.5)).toEqual({ lo: null, hi: null });
  });

  it('percentileEstimate reads the bounds off the sorted values, +∞ where they are censored', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i < 95 ? i + 1 : Number.POSITIVE_INFINITY));
    const sorted = sortedCopy(values);
    expect(percentileEstimate(sorted, 0.5)).toEqual({ p: 0.5, value: 50, ci: { lo: 40, hi: 61 } });
    const p90 = percentileEstimate(sorted, 0.9);
    const ranks = quantileRankInterval(100, 0.9);
    expect(p90.value).toBe(90);
    expect(p90.ci.lo).toBe(ranks.lo);
    expect(p90.ci.hi).toBe(ranks.hi! > 95 ? Number.POSITIVE_INFINITY : ranks.hi);
    expect(percentileEstimate(sorted, 0.99).value).toBe(Number.POSITIVE_INFINITY);
  });

  it('covers the true median in about 95 % of simulated samples (at least the nominal rate)', () => {
    // Uniform(0, 1) samples from a fixed LCG: the median is 0.5.
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 4294967296;
    };
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const sorted = sortedCopy(Array.from({ length: 60 }, next));
      const { ci } = percentileEstimate(sorted, 0.5);
      if (ci.lo! <= 0.5 && 0.5 <= ci.hi!) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.94);
  });
});

describe('means, rates and summaries', () => {
  it('meanTInterval is mean ± t·s/√n', () => {
    const m = meanTInterval([1, 2, 3, 4, 5]);
    expect(m.mean).toBe(3);
    expect(m.sd).toBeCloseTo(Math.sqrt(2.5), 14);
    const half = 2.7764451051977987 * (Math.sqrt(2.5) / Math.sqrt(5));
    expect(m.ci.lo).toBeCloseTo(3 - half, 9);
    expect(m.ci.hi).toBeCloseTo(3 + half, 9);
    expect(meanTInterval([7]).ci).toEqual({ lo: null, hi: null });
    expect(meanTInterval([]).mean).toBeNull();
  });

  it('wilsonInterval matches the closed form for 8 of 10', () => {
    const z = 1.959963984540054;
    const n = 10;
    const ph = 0.8;
    const centre = (ph + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const half = (z / (1 + (z * z) / n)) * Math.sqrt((ph * (1 - ph)) / n + (z * z) / (4 * n * n));
    const w = wilsonInterval(8, 10);
    expect(w.lo).toBeCloseTo(centre - half, 12);
    expect(w.hi).toBeCloseTo(centre + half, 12);
    expect(wilsonInterval(10, 10).hi).toBe(1);
  });

  it('summarize keeps censored values: they count in n, in the share and in the percentiles, not in the mean', () => {
    const s = summarize([10, 20, Number.POSITIVE_INFINITY, 30], [0.5, 0.9]);
    expect(s.n).toBe(4);
    expect(s.censored).toBe(1);
    expect(s.censoredShare).toBe(0.25);
    expect(s.mean.mean).toBe(20);
    expect(s.mean.n).toBe(3);
    expect(s.max).toBe(Number.POSITIVE_INFINITY);
    expect(s.percentiles.map((p) => p.value)).toEqual([20, Number.POSITIVE_INFINITY]);
  });
});

describe('paired differences', () => {
  it('mean of b − a over finite pairs with a paired t-interval, censored pairs counted by kind', () => {
    const inf = Number.POSITIVE_INFINITY;
    const d = pairedDifference([10, 20, 30, inf, 5, inf], [8, 20, 35, 4, inf, inf]);
    expect(d.pairs).toBe(6);
    expect(d.n).toBe(3);
    expect(d.mean.mean).toBe(1); // (−2 + 0 + 5) / 3
    expect(d.mean.ci).toEqual(meanTInterval([-2, 0, 5]).ci);
    expect([d.onlyACensored, d.onlyBCensored, d.bothCensored]).toEqual([1, 1, 1]);
    expect([d.bLower, d.equal, d.bHigher]).toEqual([1, 1, 1]);
  });
});
