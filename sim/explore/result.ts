/**
 * The outcome of an exploration, from its run records in any order (threads finish out of order; shards arrive
 * separately): the distinct failures by fingerprint, each with the first run (lowest index) that showed it and how
 * many runs did; merged coverage; and the `sometimes` expectations judged over all runs. The same set of records
 * gives the same result, so a resumed, sharded-and-merged or many-threaded exploration equals a plain one.
 */
import { judgeSometimes, type MergedCoverage, mergeCoverage, type SometimesResult } from './coverage.js';
import type { Failure } from './fingerprint.js';
import type { RunRecord } from './strategy.js';

export interface FoundFailure {
  /** 1-based, in order of first appearance: the K of NAME.counterexample-K.yaml. */
  readonly k: number;
  readonly failure: Failure;
  readonly firstRun: number;
  readonly runs: number;
}

export interface ExploreOutcome {
  readonly runs: number;
  readonly failing: number;
  readonly failures: readonly FoundFailure[];
  readonly coverage: MergedCoverage;
  readonly sometimes: readonly SometimesResult[];
}

export function exploreOutcome(records: readonly RunRecord[], sometimes: readonly string[]): ExploreOutcome {
  const sorted = [...records].sort((a, b) => a.run - b.run);
  const byKey = new Map<string, { failure: Failure; firstRun: number; runs: number }>();
  let failing = 0;
  for (const r of sorted) {
    if (r.failures.length > 0) failing++;
    for (const f of r.failures) {
      const e = byKey.get(f.key);
      if (e === undefined) byKey.set(f.key, { failure: f, firstRun: r.run, runs: 1 });
      else e.runs++;
    }
  }
  const failures = [...byKey.values()]
    .sort((a, b) => a.firstRun - b.firstRun || a.failure.key.localeCompare(b.failure.key))
    .map((e, i) => ({ k: i + 1, ...e }));
  return {
    runs: sorted.length,
    failing,
    failures,
    coverage: mergeCoverage(sorted.map((r) => r.coverage)),
    sometimes: judgeSometimes(sometimes, sorted),
  };
}
