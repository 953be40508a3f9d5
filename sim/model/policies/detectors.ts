/**
 * The built-in failure detectors. `fixed`: a node is silent after `missedPolls` consecutive unanswered polls (the
 * FC's behaviour since the beginning; default `policies.fc.missedPolls`). `phi-accrual` (Hayashibara et al., "The φ
 * accrual failure detector", SRDS 2004): the suspicion φ = −log10 P(a heartbeat arrives later than now), under a
 * normal model of recent inter-arrival times; the node is silent when φ ≥ `threshold`. As in Akka's implementation,
 * an `acceptablePause` is added to the mean and the standard deviation is at least `minStdDeviation`, so that a
 * perfectly regular history (all polls on time, as elided polls are) does not make the first miss fatal.
 */
import { parseDuration } from '../../engine/index.js';
import type { FailureDetector, HeartbeatView, PolicyParams } from '../../spec/index.js';
import { PolicyError } from './errors.js';

/** A numeric parameter (a number; a duration string such as "2s" when `duration`, in µs), its default and bounds. */
export function numberParam(
  label: string,
  params: PolicyParams,
  key: string,
  fallback: number,
  opts: { duration?: boolean; min?: number; integer?: boolean } = {},
): number {
  const raw = params[key];
  let v: number;
  if (raw === undefined) v = fallback;
  else if (opts.duration && typeof raw === 'string') {
    try {
      v = parseDuration(raw);
    } catch (e) {
      throw new PolicyError(`policy ${label}: parameter ${key}: ${(e as Error).message}`);
    }
  } else if (typeof raw === 'number' && !opts.duration) v = raw;
  else {
    throw new PolicyError(
      `policy ${label}: parameter ${key} must be ${opts.duration ? 'a duration such as "2s"' : 'a number'}, got ${JSON.stringify(raw)}`,
    );
  }
  if (!Number.isFinite(v) || (opts.min !== undefined && v < opts.min) || (opts.integer && !Number.isInteger(v))) {
    throw new PolicyError(
      `policy ${label}: parameter ${key} must be ${opts.integer ? 'a whole number' : 'a number'}${opts.min === undefined ? '' : ` of at least ${opts.min}`}, got ${JSON.stringify(raw)}`,
    );
  }
  return v;
}

/** Refuses parameters the policy does not know (a typo would otherwise silently use the default). */
export function knownParams(label: string, params: PolicyParams, known: readonly string[]): void {
  for (const k of Object.keys(params)) {
    if (!known.includes(k)) {
      throw new PolicyError(
        `policy ${label}: unknown parameter ${JSON.stringify(k)} (it takes ${known.length === 0 ? 'none' : known.join(', ')})`,
      );
    }
  }
}

export function fixedDetector(params: PolicyParams, missedPollsDefault: number): FailureDetector {
  knownParams('fixed', params, ['missedPolls']);
  const k = numberParam('fixed', params, 'missedPolls', missedPollsDefault, { min: 1, integer: true });
  return {
    suspect: (v) => v.missed >= k,
    explain: (v) => `${v.missed} consecutive polls unanswered (fixed: missedPolls=${k})`,
  };
}

/** φ for an elapsed time `t` under a normal model (mean, sd): Akka's logistic approximation of the normal tail. */
export function phi(t: number, mean: number, sd: number): number {
  const y = (t - mean) / sd;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  return t > mean ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
}

export function phiAccrualDetector(params: PolicyParams): FailureDetector {
  const L = 'phi-accrual';
  knownParams(L, params, ['threshold', 'window', 'minStdDeviation', 'acceptablePause']);
  const threshold = numberParam(L, params, 'threshold', 8, { min: 0 });
  const window = numberParam(L, params, 'window', 100, { min: 1, integer: true });
  const minSd = numberParam(L, params, 'minStdDeviation', 1_500_000, { duration: true, min: 1 });
  const pause = numberParam(L, params, 'acceptablePause', 45_000_000, { duration: true, min: 0 });
  /** φ for node view `v` at time `now`, with the normal model it used. */
  const value = (v: HeartbeatView, now: number): { mean: number; sd: number; phi: number } => {
    let sum = 0;
    let sq = 0;
    const n = v.intervals.length;
    for (const x of v.intervals) {
      sum += x;
      sq += x * x;
    }
    const mean = n === 0 ? v.intervalUs : sum / n;
    const variance = n === 0 ? 0 : Math.max(0, sq / n - mean * mean);
    const sd = Math.max(minSd, Math.sqrt(variance));
    return { mean, sd, phi: phi(now - v.lastHeartbeatUs, mean + pause, sd) };
  };
  let lastNow = 0;
  return {
    history: window,
    suspect(v, env) {
      lastNow = env.now();
      return value(v, lastNow).phi >= threshold;
    },
    explain(v) {
      const s = value(v, lastNow);
      return `phi=${s.phi.toFixed(2)} ≥ threshold ${threshold} after ${((lastNow - v.lastHeartbeatUs) / 1e6).toFixed(0)} s without a heartbeat (mean interval ${(s.mean / 1e6).toFixed(1)} s, sd ${(s.sd / 1e6).toFixed(1)} s)`;
    },
  };
}
