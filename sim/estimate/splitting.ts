/**
 * Fixed-effort importance splitting on a simulation that cannot be copied.
 *
 * A running simulation holds closures in its event queue, so it cannot be cloned. A branch is therefore a recipe —
 * the list of (salt, event count) segments of its history — and re-executing it is deterministic: create the
 * simulation with the first salt, run exactly that many scheduler events, resalt every random stream with the next
 * salt (and draw the memoryless fault clocks again, see `SplitHooks`), and so on. Branches of one entrance state
 * share their past exactly and differ from the split on. The re-executed prefix is counted in the events spent.
 *
 * One replication: stage 0 runs `effort` trials from the start until the importance reaches the first level (or the
 * horizon ends); each stage k then runs `effort` trials from the entrance states of stage k − 1 (each entrance gets
 * ⌊effort/H⌋ trials and the rest go to distinct entrances picked at random — residual resampling, unbiased) until
 * the next level, and the last stage until the event. The estimate is the product of the stage fractions, an
 * unbiased estimate of P(event within the horizon) when the levels are nested (the event implies every level).
 */
import { Random } from '../engine/index.js';
import type { PluginModules, Simulation } from '../model/index.js';
import { createSimulation, type SplitHooks, summarize } from '../run.js';
import type { ResolvedScenario } from '../spec/index.js';
import type { Compiled } from './functions.js';
import type { Levels } from './importance.js';

/** What one estimate runs: the scenario, the event and the levels (none for crude Monte Carlo). */
export interface EstimateSetup {
  readonly scenario: ResolvedScenario;
  /** Root seed of every run (the scenario's, or --seed); runs differ by their salts. */
  readonly seed: number;
  readonly event: Compiled;
  readonly levels: Levels;
  /** Trials per stage (splitting) or runs per replication (crude). */
  readonly effort: number;
  /** Policy modules the scenario names (see RunOptions.plugins). */
  readonly plugins?: PluginModules;
}

/** A segment of a branch's history: run under `salt` until `endEvent` scheduler events have run in all. */
interface Segment {
  readonly salt: string;
  readonly endEvent: number;
}

/** The result of one replication: one independent estimate. */
export interface ReplicationResult {
  readonly replication: number;
  /** Product of the stage fractions (crude: hits / runs). */
  readonly estimate: number;
  /** Trials that reached each stage's goal (the last stage's goal is the event). */
  readonly hits: readonly number[];
  readonly runs: number;
  /** Scheduler events executed, re-executed prefixes included. */
  readonly events: number;
  /** How long the event lasted after it first held, summed over the last stage's hits, and how many. */
  readonly durationSumUs: number;
  readonly durations: number;
  /** Durations cut short by the cap (the event still held a horizon after the run's end). */
  readonly censored: number;
  /** Trials in which the event held below a level: the levels are not nested and the estimate is biased low. */
  readonly belowLevel: number;
}

interface TrialOutcome {
  hit: boolean;
  /** Scheduler events run when the goal was reached. */
  at: number;
  events: number;
  below: boolean;
  durationUs: number;
  censored: boolean;
}

function stateChanged(sim: Simulation, last: { count: number }): boolean {
  const c = sim.rec.count;
  if (c === last.count) return false;
  last.count = c;
  return true;
}

/**
 * Re-executes `history`, resalts with `salt`, and runs until the importance reaches `goal` (a threshold), or, with
 * `goal` null, until the event holds — then, if `measure`, on until it stops holding. Stops at the horizon.
 */
