/**
 * Drawing fault schedules, and the lanes that run them.
 *
 * Every draw comes from named random streams under `Random.root(exploreSeed).fork('explore')`, keyed by run index, so
 * run i's schedule never depends on how many runs came before it on which thread:
 *  - random: the count, then each fault's kind, target, time and duration, from `run-<i>`;
 *  - swarm: first switches whole fault kinds and targets off for the run (each kept with probability ½, at least
 *    one), from `swarm/run-<i>/kinds` and `swarm/run-<i>/targets/<kind>` — separate streams — then draws as random
 *    among what is left;
 *  - coverage: feedback-guided. A run whose coverage shows a key its lane had not seen joins the lane's corpus; later
 *    runs mutate a corpus entry (add, drop, move, retarget or change one fault) with probability 0.7, else draw
 *    fresh. Feedback flows only inside a lane, so lanes run in parallel, on any number of threads or machines
 *    (shards), with the same result.
 *
 * Lane l does runs l, l + L, l + 2L, … in order (L lanes). The lane generator replays runs already recorded (resume)
 * without running them again, so an interrupted exploration continues exactly where it stopped.
 */
import { formatDuration, Random, US_PER_SECOND } from '../engine/index.js';
import type { PluginModules } from '../model/index.js';
import type { FaultKind, ScenarioFile } from '../scenario/index.js';
import { resolveScenario } from '../scenario/index.js';
import { runChecked } from './check.js';
import type { Coverage } from './coverage.js';
import { type Failure, failuresOf } from './fingerprint.js';
import type { ExploreConfig, FaultSpace } from './space.js';

/** One fault an exploration added: a scripted fault as it would be written in a scenario file. */
export interface DrawnFault {
  readonly id: string;
  readonly at: string;
  readonly kind: FaultKind;
  readonly target: string;
  readonly duration?: string;
}

/** What one explored run found; one line of the results file. */
export interface RunRecord {
  readonly run: number;
  readonly lane: number;
  readonly faults: readonly DrawnFault[];
  readonly failures: readonly Failure[];
  readonly coverage: Coverage;
  readonly traceHash: string;
}

export interface ExploreContext {
  /** The scenario, merged and validated, without its `explore:` section. */
  readonly base: ScenarioFile;
  readonly name: string;
  /** The seed each run uses (the scenario's). */
  readonly runSeed: number;
  /** The seed of the schedule draws. */
  readonly exploreSeed: number;
  readonly config: ExploreConfig;
  /** Policy modules the scenario names (see RunOptions.plugins). */
  readonly plugins?: PluginModules;
}

/** The scenario of one explored run: the base with the drawn faults appended. */
export function scenarioWith(base: ScenarioFile, faults: readonly DrawnFault[]): ScenarioFile {
  const file = { ...base, faults: [...(base.faults ?? []), ...faults] } as ScenarioFile & { explore?: unknown };
  delete file.explore;
  return file;
}

const ROUND = US_PER_SECOND;

function drawFault(
  space: FaultSpace,
  rng: Random,
  id: string,
  kinds: readonly FaultKind[],
  targets: (k: FaultKind) => readonly string[],
): DrawnFault {
  const kind = rng.fork('kind').choice(kinds);
  const target = rng.fork('target').choice(targets(kind));
  const [a, b] = space.windowUs;
  const steps = Math.floor((b - a) / ROUND);
  const atUs = a + rng.fork('at').int(0, steps) * ROUND;
  const f: { -readonly [K in keyof DrawnFault]: DrawnFault[K] } = { id, at: formatDuration(atUs), kind, target };
  if (space.duration !== null) {
    const d = Math.max(ROUND, Math.round(space.duration(rng.fork('duration')) / ROUND) * ROUND);
    f.duration = formatDuration(d);
  }
  return f;
}

function idFor(j: number, taken: ReadonlySet<string>): string {
  let id = `x${j + 1}`;
  while (taken.has(id)) id = `explore-${id}`;
  return id;
}

/** A fresh schedule for run `run` among the given kinds and targets. */
function freshSchedule(
  space: FaultSpace,
  rng: Random,
  taken: ReadonlySet<string>,
  kinds: readonly FaultKind[],
  targets: (k: FaultKind) => readonly string[],
): DrawnFault[] {
  const n = rng.fork('count').int(space.min, space.max);
  const out: DrawnFault[] = [];
  for (let j = 0; j < n; j++) out.push(drawFault(space, rng.fork(`fault-${j}`), idFor(j, taken), kinds, targets));
  return sortSchedule(out, taken);
}

/** Faults in time order (then kind, target), renumbered x1, x2, … */
function sortSchedule(list: DrawnFault[], taken: ReadonlySet<string>): DrawnFault[] {
  const us = (f: DrawnFault) => Number(parseAt(f.at));
  const sorted = [...list].sort(
    (p, q) => us(p) - us(q) || p.kind.localeCompare(q.kind) || p.target.localeCompare(q.target),
  );
  return sorted.map((f, j) => ({ ...f, id: idFor(j, taken) }));
}

