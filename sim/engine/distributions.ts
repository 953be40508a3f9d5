import type { Random } from './random.js';

/**
 * Named-parameter distributions, unit-agnostic: the scenario layer passes microseconds and rounds what it draws.
 * Every parameter is checked by validateDistribution, whose message names the kind, the parameter and the bad value.
 */
export type Distribution =
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  /** Integers in [min, max], both inclusive, equally likely. */
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'normal'; mean: number; sd: number }
  /** e^N(ln median, sigma²). */
  | { kind: 'lognormal'; median: number; sigma: number }
  | { kind: 'weibull'; shape: number; scale: number }
  /** A discrete table: `values[i]` with probability weights[i] / Σ weights (equal weights by default). */
  | { kind: 'empirical'; values: number[]; weights?: number[] };

export type DistributionKind = Distribution['kind'];

export const DISTRIBUTION_KINDS: readonly DistributionKind[] = [
  'constant',
  'uniform',
  'integer',
  'exponential',
  'normal',
  'lognormal',
  'weibull',
  'empirical',
];

function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
}

function finite(kind: string, name: string, v: unknown): string | undefined {
  return typeof v === 'number' && Number.isFinite(v)
    ? undefined
    : `${kind}: ${name} must be a finite number (got ${show(v)})`;
}

function positive(kind: string, name: string, v: unknown): string | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0
    ? undefined
    : `${kind}: ${name} must be > 0 (got ${show(v)})`;
}

function safeInteger(kind: string, name: string, v: unknown): string | undefined {
  return Number.isSafeInteger(v) ? undefined : `${kind}: ${name} must be an integer (got ${show(v)})`;
}

function validateEmpirical(values: unknown, weights: unknown): string | undefined {
  if (!Array.isArray(values) || values.length === 0) {
    return `empirical: values must be a non-empty array of numbers (got ${show(values)})`;
  }
  for (let i = 0; i < values.length; i++) {
    const e = finite('empirical', `values[${i}]`, values[i]);
    if (e) return e;
  }
  if (weights === undefined) return undefined;
  if (!Array.isArray(weights) || weights.length !== values.length) {
    const got = Array.isArray(weights) ? `${weights.length} weights` : show(weights);
    return `empirical: weights must be an array with one weight per value (${values.length}) (got ${got})`;
  }
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w: unknown = weights[i];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      return `empirical: weights[${i}] must be a finite number ≥ 0 (got ${show(w)})`;
    }
    total += w;
  }
  if (!(total > 0 && Number.isFinite(total)))
    return `empirical: weights must add up to a finite number > 0 (got ${total})`;
  return undefined;
}

/** Undefined when `d` is valid, else a one-line message naming the bad parameter. */
export function validateDistribution(d: Distribution): string | undefined {
  if (typeof d !== 'object' || d === null) return `distribution must be an object with a kind (got ${show(d)})`;
  switch (d.kind) {
    case 'constant':
      return finite('constant', 'value', d.value);
    case 'uniform':
      return (
        finite('uniform', 'min', d.min) ??
        finite('uniform', 'max', d.max) ??
        (d.max >= d.min ? undefined : `uniform: max must be ≥ min (got min ${d.min}, max ${d.max})`)
      );
    case 'integer':
      return (
        safeInteger('integer', 'min', d.min) ??
        safeInteger('integer', 'max', d.max) ??
        (d.max >= d.min ? undefined : `integer: max must be ≥ min (got min ${d.min}, max ${d.max})`)
      );
    case 'exponential':
      return positive('exponential', 'mean', d.mean);
    case 'normal':
      return finite('normal', 'mean', d.mean) ?? positive('normal', 'sd', d.sd);
    case 'lognormal':
      return positive('lognormal', 'median', d.median) ?? positive('lognormal', 'sigma', d.sigma);
    case 'weibull':
      return positive('weibull', 'shape', d.shape) ?? positive('weibull', 'scale', d.scale);
    case 'empirical':
      return validateEmpirical(d.values, d.weights);
    default: {
      const kind: unknown = (d as { kind?: unknown }).kind;
      return `unknown distribution kind ${show(kind)}: expected one of ${DISTRIBUTION_KINDS.join(', ')}`;
    }
  }
}

function check(d: Distribution): void {
  const err = validateDistribution(d);
  if (err !== undefined) throw new RangeError(err);
}

/** Running sums of the empirical weights (equal weights when absent); the last entry is the total. */
function cumulativeWeights(d: { values: number[]; weights?: number[] }): Float64Array {
  const n = d.values.length;
  const cum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += d.weights ? d.weights[i]! : 1;
    cum[i] = total;
  }
  return cum;
}