function runTrial(
  setup: EstimateSetup,
  history: readonly Segment[],
  salt: string,
  goal: number | null,
  measure: boolean,
): TrialOutcome {
  const sc = setup.scenario;
  const horizonUs = sc.durationUs;
  const hooks: SplitHooks = { redraw: [] };
  const first = history.length > 0 ? history[0]!.salt : salt;
  const sim = createSimulation(sc, {
    seed: setup.seed,
    record: false,
    salt: first,
    split: hooks,
    ...(setup.plugins === undefined ? {} : { plugins: setup.plugins }),
  });
  const sched = sim.sched;
  for (let j = 0; j < history.length; j++) {
    const seg = history[j]!;
    const left = seg.endEvent - sched.eventsRun;
    if (left > 0) sched.run({ maxEvents: left });
    hooks.rng!.resalt(j + 1 < history.length ? history[j + 1]!.salt : salt);
    for (const redraw of hooks.redraw) redraw();
  }
  const event = setup.event.evaluate;
  const importance = setup.levels.importance;
  const out: TrialOutcome = { hit: false, at: 0, events: 0, below: false, durationUs: 0, censored: false };

  if (setup.event.atEnd) {
    sched.run({ until: horizonUs });
    const summary = summarize(sim, sc, setup.seed, horizonUs);
    out.hit = event(sim, summary) !== 0;
    out.at = sched.eventsRun;
    out.events = sched.eventsRun;
    return out;
  }

  const last = { count: -1 };
  let reached = false;
  // The state at the split may already be at the goal (one event crossed two levels): check before stepping.
  for (;;) {
    if (stateChanged(sim, last)) {
      const holds = event(sim, null) !== 0;
      if (goal === null) {
        if (holds) {
          reached = true;
          break;
        }
      } else if (importance(sim, null) >= goal) {
        reached = true;
        break;
      } else if (holds) {
        out.below = true;
      }
    }
    if (!(sched.nextTime() <= horizonUs)) break;
    sched.step();
  }
  out.hit = reached;
  out.at = sched.eventsRun;
  if (reached && measure) {
    // How long the occurrence lasts: on past the horizon if need be (no new random faults start there), up to a cap.
    const startUs = sim.now;
    const capUs = horizonUs * 2;
    let ended = false;
    while (sched.nextTime() <= capUs) {
      sched.step();
      if (stateChanged(sim, last) && event(sim, null) === 0) {
        ended = true;
        break;
      }
    }
    out.durationUs = (ended ? sim.now : Math.max(sim.now, capUs)) - startUs;
    out.censored = !ended;
  }
  out.events = sched.eventsRun;
  return out;
}

/** Salt of trial `t` of stage `k` of replication `r`: every run of an estimate has its own. */
function saltOf(r: number, k: number, t: number): string {
  return `estimate/r${r}/s${k}/t${t}`;
}

/**
 * Runs replication `r` of the estimate: fixed-effort splitting over the levels (one stage, i.e. crude Monte
 * Carlo with `effort` runs, when there are none). Deterministic in (setup, r).
 */
export function runReplication(setup: EstimateSetup, r: number): ReplicationResult {
  const N = setup.effort;
  const thresholds = setup.levels.thresholds;
  const stages = thresholds.length + 1;
  const pick = Random.root(setup.seed).fork('estimate').fork(`r${r}`);
  let entrances: Segment[][] = [[]];
  let estimate = 1;
  const hits: number[] = [];
  let runs = 0;
  let events = 0;
  let durationSumUs = 0;
  let durations = 0;
  let censored = 0;
  let belowLevel = 0;
  for (let k = 0; k < stages; k++) {
    const goal = k < thresholds.length ? thresholds[k]! : null;
    const H = entrances.length;
    const base = Math.floor(N / H);
    const extra = new Uint8Array(H);
    const rest = N - base * H;
    if (rest > 0) {
      const order = pick.fork(`stage-${k}`).shuffle(Array.from({ length: H }, (_, i) => i));
      for (let i = 0; i < rest; i++) extra[order[i]!] = 1;
    }
    const next: Segment[][] = [];
    let t = 0;
    for (let e = 0; e < H; e++) {
      const history = entrances[e]!;
      const share = base + extra[e]!;
      for (let j = 0; j < share; j++, t++) {
        const salt = saltOf(r, k, t);
        const o = runTrial(setup, history, salt, goal, goal === null);
        runs++;
        events += o.events;
        if (o.below) belowLevel++;
        if (!o.hit) continue;
        if (goal === null) {
          durationSumUs += o.durationUs;
          durations++;
          if (o.censored) censored++;
        } else {
          next.push([...history, { salt, endEvent: o.at }]);
        }
      }
    }
    const stageHits = goal === null ? durations : next.length;
    hits.push(stageHits);
    estimate *= stageHits / N;
    if (stageHits === 0) {
      estimate = 0;
      break;
    }
    entrances = next;
  }
  return { replication: r, estimate, hits, runs, events, durationSumUs, durations, censored, belowLevel };
}
