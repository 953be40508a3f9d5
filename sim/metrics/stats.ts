/**
 * Statistics for sweeps: nearest-rank percentiles with exact order-statistic confidence intervals, Student-t
 * intervals for means, Wilson intervals for pass rates, and paired differences. Pure and browser-safe.
 *
 * Censoring: a value not reached within a run (a fault never recovered) is +∞. It is never dropped: it sorts after
 * every finite value, so a percentile that lands on it is +∞ ("not recovered"), and the share of censored values is
 * reported beside the percentiles. Means (which a single +∞ would make infinite) are taken over the finite values
 * only, and say so (`meanOf: 'finite'`).
 *
 * Determinism: every function here is a pure function of its inputs, and sums run in the order the values are given,
 * so callers that pass values in a fixed order get bit-identical results.
 */

/** A confidence interval. `null` for a bound that this many samples cannot give (e.g. the upper bound of p99 at n = 50). */
export interface Interval {
  readonly lo: number | null;
  readonly hi: number | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Special functions

const LANCZOS_G = 7;
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
  -0.13857109526572012, 0.000009984369578019572, 1.5056327351493116e-7,
] as const;

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: relative error below 1e-14 over the range used here). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Walks the binomial cumulative probabilities P(B ≤ k), B ~ Binomial(n, p), for k = 0, 1, … and calls `visit(k,
 * cdf)` until it returns false or k = n. Terms come from the recurrence pmf(k + 1) = pmf(k)·(n − k)/(k + 1)·p/(1 − p)
 * in log space, starting at ln pmf(0) = n·ln(1 − p); terms below e^-745 underflow to 0, which moves no bound used
 * here. O(k) for the k visited.
 */
export function walkBinomialCdf(n: number, p: number, visit: (k: number, cdf: number) => boolean): void {
  if (p <= 0 || p >= 1) {
    for (let k = 0; k <= n; k++) if (!visit(k, p <= 0 || k === n ? 1 : 0)) return;
    return;
  }
  const logOdds = Math.log(p) - Math.log1p(-p);
  let logPmf = n * Math.log1p(-p);
  let acc = 0;
  for (let k = 0; k <= n; k++) {
    acc += Math.exp(logPmf);
    if (!visit(k, k === n ? 1 : Math.min(acc, 1))) return;
    logPmf += Math.log((n - k) / (k + 1)) + logOdds;
  }
}

/** P(B ≤ k) for B ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  let out = 1;
  walkBinomialCdf(n, p, (i, cdf) => {
    out = cdf;
    return i < k;
  });
  return out;
}

/**
 * The standard normal quantile Φ⁻¹(p) for p in (0, 1): Wichura's AS 241 (PPND16), relative error about 1e-16.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    throw new RangeError(`normalQuantile: p must be in [0, 1] (got ${p})`);
  }
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301227 + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) * r +
          13731.69376550946) *
          r +
          1971.5909503065513) *
          r +
          133.14166789178438) *
          r +
          3.3871328727963665)) /
      (((((((r * 5226.495278852546 + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) * r +
        5394.196021424751) *
        r +
        687.1870074920579) *
        r +
        42.31333070160091) *
        r +
        1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x =
      (((((((r * 0.0007745450142783414 + 0.022723844989269184) * r + 0.2417807251774506) * r + 1.2704582524523684) * r +
        3.6478483247632045) *
        r +
        5.769497221460691) *
        r +
        4.630337846156546) *
        r +
        1.4234371107496835) /
      (((((((r * 1.0507500716444169e-9 + 0.0005475938084995345) * r + 0.015198666563616457) * r + 0.14810397642748008) *
        r +
        0.6897673349851) *
        r +
        1.6763848301838038) *
        r +
        2.053191626637759) *
        r +
        1);
  } else {
    r -= 5;
    x =
      (((((((r * 2.0103343992922881e-7 + 0.000027115555687434876) * r + 0.0012426609473880784) * r +
        0.026532189526576124) *
        r +
        0.29656057182850487) *
        r +
        1.7848265399172913) *
        r +
        5.463784911164114) *
        r +
        6.657904643501103) /
      (((((((r * 2.0442631033899397e-15 + 1.421511758316446e-7) * r + 0.000018463183175100548) * r +
        0.0007868691311456133) *
        r +
        0.014875361290850615) *
        r +
        0.1369298809227358) *
        r +
        0.599832206555888) *
        r +
        1);
  }
  return q < 0 ? -x : x;
}

/** Continued fraction for the incomplete beta function (modified Lentz), valid for x < (a + 1) / (a + b + 2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b) for x in [0, 1], a, b > 0. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * The quantile of Student's t distribution with `df` degrees of freedom, for p in (0, 1). Below 1000 degrees of
 * freedom: bisection on the incomplete beta function (to double precision); from 1000 up: the Cornish–Fisher
 * expansion around the normal quantile (Abramowitz & Stegun 26.7.5), whose error there is below 1e-12.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1) (got ${p})`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0 (got ${df})`);
  if (p === 0.5) return 0;
  const upper = p > 0.5;
  const tail = upper ? 1 - p : p; // one-sided tail probability, < 0.5
  if (df >= 1000) {
    const z = normalQuantile(1 - tail);
    const z2 = z * z;
    const g1 = (z2 * z + z) / 4;
    const g2 = (((5 * z2 + 16) * z2 + 3) * z) / 96;
    const g3 = ((((3 * z2 + 19) * z2 + 17) * z2 - 15) * z) / 384;
    const g4 = (((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z) / 92160;
    const t = z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
    return upper ? t : -t;
  }
  // P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2) = 2·tail; that function of x = df/(df+t²) increases with x.
  const target = 2 * tail;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 0; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (incompleteBeta(mid, df / 2, 0.5) < target) lo = mid;
    else hi = mid;
  }
  const x = (lo + hi) / 2;
  const t = Math.sqrt((df * (1 - x)) / x);
  return upper ? t : -t;
}

// ---------------------------------------------------------------------------------------------------------------
// Percentiles

/** Ascending copy of `values` (+∞ — censored — sorts last). NaN is refused. */
export function sortedCopy(values: readonly number[]): Float64Array {
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!)) throw new RangeError(`sortedCopy: NaN at index ${i}`);
  }
  return out.sort();
}

