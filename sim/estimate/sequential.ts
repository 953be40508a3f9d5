/**
 * Running replications until an answer is good enough: to a target relative error, or — for a `probability`
 * expectation — until a sequential test decides whether P(event) ≤ a bound.
 *
 * The test is a group-sequential confidence-interval test: it looks at the estimate after 8, 16, 32 … replications
 * and at look j builds the interval at level 1 − 2α/2^j (α = 1 − confidence), so that the chances of a wrong
 * decision over all looks add up to at most α (Bonferroni over the looks). It stops at the first look whose interval
 * lies wholly on one side of the bound.
 */
import { type EstimateKey, type EstimateReport, reportOf } from './report.js';
import { type EstimateSetup, type ReplicationResult, runReplication } from './splitting.js';

export interface SequentialOptions {
  /** Stop when the relative error (standard error / estimate) is at most this. */
  readonly relativeError: number;
  /** Stop when this many scheduler events have been spent, answer or not. */
  readonly maxEvents: number;
  /** At least this many replications (default 10 for splitting, 1 for crude). */
  readonly minReplications?: number;
  /** Called after each replication (progress). */
  readonly onReplication?: (report: EstimateReport) => void;
}

export function estimateSequentially(
  setup: EstimateSetup,
  key: EstimateKey,
  opts: SequentialOptions,
): { report: EstimateReport; stoppedBy: 'relative-error' | 'budget' } {
  const min = opts.minReplications ?? (key.method === 'crude' ? 1 : 10);
  const reps: ReplicationResult[] = [];
  let events = 0;
  for (let r = 0; ; r++) {
    const res = runReplication(setup, r);
    reps.push(res);
    events += res.events;
    const report = reportOf(key, reps);
    opts.onReplication?.(report);
    if (reps.length >= min && report.relativeError <= opts.relativeError)
      return { report, stoppedBy: 'relative-error' };
    if (events >= opts.maxEvents) return { report, stoppedBy: 'budget' };
  }
}

export interface ProbabilityDecision {
  readonly decision: 'pass' | 'fail' | 'undecided';
  readonly report: EstimateReport;
  /** The interval of the deciding (or last) look, at its level. */
  readonly level: number;
}

/** Decides P(event) ≤ atMost at `confidence` with the group-sequential test; undecided after `maxReplications`. */
export function decideProbability(
  setup: EstimateSetup,
  key: EstimateKey,
  atMost: number,
  confidence: number,
  maxReplications = 1024,
): ProbabilityDecision {
  const alpha = 1 - confidence;
  const reps: ReplicationResult[] = [];
  let look = 0;
  for (let target = 8; ; target *= 2) {
    while (reps.length < Math.min(target, maxReplications)) reps.push(runReplication(setup, reps.length));
    look++;
    const level = 1 - (2 * alpha) / 2 ** look;
    const report = reportOf(key, reps, level);
    const high = report.interval.high;
    if (high <= atMost) return { decision: 'pass', report, level };
    if (report.interval.low > atMost) return { decision: 'fail', report, level };
    if (reps.length >= maxReplications) return { decision: 'undecided', report, level };
  }
}
