import { describe, expect, it } from 'vitest';
import {
  cdf,
  type Distribution,
  gamma,
  makeSampler,
  meanOf,
  normalCdf,
  sample,
  validateDistribution,
} from '../../sim/engine/distributions.js';
import { Random } from '../../sim/engine/random.js';
import { ksCritical, ksStatistic } from './stats.js';

const N = 20_000;

function samples(d: Distribution, seed: number): number[] {
  const r = Random.root(seed).fork('ks');
  const draw = makeSampler(d);
  return Array.from({ length: N }, () => draw(r));
}

describe('samplers against their closed-form CDF (Kolmogorov–Smirnov, 20,000 draws, α = 0.01, fixed seeds)', () => {
  const continuous: Distribution[] = [
    { kind: 'uniform', min: -3, max: 7 },
    { kind: 'uniform', min: 0, max: 15_000_000 },
    { kind: 'exponential', mean: 1 },
    { kind: 'exponential', mean: 30_000_000 },
    { kind: 'normal', mean: 0, sd: 1 },
    { kind: 'normal', mean: 250_000, sd: 40_000 },
    { kind: 'lognormal', median: 1, sigma: 0.25 },
    { kind: 'lognormal', median: 600_000_000, sigma: 1.5 },
    { kind: 'weibull', shape: 0.7, scale: 2 },
    { kind: 'weibull', shape: 1.5, scale: 3_600_000_000 },
    { kind: 'weibull', shape: 5, scale: 1 },
  ];
  it.each(continuous.map((d, i) => [JSON.stringify(d), d, 1000 + i] as const))('%s', (_name, d, seed) => {
    const xs = samples(d, seed);
    expect(ksStatistic(xs, (x) => cdf(d, x))).toBeLessThan(ksCritical(N));
  });

  it('a wrong CDF is caught (the test has teeth)', () => {
    const xs = samples({ kind: 'exponential', mean: 1 }, 1);
    expect(ksStatistic(xs, (x) => cdf({ kind: 'exponential', mean: 1.05 }, x))).toBeGreaterThan(ksCritical(N));
  });
});

describe('discrete samplers', () => {
  it('integer draws each value in [min, max] about equally often', () => {
    const d: Distribution = { kind: 'integer', min: -2, max: 7 };
    const xs = samples(d, 77);
    const counts = new Map<number, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3, 4, 5, 6, 7]);
    const sd = Math.sqrt(N * 0.1 * 0.9);
    for (const c of counts.values()) expect(Math.abs(c - N / 10)).toBeLessThan(5 * sd);
  });

  it('empirical draws each value with frequency weight / total, and never a zero-weight value', () => {
    const d: Distribution = { kind: 'empirical', values: [10, 20, 30, 40], weights: [1, 2, 0, 7] };
    const xs = samples(d, 5);
    const p: Record<number, number> = { 10: 0.1, 20: 0.2, 30: 0, 40: 0.7 };
    for (const v of [10, 20, 30, 40]) {
      const count = xs.filter((x) => x === v).length;
      const pv = p[v]!;
      const sd = Math.sqrt(N * pv * (1 - pv));
      if (pv === 0) expect(count).toBe(0);
      else expect(Math.abs(count - N * pv)).toBeLessThan(5 * sd);
    }
  });

  it('empirical with no weights draws values equally often (repeats count twice)', () => {
    const d: Distribution = { kind: 'empirical', values: [1, 2, 2, 3] };
    const xs = samples(d, 6);
    const twos = xs.filter((x) => x === 2).length;
    expect(Math.abs(twos - N / 2)).toBeLessThan(5 * Math.sqrt(N * 0.25));
    expect(cdf(d, 1.5)).toBe(0.25);
    expect(cdf(d, 2)).toBe(0.75);
  });

  it('constant always returns its value', () => {
    expect(new Set(samples({ kind: 'constant', value: 42 }, 1))).toEqual(new Set([42]));
  });
});

describe('sample(d, r) and makeSampler(d)', () => {
  const all: Distribution[] = [
    { kind: 'constant', value: 3 },
    { kind: 'uniform', min: 0, max: 1 },
    { kind: 'integer', min: 0, max: 9 },
    { kind: 'exponential', mean: 2 },
    { kind: 'normal', mean: 1, sd: 2 },
    { kind: 'lognormal', median: 3, sigma: 0.5 },
    { kind: 'weibull', shape: 2, scale: 1 },
    { kind: 'empirical', values: [5, 6, 7], weights: [0.5, 0, 0.25] },
  ];

  it.each(all.map((d) => [d.kind, d] as const))('%s: sample and makeSampler draw the same values', (_k, d) => {
    const a = Random.root(9);
    const b = Random.root(9);
    const draw = makeSampler(d);
    for (let i = 0; i < 200; i++) expect(sample(d, a)).toBe(draw(b));
  });

  it.each(all.map((d) => [d.kind, d] as const))('%s: the sample mean approaches meanOf', (_k, d) => {
    const r = Random.root(10);
    const draw = makeSampler(d);
    let sum = 0;
    let sumSq = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const x = draw(r);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    expect(Math.abs(mean - meanOf(d))).toBeLessThanOrEqual(5 * (sd / Math.sqrt(n)) + 1e-12);
  });

  it('makeSampler copies its parameters: later edits to the object do not change it', () => {
    const d = { kind: 'empirical' as const, values: [1, 2], weights: [1, 0] };
    const draw = makeSampler(d);
    d.values[0] = 99;
    expect(draw(Random.root(1))).toBe(1);
  });
});

