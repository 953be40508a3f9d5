/**
 * Reference answers for models with a closed form, to check the estimators against: n identical components with
 * exponential failures (rate λ each while up) and independent exponential repairs (rate μ each while down). The
 * number down is a birth–death Markov chain (j → j+1 at (n − j)λ, j → j−1 at jμ).
 */

/**
 * P(at least `k` of `n` components are down at some moment within `horizon`), all up at the start. Computed by
 * uniformization on the chain with state k made absorbing: exact up to the truncation of the Poisson sum (the
 * neglected tail is below 1e-15 of the total). Rates and horizon in any one time unit.
 */
export function kOfNHitProbability(
  n: number,
  k: number,
  failureRate: number,
  repairRate: number,
  horizon: number,
): number {
  if (!(Number.isInteger(n) && Number.isInteger(k) && k >= 1 && k <= n)) {
    throw new RangeError(`kOfNHitProbability: need integers 1 ≤ k ≤ n (got n ${n}, k ${k})`);
  }
  const up = (j: number): number => (n - j) * failureRate;
  const down = (j: number): number => j * repairRate;
  let rate = 0;
  for (let j = 0; j < k; j++) rate = Math.max(rate, up(j) + down(j));
  const lt = rate * horizon;
  // pi: distribution over states 0 … k after m jumps of the uniformized chain (state k absorbing).
  let pi = new Float64Array(k + 1);
  pi[0] = 1;
  let logFactorial = 0; // ln(m!)
  let total = 0;
  let cumulative = 0;
  const maxTerms = Math.ceil(lt + 40 * Math.sqrt(lt + 1) + 100);
  for (let m = 0; m <= maxTerms; m++) {
    if (m > 0) logFactorial += Math.log(m);
    // Poisson(m; lt), in log space so that a large lt neither underflows nor overflows.
    const weight = Math.exp(-lt + (m === 0 ? 0 : m * Math.log(lt)) - logFactorial);
    total += weight * pi[k]!;
    cumulative += weight;
    const next = new Float64Array(k + 1);
    for (let j = 0; j < k; j++) {
      const p = pi[j]!;
      if (p === 0) continue;
      const u = up(j) / rate;
      const d = down(j) / rate;
      next[j + 1]! += p * u;
      if (j > 0) next[j - 1]! += p * d;
      next[j]! += p * (1 - u - d);
    }
    next[k]! += pi[k]!;
    pi = next;
    if (m > lt && 1 - cumulative < 1e-17) break;
  }
  return total + (1 - cumulative) * pi[k]!;
}

/**
 * The k-of-n formula: the long-run fraction of time with at least `k` of `n` components down, each down
 * independently with probability q = λ / (λ + μ): Σ_{j ≥ k} C(n, j) q^j (1 − q)^(n − j).
 */
export function kOfNUnavailability(n: number, k: number, failureRate: number, repairRate: number): number {
  const q = failureRate / (failureRate + repairRate);
  let sum = 0;
  let c = 1;
  for (let j = 0; j <= n; j++) {
    if (j > 0) c = (c * (n - j + 1)) / j;
    if (j >= k) sum += c * q ** j * (1 - q) ** (n - j);
  }
  return sum;
}