/** The index i of the first running sum > target: value i is drawn when target lands in its step. */
function findStep(cum: Float64Array, target: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Returns a sampler for `d`: validates once (throwing a RangeError with validateDistribution's message) and
 * resolves the parameters, so a draw is a single call with no checks and no allocation. Each draw takes one number
 * from `r` (normal and lognormal take two), so `sample(d, r)` and `makeSampler(d)(r)` draw the same values.
 */
export function makeSampler(d: Distribution): (r: Random) => number {
  check(d);
  switch (d.kind) {
    case 'constant': {
      const value = d.value;
      return () => value;
    }
    case 'uniform': {
      const { min, max } = d;
      return (r) => r.uniform(min, max);
    }
    case 'integer': {
      const { min, max } = d;
      return (r) => r.int(min, max);
    }
    case 'exponential': {
      const mean = d.mean;
      return (r) => r.exponential(mean);
    }
    case 'normal': {
      const { mean, sd } = d;
      return (r) => r.normal(mean, sd);
    }
    case 'lognormal': {
      const { median, sigma } = d;
      return (r) => r.lognormal(median, sigma);
    }
    case 'weibull': {
      const { shape, scale } = d;
      return (r) => r.weibull(shape, scale);
    }
    case 'empirical': {
      const values = Float64Array.from(d.values);
      const cum = cumulativeWeights(d);
      const total = cum[cum.length - 1]!;
      return (r) => values[findStep(cum, r.next() * total)]!;
    }
  }
}

/**
 * One draw from `d`, the same value makeSampler(d)(r) would give. Validates on every call (throwing a RangeError);
 * in a hot loop, prefer makeSampler.
 */
export function sample(d: Distribution, r: Random): number {
  check(d);
  switch (d.kind) {
    case 'constant':
      return d.value;
    case 'uniform':
      return r.uniform(d.min, d.max);
    case 'integer':
      return r.int(d.min, d.max);
    case 'exponential':
      return r.exponential(d.mean);
    case 'normal':
      return r.normal(d.mean, d.sd);
    case 'lognormal':
      return r.lognormal(d.median, d.sigma);
    case 'weibull':
      return r.weibull(d.shape, d.scale);
    case 'empirical': {
      // Same running sums, in the same order, as cumulativeWeights: the same draw picks the same value.
      const { values, weights } = d;
      let total = 0;
      for (let i = 0; i < values.length; i++) total += weights ? weights[i]! : 1;
      const target = r.next() * total;
      let running = 0;
      for (let i = 0; i < values.length; i++) {
        running += weights ? weights[i]! : 1;
        if (running > target) return values[i]!;
      }
      return values[values.length - 1]!;
    }
  }
}

// Numerical Recipes' erfcc coefficients, highest power last.
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
];

/** Complementary error function, |relative error| < 1.2e-7 (Numerical Recipes' erfcc, Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let i = ERFC.length - 1; i >= 0; i--) poly = ERFC[i]! + t * poly;
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Γ(x) for x > 0 (Lanczos, g = 7; ~15 significant digits). */
export function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  x -= 1;
  let a = LANCZOS[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (x + i);
  return Math.sqrt(2 * Math.PI) * t ** (x + 0.5) * Math.exp(-t) * a;
}

/** P(X ≤ x), in closed form (for tests and reports). */
export function cdf(d: Distribution, x: number): number {
  check(d);
  switch (d.kind) {
    case 'constant':
      return x >= d.value ? 1 : 0;
    case 'uniform':
      if (x < d.min) return 0;
      if (x >= d.max) return 1;
      return (x - d.min) / (d.max - d.min);
    case 'integer':
      if (x < d.min) return 0;
      return Math.min(1, (Math.floor(x) - d.min + 1) / (d.max - d.min + 1));
    case 'exponential':
      return x <= 0 ? 0 : -Math.expm1(-x / d.mean);
    case 'normal':
      return normalCdf((x - d.mean) / d.sd);
    case 'lognormal':
      return x <= 0 ? 0 : normalCdf((Math.log(x) - Math.log(d.median)) / d.sigma);
    case 'weibull':
      return x <= 0 ? 0 : -Math.expm1(-((x / d.scale) ** d.shape));
    case 'empirical': {
      const cum = cumulativeWeights(d);
      let below = 0;
      for (let i = 0; i < d.values.length; i++) {
        if (d.values[i]! <= x) below += d.weights ? d.weights[i]! : 1;
      }
      return below / cum[cum.length - 1]!;
    }
  }
}

/** The expected value of `d`. */
export function meanOf(d: Distribution): number {
  check(d);
  switch (d.kind) {
    case 'constant':
      return d.value;
    case 'uniform':
    case 'integer':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.mean;
    case 'normal':
      return d.mean;
    case 'lognormal':
      return d.median * Math.exp((d.sigma * d.sigma) / 2);
    case 'weibull':
      return d.scale * gamma(1 + 1 / d.shape);
    case 'empirical': {
      let sum = 0;
      let total = 0;
      for (let i = 0; i < d.values.length; i++) {
        const w = d.weights ? d.weights[i]! : 1;
        sum += w * d.values[i]!;
        total += w;
      }
      return sum / total;
    }
  }
}
