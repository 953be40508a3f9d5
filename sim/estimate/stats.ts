/**
 * The statistics of an estimate: confidence intervals for a mean of independent replications (Student t), for a
 * splitting estimate (log scale, variance from the stages too), and for a binomial proportion (Wilson score), the
 * rule of three, and what a probability per run implies over time (MTTF,
 * unavailability, nines, downtime per year).
 */

/** Inverse of the standard normal CDF (Acklam's rational approximation, |relative error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1) (got ${p})`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * Quantile of Student's t with `df` degrees of freedom (df ≥ 1): Hill's (1970) expansion around the normal quantile,
 * within 1e-3 of the tables from df = 3 for the usual levels; exact for df = 1 and 2.
 */
export function tQuantile(p: number, df: number): number {
  if (!(df >= 1)) throw new RangeError(`tQuantile: df must be ≥ 1 (got ${df})`);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const z2 = z * z;
  const g1 = ((z2 + 1) * z) / 4;
  const g2 = (((5 * z2 + 16) * z2 + 3) * z) / 96;
  const g3 = ((((3 * z2 + 19) * z2 + 17) * z2 - 15) * z) / 384;
  const g4 = (((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/**
 * Mean, standard error and a two-sided `confidence` interval of independent values (n ≥ 2): Student's t, centred
 * with Johnson's (1978) correction for skewness, x̄ + μ̂₃ / (6 s² n). Splitting estimates are skewed to the right
 * (most replications a little low, a few high); the plain t interval then misses low too often, the corrected one
 * moves up by the skewness the sample shows.
 */
export function meanInterval(
  values: readonly number[],
  confidence = 0.95,
): { mean: number; standardError: number; interval: Interval } {
  const n = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = n > 0 ? sum / n : 0;
  if (n < 2)
    return { mean, standardError: Number.POSITIVE_INFINITY, interval: { low: 0, high: Number.POSITIVE_INFINITY } };
  let ss = 0;
  let s3 = 0;
  for (const v of values) {
    ss += (v - mean) ** 2;
    s3 += (v - mean) ** 3;
  }
  const variance = ss / (n - 1);
  const standardError = Math.sqrt(variance / n);
  const centre = variance > 0 ? mean + s3 / n / (6 * variance * n) : mean;
  const h = tQuantile(1 - (1 - confidence) / 2, n - 1) * standardError;
  return { mean, standardError, interval: { low: Math.max(0, centre - h), high: centre + h } };
}

/** Wilson score interval for `hits` of `n` at `confidence`. */
export function wilsonInterval(hits: number, n: number, confidence = 0.95): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = hits / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n))) / (1 + z2n);
  return { low: hits === 0 ? 0 : Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** The rule of three: with no hit in n independent runs, p ≤ 3/n at 95 % confidence (−ln 0.05 ≈ 3). */
export function ruleOfThree(n: number): number {
  return n > 0 ? Math.min(1, 3 / n) : 1;
}

const YEAR_US = 365.25 * 24 * 3600 * 1e6;

/** What a probability `p` per run of `horizonUs`, starting healthy, implies over time. */
export interface LongRun {
  /** Mean time to the event (µs): horizon / −ln(1 − p), the rate of a Poisson process hitting with probability p. */
  readonly mttfUs: number;
  /** Long-run fraction of time in the event: D / (MTTF + D), with D the mean time an occurrence lasts. */
  readonly unavailability: number;
  /** −log10(unavailability): 5 for 99.999 %. */
  readonly nines: number;
  /** unavailability × one year, µs. */
  readonly downtimePerYearUs: number;
}

export function mttfOf(p: number, horizonUs: number): number {
  if (p <= 0) return Number.POSITIVE_INFINITY;
  if (p >= 1) return 0;
  return horizonUs / -Math.log1p(-p);
}

export function longRun(p: number, horizonUs: number, meanDurationUs: number): LongRun {
  const mttfUs = mttfOf(p, horizonUs);
  const unavailability = Number.isFinite(mttfUs) ? meanDurationUs / (mttfUs + meanDurationUs) : 0;
  return {
    mttfUs,
    unavailability,
    nines: unavailability > 0 ? -Math.log10(unavailability) : Number.POSITIVE_INFINITY,
    downtimePerYearUs: unavailability * YEAR_US,
  };
}

/**
 * The interval of a splitting estimate: the mean of R independent replications, each the product of K stage
 * fractions (hits / effort). A replication is heavy-tailed — many a little low, a few high — so with tens of
 * replications their sample variance is itself a noisy, low-biased figure, and a low mean comes with a small spread:
 * the t interval then misses low. Two remedies, together:
 *
 * - **The variance from the stages.** Each stage fraction is an average over `effort` trials, light-tailed, and
 *   its relative variance v_k is estimated well from the replications that reached stage k. For a product of
 *   stage fractions, the relative variance of one replication is about ∏(1 + v_k) − 1 (exact when the stages are
 *   independent). The larger of that and the replications' own relative variance is used: a run of unlucky,
 *   alike replications cannot make the interval short.
 * - **The interval on the log scale.** With σ² = ln(1 + relVar / R) (the log-normal with the mean's relative
 *   variance), the interval is mean × exp(± t σ), t Student's with R − 1 degrees of freedom: it reaches further above
 *   the mean than below, as the skewed mean of replications requires, and never below 0.
 *
 * `hits[r][k]` are the hits of replication r at stage k (a replication that died at stage k has k + 1 entries).
 * A stage reached by fewer than two replications, or whose fractions are all 0, leaves the variance unknown: the
 * interval is then (0, ∞) — unless the mean is 0 (no replication reached the event), when it is [0, 0] as before.
 */
export function splittingInterval(
  estimates: readonly number[],
  hits: readonly (readonly number[])[],
  effort: number,
  confidence = 0.95,
): { mean: number; standardError: number; interval: Interval } {
  const R = estimates.length;
  let sum = 0;
  for (const v of estimates) sum += v;
  const mean = R > 0 ? sum / R : 0;
  if (R < 2 || !(mean > 0)) {
    const m = meanInterval(estimates, confidence);
    return { mean, standardError: m.standardError, interval: m.interval };
  }
  let ss = 0;
  for (const v of estimates) ss += (v - mean) ** 2;
  let relVar = ss / (R - 1) / (mean * mean);
  let stages = 0;
  for (const h of hits) stages = Math.max(stages, h.length);
  let product = 1;
  for (let k = 0; k < stages && Number.isFinite(product); k++) {
    let n = 0;
    let s1 = 0;
    for (const h of hits) {
      if (h.length > k) {
        n++;
        s1 += h[k]! / effort;
      }
    }
    const mu = n > 0 ? s1 / n : 0;
    if (n < 2 || !(mu > 0)) {
      product = Number.POSITIVE_INFINITY;
      break;
    }
    let s2 = 0;
    for (const h of hits) if (h.length > k) s2 += (h[k]! / effort - mu) ** 2;
    product *= 1 + s2 / (n - 1) / (mu * mu);
  }
  relVar = Math.max(relVar, product - 1);
  const standardError = mean * Math.sqrt(relVar / R);
  const sigma = Math.sqrt(Math.log1p(relVar / R));
  const t = tQuantile(1 - (1 - confidence) / 2, R - 1);
  const spread = Math.exp(t * sigma);
  return {
    mean,
    standardError,
    interval: Number.isFinite(spread)
      ? { low: mean / spread, high: mean * spread }
      : { low: 0, high: Number.POSITIVE_INFINITY },
  };
}