function parseAt(at: string): number {
  // The draws format whole seconds; parse back without pulling the full parser into hot paths.
  let us = 0;
  for (const m of at.matchAll(/(\d+)(d|h|m|s)/g)) {
    const n = Number(m[1]);
    us += n * { d: 86400e6, h: 3600e6, m: 60e6, s: 1e6 }[m[2] as 'd' | 'h' | 'm' | 's'];
  }
  return us;
}

/** Mutates a corpus schedule: add, drop, move, retarget or change the kind of one fault. */
function mutate(space: FaultSpace, parent: readonly DrawnFault[], rng: Random, taken: ReadonlySet<string>) {
  const all = (k: FaultKind) => space.targets[k] ?? [];
  const list = [...parent];
  const op = rng.fork('op').int(0, 4);
  const pick = rng.fork('pick').int(0, Math.max(0, list.length - 1));
  const fresh = drawFault(space, rng.fork('fresh'), 'x0', space.kinds, all);
  if ((op === 0 && list.length < space.max) || list.length === 0) list.push(fresh);
  else if (op === 1 && list.length > space.min) list.splice(pick, 1);
  else if (op === 2) list[pick] = { ...list[pick]!, at: fresh.at };
  else if (op === 3) list[pick] = { ...list[pick]!, target: rng.fork('target').choice(all(list[pick]!.kind)) };
  else list[pick] = { ...fresh };
  return sortSchedule(list, taken);
}

/** Feedback state of one lane (coverage strategy). */
export class LaneState {
  readonly corpus: DrawnFault[][] = [];
  readonly seen = new Set<string>();

  feed(rec: RunRecord): void {
    let fresh = false;
    for (const k of Object.keys(rec.coverage)) {
      if (!this.seen.has(k)) {
        this.seen.add(k);
        fresh = true;
      }
    }
    if (fresh) this.corpus.push([...rec.faults]);
  }
}

/** The schedule of run `run` (given its lane's state, which only the coverage strategy reads). */
export function scheduleFor(ctx: ExploreContext, run: number, state: LaneState | null): DrawnFault[] {
  const { space, strategy } = ctx.config;
  const taken = new Set((ctx.base.faults ?? []).flatMap((f) => (f.id === undefined ? [] : [f.id])));
  const root = Random.root(ctx.exploreSeed).fork('explore');
  const rng = root.fork(`run-${run}`);
  const all = (k: FaultKind) => space.targets[k] ?? [];
  if (strategy === 'swarm') {
    const sw = root.fork('swarm').fork(`run-${run}`);
    const kr = sw.fork('kinds');
    let kinds = space.kinds.filter(() => kr.chance(0.5));
    if (kinds.length === 0) kinds = [kr.choice(space.kinds)];
    const on = new Map<FaultKind, readonly string[]>();
    for (const k of kinds) {
      const tr = sw.fork('targets').fork(k);
      const ids = all(k);
      const kept = ids.filter(() => tr.chance(0.5));
      on.set(k, kept.length > 0 ? kept : [tr.choice(ids)]);
    }
    return freshSchedule(space, rng, taken, kinds, (k) => on.get(k)!);
  }
  if (strategy === 'coverage' && state !== null && state.corpus.length > 0 && rng.fork('choice').chance(0.7)) {
    const parent = rng.fork('parent').choice(state.corpus);
    return mutate(space, parent, rng.fork('mutate'), taken);
  }
  return freshSchedule(space, rng, taken, space.kinds, all);
}

/** Runs one explored run (deterministic). */
export function exploreRun(ctx: ExploreContext, run: number, faults: readonly DrawnFault[]): RunRecord {
  const lanes = ctx.config.lanes;
  const sc = resolveScenario(scenarioWith(ctx.base, faults), ctx.name);
  const r = runChecked(sc, {
    seed: ctx.runSeed,
    invariants: ctx.config.invariants,
    ...(ctx.plugins === undefined ? {} : { plugins: ctx.plugins }),
  });
  return {
    run,
    lane: run % lanes,
    faults,
    failures: failuresOf(sc.expect, r.summary, r.violations),
    coverage: r.coverage,
    traceHash: r.summary.traceHash,
  };
}

/**
 * The runs of lane `lane` below `total`, in order: recorded ones (from `done`) replayed into the lane's state, new
 * ones run. The caller stops pulling when its budget is spent.
 */
export function* laneRuns(
  ctx: ExploreContext,
  lane: number,
  total: number,
  done: ReadonlyMap<number, RunRecord>,
): Generator<{ readonly record: RunRecord; readonly fresh: boolean }> {
  const state = ctx.config.strategy === 'coverage' ? new LaneState() : null;
  for (let run = lane; run < total; run += ctx.config.lanes) {
    const old = done.get(run);
    const record = old ?? exploreRun(ctx, run, scheduleFor(ctx, run, state));
    state?.feed(record);
    yield { record, fresh: old === undefined };
  }
}