describe('validateDistribution(d)', () => {
  const bad: [Distribution, string][] = [
    [{ kind: 'exponential', mean: -1 }, 'exponential: mean must be > 0 (got -1)'],
    [{ kind: 'exponential', mean: 0 }, 'exponential: mean must be > 0 (got 0)'],
    [{ kind: 'exponential', mean: Number.NaN }, 'exponential: mean must be > 0 (got NaN)'],
    [{ kind: 'constant', value: Number.POSITIVE_INFINITY }, 'constant: value must be a finite number (got Infinity)'],
    [{ kind: 'uniform', min: 5, max: 1 }, 'uniform: max must be ≥ min (got min 5, max 1)'],
    [{ kind: 'uniform', min: 0, max: Number.NaN }, 'uniform: max must be a finite number (got NaN)'],
    [{ kind: 'integer', min: 0.5, max: 3 }, 'integer: min must be an integer (got 0.5)'],
    [{ kind: 'integer', min: 3, max: 1 }, 'integer: max must be ≥ min (got min 3, max 1)'],
    [{ kind: 'normal', mean: 0, sd: 0 }, 'normal: sd must be > 0 (got 0)'],
    [{ kind: 'normal', mean: Number.NaN, sd: 1 }, 'normal: mean must be a finite number (got NaN)'],
    [{ kind: 'lognormal', median: -2, sigma: 1 }, 'lognormal: median must be > 0 (got -2)'],
    [{ kind: 'lognormal', median: 2, sigma: -1 }, 'lognormal: sigma must be > 0 (got -1)'],
    [{ kind: 'weibull', shape: 0, scale: 1 }, 'weibull: shape must be > 0 (got 0)'],
    [{ kind: 'weibull', shape: 1, scale: -5 }, 'weibull: scale must be > 0 (got -5)'],
    [{ kind: 'empirical', values: [] }, 'empirical: values must be a non-empty array of numbers (got [])'],
    [{ kind: 'empirical', values: [1, Number.NaN] }, 'empirical: values[1] must be a finite number (got NaN)'],
    [
      { kind: 'empirical', values: [1, 2], weights: [1] },
      'empirical: weights must be an array with one weight per value (2) (got 1 weights)',
    ],
    [
      { kind: 'empirical', values: [1, 2], weights: [1, -1] },
      'empirical: weights[1] must be a finite number ≥ 0 (got -1)',
    ],
    [
      { kind: 'empirical', values: [1, 2], weights: [0, 0] },
      'empirical: weights must add up to a finite number > 0 (got 0)',
    ],
    [
      { kind: 'gamma', shape: 2 } as unknown as Distribution,
      'unknown distribution kind "gamma": expected one of constant, uniform, integer, exponential, normal, lognormal, weibull, empirical',
    ],
    [{ kind: 'exponential', mean: '5' } as unknown as Distribution, 'exponential: mean must be > 0 (got "5")'],
  ];
  it.each(bad.map(([d, msg]) => [msg, d] as const))('%s', (msg, d) => {
    expect(validateDistribution(d)).toBe(msg);
    expect(() => makeSampler(d)).toThrow(msg);
    expect(() => sample(d, Random.root(1))).toThrow(msg);
  });

  it('accepts valid distributions, including degenerate ranges', () => {
    expect(validateDistribution({ kind: 'uniform', min: 2, max: 2 })).toBeUndefined();
    expect(validateDistribution({ kind: 'integer', min: 2, max: 2 })).toBeUndefined();
    expect(validateDistribution({ kind: 'empirical', values: [1], weights: [3] })).toBeUndefined();
    expect(makeSampler({ kind: 'uniform', min: 2, max: 2 })(Random.root(1))).toBe(2);
  });
});

describe('cdf and meanOf in closed form', () => {
  it('match known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 6);
    expect(cdf({ kind: 'exponential', mean: 2 }, 2)).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(cdf({ kind: 'exponential', mean: 2 }, -1)).toBe(0);
    expect(cdf({ kind: 'lognormal', median: 5, sigma: 1 }, 5)).toBeCloseTo(0.5, 7);
    expect(cdf({ kind: 'weibull', shape: 2, scale: 3 }, 3)).toBeCloseTo(1 - Math.exp(-1), 12);
    expect(cdf({ kind: 'uniform', min: 0, max: 4 }, 1)).toBe(0.25);
    expect(cdf({ kind: 'uniform', min: 2, max: 2 }, 2)).toBe(1);
    expect(cdf({ kind: 'integer', min: 1, max: 4 }, 2.5)).toBe(0.5);
    expect(cdf({ kind: 'integer', min: 1, max: 4 }, 0.9)).toBe(0);
    expect(cdf({ kind: 'constant', value: 3 }, 2.999)).toBe(0);
    expect(cdf({ kind: 'empirical', values: [1, 2, 3], weights: [1, 1, 2] }, 2)).toBe(0.5);
  });

  it('gamma matches factorials and Γ(1/2) = √π', () => {
    expect(gamma(5)).toBeCloseTo(24, 10);
    expect(gamma(1)).toBeCloseTo(1, 12);
    expect(gamma(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 12);
  });

  it('meanOf matches known means', () => {
    expect(meanOf({ kind: 'weibull', shape: 1, scale: 7 })).toBeCloseTo(7, 10);
    expect(meanOf({ kind: 'weibull', shape: 2, scale: 2 })).toBeCloseTo(Math.sqrt(Math.PI), 10);
    expect(meanOf({ kind: 'lognormal', median: 1, sigma: 1 })).toBeCloseTo(Math.exp(0.5), 12);
    expect(meanOf({ kind: 'integer', min: 1, max: 6 })).toBe(3.5);
    expect(meanOf({ kind: 'empirical', values: [0, 10], weights: [3, 1] })).toBe(2.5);
  });
});
