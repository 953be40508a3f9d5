/**
 * The runs of a sweep in their fixed order: run r is combination ⌊r / seeds⌋ with seed seedStart + (r mod seeds),
 * so combination-major, seed-minor. Shards, resumption and aggregation all go by this index, never by the order in
 * which runs happen to finish.
 */
import type { Combination } from './params.js';

export interface SweepPlan {
  readonly combinations: readonly Combination[];
  readonly seedStart: number;
  readonly seedCount: number;
  /** combinations × seeds. */
  readonly runs: number;
}

export interface Shard {
  /** 0-based. */
  readonly index: number;
  readonly count: number;
}

export interface RunTask {
  readonly run: number;
  readonly combo: number;
  readonly seed: number;
}

export function makePlan(combinations: readonly Combination[], seedStart: number, seedCount: number): SweepPlan {
  return { combinations, seedStart, seedCount, runs: combinations.length * seedCount };
}

export function taskOf(plan: SweepPlan, run: number): RunTask {
  return { run, combo: Math.floor(run / plan.seedCount), seed: plan.seedStart + (run % plan.seedCount) };
}

/** Run index of (combination, seed). */
export function runIndexOf(plan: SweepPlan, combo: number, seed: number): number {
  return combo * plan.seedCount + (seed - plan.seedStart);
}

/** Whether run `run` belongs to `shard` (run mod count = index); every run to the whole sweep. */
export function inShard(run: number, shard: Shard | null): boolean {
  return shard === null || run % shard.count === shard.index;
}

/** The shard's runs in ascending order. */
export function shardRuns(plan: SweepPlan, shard: Shard | null): number[] {
  const out: number[] = [];
  for (let r = shard === null ? 0 : shard.index; r < plan.runs; r += shard === null ? 1 : shard.count) out.push(r);
  return out;
}