/** The percentile `p` (a fraction in [0, 1]) in integer parts per million, so that ranks are exact. */
function partsPerMillion(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile must be a fraction in [0, 1] (got ${p})`);
  return Math.round(p * 1_000_000);
}

/**
 * The nearest-rank rank (1-based) of percentile `p` among `n` values: ⌈p·n⌉, at least 1. Exact: `p` is taken in
 * parts per million, so 0.99 × 100 gives rank 99 (not 100 from a rounding error).
 */
export function nearestRank(n: number, p: number): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`nearestRank: n must be an integer ≥ 1 (got ${n})`);
  const ppm = partsPerMillion(p);
  return Math.max(1, Math.ceil((ppm * n) / 1_000_000));
}

/** The nearest-rank percentile `p` of ascending `sorted` values (+∞ when it lands on a censored value). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[nearestRank(sorted.length, p) - 1]!;
}

/**
 * The ranks (1-based) of the order statistics that bound a two-sided `confidence` interval for the `p`-quantile of
 * a continuous distribution from `n` samples, by the binomial distribution of the count B ~ Bin(n, p) of samples
 * below the quantile: [X(l), X(u)] covers it with probability P(l ≤ B ≤ u − 1) ≥ `confidence`, where l is the
 * largest rank with P(B ≤ l − 1) ≤ α/2 and u the smallest with P(B ≤ u − 1) ≥ 1 − α/2 (equal tails, each ≤ α/2).
 * `lo` is null when even X(1) is not low enough (P(B = 0) > α/2); `hi` is null when u would be n + 1.
 * Example: n = 100, p = 0.5, 95 % → ranks 40 and 61.
 */
export function quantileRankInterval(
  n: number,
  p: number,
  confidence = 0.95,
): { lo: number | null; hi: number | null } {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`quantileRankInterval: n must be an integer ≥ 1`);
  const tail = (1 - confidence) / 2;
  // l − 1 = the largest k with P(B ≤ k) ≤ α/2 (none: no lower bound); u − 1 = the smallest k with P(B ≤ k) ≥ 1 − α/2.
  let lo: number | null = null;
  let hi: number | null = null;
  walkBinomialCdf(n, partsPerMillion(p) / 1_000_000, (k, cdf) => {
    if (cdf <= tail) lo = k + 1;
    if (cdf >= 1 - tail) {
      hi = k + 1;
      return false;
    }
    return true;
  });
  return { lo, hi: hi !== null && hi > n ? null : hi };
}

export interface PercentileEstimate {
  /** The percentile as a fraction, e.g. 0.99. */
  readonly p: number;
  /** Nearest-rank value; +∞ when it lands on a censored value. */
  readonly value: number;
  /** Order-statistic interval; a bound is +∞ when its order statistic is censored, null when n is too small. */
  readonly ci: Interval;
}

/** Nearest-rank percentile `p` of ascending `sorted` values with its order-statistic confidence interval. */
export function percentileEstimate(sorted: ArrayLike<number>, p: number, confidence = 0.95): PercentileEstimate {
  const n = sorted.length;
  const ranks = quantileRankInterval(n, p, confidence);
  return {
    p,
    value: percentile(sorted, p),
    ci: {
      lo: ranks.lo === null ? null : sorted[ranks.lo - 1]!,
      hi: ranks.hi === null ? null : sorted[ranks.hi - 1]!,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Means and rates

export interface MeanEstimate {
  /** How many values the mean is over. */
  readonly n: number;
  /** null when n = 0. */
  readonly mean: number | null;
  /** Sample standard deviation (n − 1); null when n < 2. */
  readonly sd: number | null;
  /** Student-t interval mean ± t(1 − α/2, n − 1)·sd/√n; null bounds when n < 2. */
  readonly ci: Interval;
}

/** Mean of finite `values` (summed in the order given) with a Student-t `confidence` interval. */
export function meanTInterval(values: ArrayLike<number>, confidence = 0.95): MeanEstimate {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, ci: { lo: null, hi: null } };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: null, ci: { lo: null, hi: null } };
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    ss += d * d;
  }
  const sd = Math.sqrt(ss / (n - 1));
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, ci: { lo: mean - half, hi: mean + half } };
}

/** Wilson score interval for a proportion `successes / n` (n ≥ 1). */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval {
  if (n === 0) return { lo: null, hi: null };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const phat = successes / n;
  const z2n = (z * z) / n;
  const centre = (phat + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((phat * (1 - phat)) / n + z2n / (4 * n));
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

// ---------------------------------------------------------------------------------------------------------------
// Distribution summaries

export interface DistributionSummary {
  /** All values, censored included. */
  readonly n: number;
  /** Values that are +∞ (not reached within the run). */
  readonly censored: number;
  /** censored / n (0 when n = 0). */
  readonly censoredShare: number;
  /** Mean over the finite values only, with its t-interval. */
  readonly mean: MeanEstimate;
  readonly min: number | null;
  readonly max: number | null;
  readonly percentiles: readonly PercentileEstimate[];
}

/**
 * Summarises `values` (+∞ = censored; given in a fixed order, which fixes the floating-point sums): n, the censored
 * count and share, the mean of the finite values with a t-interval, min, max and nearest-rank percentiles with
 * order-statistic intervals.
 */
export function summarize(
  values: readonly number[],
  percentiles: readonly number[],
  confidence = 0.95,
): DistributionSummary {
  const n = values.length;
  const finite: number[] = [];
  for (const v of values) {
    if (Number.isNaN(v) || v === Number.NEGATIVE_INFINITY) throw new RangeError(`summarize: bad value ${v}`);
    if (v !== Number.POSITIVE_INFINITY) finite.push(v);
  }
  const censored = n - finite.length;
  const mean = meanTInterval(finite, confidence);
  if (n === 0) {
    return { n, censored, censoredShare: 0, mean, min: null, max: null, percentiles: [] };
  }
  const sorted = sortedCopy(values);
  return {
    n,
    censored,
    censoredShare: censored / n,
    mean,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    percentiles: percentiles.map((p) => percentileEstimate(sorted, p, confidence)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Paired differences

export interface PairedDifference {
  /** Pairs given. */
  readonly pairs: number;
  /** Pairs where both values are finite: the mean difference is over these. */
  readonly n: number;
  /** Mean of (b − a) over finite pairs, with its t-interval (a paired t-interval). */
  readonly mean: MeanEstimate;
  /** Pairs where only a is censored (b reached, a not), only b, or both. */
  readonly onlyACensored: number;
  readonly onlyBCensored: number;
  readonly bothCensored: number;
  /** Finite pairs with b < a, b = a, b > a. */
  readonly bLower: number;
  readonly equal: number;
  readonly bHigher: number;
}

/**
 * Paired differences b − a of aligned arrays (pair i = the same seed and the same fault, role or run). Censored
 * (+∞) members cannot give a finite difference: such pairs are counted by kind, never silently dropped.
 */
export function pairedDifference(a: readonly number[], b: readonly number[], confidence = 0.95): PairedDifference {
  if (a.length !== b.length) throw new RangeError(`pairedDifference: ${a.length} a values but ${b.length} b values`);
  const diffs: number[] = [];
  let onlyACensored = 0;
  let onlyBCensored = 0;
  let bothCensored = 0;
  let bLower = 0;
  let equal = 0;
  let bHigher = 0;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    const bi = b[i]!;
    const aInf = ai === Number.POSITIVE_INFINITY;
    const bInf = bi === Number.POSITIVE_INFINITY;
    if (aInf && bInf) bothCensored++;
    else if (aInf) onlyACensored++;
    else if (bInf) onlyBCensored++;
    else {
      const d = bi - ai;
      diffs.push(d);
      if (d < 0) bLower++;
      else if (d > 0) bHigher++;
      else equal++;
    }
  }
  return {
    pairs: a.length,
    n: diffs.length,
    mean: meanTInterval(diffs, confidence),
    onlyACensored,
    onlyBCensored,
    bothCensored,
    bLower,
    equal,
    bHigher,
  };
}
