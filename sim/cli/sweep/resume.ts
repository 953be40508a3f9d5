/**
 * Resuming: a results file is checked against the sweep it is meant to hold — the same fingerprint and shard, and
 * every record a run of this plan (and of this shard) at its place in the fixed order.
 */
import { resolve } from 'node:path';
import type { RunRecord } from '../../sweep/index.js';
import { inShard, type Shard, type SweepPlan, taskOf, UserError } from '../../sweep/index.js';
import { writable } from './command-io.js';
import { describeDifference, shardText } from './header.js';
import type { PreparedSweep } from './prepare.js';
import type { ProgressSink } from './progress.js';
import { ResultsWriter, readResults } from './results-file.js';

export function sameShard(a: Shard | null, b: Shard | null): boolean {
  return a === null || b === null ? a === b : a.index === b.index && a.count === b.count;
}

/** Checks that a record belongs to `plan` (and to `shard`); returns a problem or null. */
export function recordProblem(rec: RunRecord, plan: SweepPlan, shard: Shard | null): string | null {
  if (!(rec.run >= 0 && rec.run < plan.runs)) return `run ${rec.run} is outside the sweep's ${plan.runs} runs`;
  const t = taskOf(plan, rec.run);
  if (t.combo !== rec.combo || t.seed !== rec.seed) {
    return `run ${rec.run} should be c${t.combo} seed ${t.seed}, the line says c${rec.combo} seed ${rec.seed}`;
  }
  if (!inShard(rec.run, shard)) return `run ${rec.run} does not belong to ${shardText(shard)}`;
  return null;
}

export interface OpenedResults {
  /** Runs already finished (from the file), by run index; the sweep adds to it. */
  readonly done: Map<number, RunRecord>;
  /** Appends to --out; null without --out. */
  readonly writer: ResultsWriter | null;
}

/**
 * Opens `--out` for this sweep: creates it with the header line, or — when it exists — checks that it holds this
 * sweep and this shard (a UserError saying what differs otherwise), keeps its finished runs, drops a cut-off last
 * line and appends after the whole ones.
 */
export function openResults(
  out: string | undefined,
  cwd: string,
  p: PreparedSweep,
  shard: Shard | null,
  stderr: ProgressSink,
): OpenedResults {
  const done = new Map<number, RunRecord>();
  if (out === undefined) return { done, writer: null };
  const path = resolve(cwd, out);
  const existing = readResults(path, out);
  if (existing === null) return { done, writer: writable(out, () => ResultsWriter.create(path, p.header)) };
  const diff = describeDifference(existing.header, p.header);
  if (diff !== null) {
    throw new UserError(
      `${out} holds the results of a different sweep (it differs in ${diff}); give another --out, or delete ${out} to start over`,
    );
  }
  if (!sameShard(existing.header.shard, shard)) {
    throw new UserError(
      `${out} holds ${shardText(existing.header.shard)} but this command runs ${shardText(shard)}; give another --out`,
    );
  }
  for (const rec of existing.records) {
    const problem = recordProblem(rec, p.plan, shard);
    if (problem !== null) throw new UserError(`${out}: ${problem}`);
    done.set(rec.run, rec);
  }
  if (existing.discarded !== null) {
    stderr.write(`sweep: discarded the cut-off last line of ${out} (that run is done again)\n`);
  }
  const writer = writable(out, () => ResultsWriter.resume(path, existing.validBytes));
  stderr.write(`sweep: resuming: ${done.size} of ${p.mine.length} runs already in ${out}\n`);
  return { done, writer };
}
