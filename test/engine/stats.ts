/** Test helpers: the Kolmogorov–Smirnov statistic against a closed-form CDF, and its critical value. */

/** D = sup |F_n(x) − F(x)| for the samples `xs` against `cdf`. */
export function ksStatistic(xs: readonly number[], cdf: (x: number) => number): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/**
 * The asymptotic critical value of D at significance 0.01: 1.628 / √n (≈ 0.0115 at n = 20,000). Seeds are fixed,
 * so a test either always passes or always fails.
 */
export function ksCritical(n: number): number {
  return 1.628 / Math.sqrt(n);
}
