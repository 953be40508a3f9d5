/**
 * Runs a resolved scenario: builds the simulation, schedules its scripted and random faults and its upgrades, runs to
 * the end, and returns the summary (metrics, expectations, trace hash) and, when recording, the timeline.
 */

import { compileGlob, type EventHandle, makeSampler, Random, TraceHash } from './engine/index.js';
import type { FaultArrivals, RunSummary } from './metrics/index.js';
import { type BuiltWorld, type PluginModules, SecurityModel, Simulation } from './model/index.js';
import { evaluateExpectations, FAULT_TARGETS, idSpaces } from './scenario/index.js';
import { type FaultSpecResolved, processId, type ResolvedScenario, type ScriptedFaultSpec } from './spec/index.js';
import {
  TIMELINE_FORMAT,
  TIMELINE_VERSION,
  type Timeline,
  type TimelineHead,
  type TimelineSink,
} from './trace/index.js';
import { VERSION } from './version.js';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Keep the events for a timeline (default true). Metrics and the trace hash are the same either way. */
  readonly record?: boolean;
  /** Stop early at this time (µs). */
  readonly untilUs?: number;
  /** Called with the fraction of simulated time done (0 … 1), about 100 times a run. */
  readonly onProgress?: (fraction: number) => void;
  /**
   * Plug-in policy modules, by the name the scenario's `use:` gives them (docs/policies.md): a module namespace or an
   * object exporting the factory, or the factory itself.
   */
  readonly plugins?: PluginModules;
  /**
   * Recording off: start from the world an earlier run of this same resolved scenario (object) built, instead of
   * building it again — the run is the one a fresh process does (many seeds of one scenario: sweeps).
   */
  readonly reuseWorld?: boolean;
}

/** Built worlds of runs with `reuseWorld`, by resolved scenario (kept while the scenario object lives). */
const builtWorlds = new WeakMap<ResolvedScenario, BuiltWorld>();

export interface RunOutput {
  readonly summary: RunSummary;
  readonly timeline: Timeline | null;
  /** The simulation, for tests that inspect the final world. */
  readonly sim: Simulation;
}

/** A stable hash of the resolved scenario (what actually runs), independent of how the file was written. */
export function resolvedScenarioHash(sc: ResolvedScenario): string {
  const h = new TraceHash();
  h.update(JSON.stringify(sc));
  return h.digest();
}

function forkName(s: string): string {
  return s.includes('/') ? s.replaceAll('/', '|') : s;
}

/**
 * What importance splitting (sim/estimate/) needs from a run: after it resalts the random streams at a split, it
 * calls `redraw()` so that every pending clock that is memoryless (the next arrival of an exponential fault
 * process) is drawn again from the new streams. Exact for exponential clocks: the time left is again exponential
 * with the same mean. Other clocks keep their drawn times (still exact; branches are then more alike).
 */
export interface SplitHooks {
  readonly redraw: (() => void)[];
  /** Set by createSimulation: the run's root stream, to resalt. */
  rng?: Random;
}

/** Creates a simulation with its faults and upgrades scheduled, ready to run. */
export function createSimulation(
  sc: ResolvedScenario,
  opts: {
    seed?: number;
    record?: boolean;
    salt?: string;
    split?: SplitHooks;
    plugins?: PluginModules;
    reuseWorld?: boolean;
  } = {},
): Simulation {
  const seed = opts.seed ?? sc.seed;
  const rng = Random.root(seed);
  if (opts.salt !== undefined) rng.resalt(opts.salt);
  if (opts.split !== undefined) opts.split.rng = rng;
  const sim = new Simulation(sc, {
    seed,
    record: opts.record ?? true,
    rng,
    ...(opts.plugins === undefined ? {} : { plugins: opts.plugins }),
    ...(opts.reuseWorld === true ? { worlds: builtWorlds } : {}),
  });
  const spaces = idSpaces(sc.clusters, sc.services, sc.policies);
  sim.start();

  for (const f of sc.faults) {
    if (f.type === 'scripted') scheduleScripted(sim, f, spaces, rng);
    else scheduleRandom(sim, f, spaces, rng, sc.durationUs, opts.split);
  }
  for (const u of sc.upgrades) {
    sim.sched.at(u.atUs, () => sim.startUpgrade(u));
  }
  // security (issue 5): rules on every message, and the scripted traffic, when the scenario has `security:`.
  if (sc.security) SecurityModel.attach(sim, sc, sc.security, rng.fork('security'), seed, opts.reuseWorld === true);
  return sim;
}

/**
 * A fault arrived at a target that was already down, so it changed nothing; it is still recorded (event and count),
 * so that the true arrival rate can be recovered from the output.
 */
function missedArrival(sim: Simulation, kind: string, target: string, id: string): void {
  sim.change(
    'fault.missed',
    target,
    -1,
    () => `fault ${id}: ${kind} arrives at ${target}, already down: no change`,
    null,
    {
      r: `fault:${kind}`,
    },
  );
}

/** Arrivals per fault process of each simulation (counted by the schedulers above). */
const arrivalTallies = new WeakMap<Simulation, FaultArrivals[]>();

function tally(sim: Simulation, f: FaultSpecResolved): FaultArrivals {
  let list = arrivalTallies.get(sim);
  if (list === undefined) {
    list = [];
    arrivalTallies.set(sim, list);
  }
  const t: FaultArrivals = { id: processId(f), kind: f.kind, arrivals: 0, missed: 0 };
  list.push(t);
  return t;
}

function faultExtra(f: FaultSpecResolved) {
  return {
    groups: f.groups,
    lossRate: f.lossRate,
    extraLatencyUs: f.extraLatencyUs,
    ...(f.image === undefined ? {} : { image: f.image }),
  };
}

function scheduleScripted(
  sim: Simulation,
  f: ScriptedFaultSpec,
  spaces: ReturnType<typeof idSpaces>,
  rng: Random,
): void {
  const space = FAULT_TARGETS[f.kind];
  const counts = tally(sim, f);
  sim.sched.at(f.atUs, () => {
    let targets: string[];
    const t = f.target;
    if (t.kind === 'none') targets = ['network'];
    else if (t.kind === 'glob') {
      const re = compileGlob(t.pattern);
      targets = spaces[space].filter((id) => re.test(id));
    } else if (t.kind === 'random') {
      const re = compileGlob(t.among);
      const candidates = spaces[space].filter((id) => re.test(id));
      const stream = rng.fork('targets').fork(`fault-${f.index}`);
      targets = stream.shuffle([...candidates]).slice(0, t.count);
    } else {
      targets = targetsInRack(sim, t.rack, space);
    }
    const single = targets.length === 1;
    const base = processId(f);
    for (const target of targets) {
      const id = single ? base : `${base}/${target}`;
      counts.arrivals++;
      if (!sim.inject(f.kind, target, f.durationUs, id, faultExtra(f))) {
        counts.missed++;
        missedArrival(sim, f.kind, target, id);
      }
    }
  });
}

function targetsInRack(sim: Simulation, rackId: string, space: string): string[] {
  const loc = sim.ix.rackById.get(rackId)!;
  const c = sim.world.clusters[loc.cluster]!;
  const rack = c.racks[loc.rack]!;
  if (space === 'rack') return [rack.id];
  if (space === 'node') return rack.nodes.map((ni) => c.nodes[ni]!.id);
  return rack.nodes.flatMap((ni) => c.nodes[ni]!.instances.map((ii) => c.instances[ii]!.id));
}

function scheduleRandom(
  sim: Simulation,
  f: Extract<FaultSpecResolved, { type: 'random' }>,
  spaces: ReturnType<typeof idSpaces>,
  rng: Random,
  durationUs: number,
  split?: SplitHooks,
): void {
  const re = compileGlob(f.targets);
  const all = spaces[FAULT_TARGETS[f.kind]];
  // Instance faults pass the target's global index to inject (no look-up by name per arrival).
  const slotsInSpace: number[] = [];
  const targets = f.targets === '*' ? all : all.filter((id, i) => re.test(id) && slotsInSpace.push(i) > 0);
  let index: Int32Array | null = null;
  if (FAULT_TARGETS[f.kind] === 'instance') {
    const inOrder = sim.instanceIndexes();
    index = f.targets === '*' ? inOrder : Int32Array.from(slotsInSpace, (i) => inOrder[i]!);
  }
  const sample = makeSampler(f.every);
  const base = rng.fork('faults').fork(forkName(f.id ?? `${f.index}-${f.kind}`));
  // One stream per target (a region has about 210,000 targets), drawn through `streams.draw`: a stream object is made
  // only for a target whose repair time is drawn too.
  const streams = base.forks(targets.map(forkName));
  // estimate (issue 16): a repair-time distribution draws from its own stream per target, one draw per fault.
  const repair = f.repair === undefined ? null : makeSampler(f.repair);
  const repairStreams: Random[] = [];
  const repairStream = (slot: number): Random => (repairStreams[slot] ??= streams.stream(slot).fork('repair'));
  const end = Math.min(f.untilUs, durationUs);
  const pending: EventHandle[] = new Array(targets.length).fill(-1);
  // SQL replicas come back through a public method, so their repair is scheduled here, where a split can draw it
  // again; other kinds hand the drawn duration to inject, which ends the fault itself.
  const sqlReplicas = repair !== null && f.kind === 'sql.replica-crash' ? targets.map(sqlReplicaOf) : null;
  const repairing: EventHandle[] = new Array(targets.length).fill(-1);
  const repaired = (slot: number): void => {
    const [d, r] = sqlReplicas![slot]!;
    if (!sim.world.sql.databases[d]!.replicas[r]!.up) {
      sim.setReplicaUp(d, r, 'fault.end', `SQL replica ${targets[slot]!} comes back`);
    }
  };
  const process = processId(f);
  const counts = tally(sim, f);
  const extra = faultExtra(f);
  const fire = (slot: number): void => {
    // The id names the arrival (process and arrival index), not the count of accepted faults, so the same arrival
    // has the same id under every parameter value of a sweep.
    const id = `${process}#${++counts.arrivals}`;
    const lasts = repair === null ? f.durationUs : Math.max(0, Math.round(repair(repairStream(slot))));
    let accepted: boolean;
    if (sqlReplicas === null) accepted = sim.inject(f.kind, targets[slot]!, lasts, id, extra, index?.[slot] ?? -1);
    else {
      accepted = sim.inject(f.kind, targets[slot]!, null, id, extra);
      if (accepted) repairing[slot] = sim.sched.after(lasts!, repaired, slot);
    }
    if (!accepted) {
      counts.missed++;
      missedArrival(sim, f.kind, targets[slot]!, id);
    }
    // Through `draw`, the target's sequence goes on without a stream object being made for it (one per target that
    // sees a second arrival: about 13,000 in a region's first two days).
    const next = sim.now + Math.max(1, Math.round(streams.draw(slot, sample)));
    if (next <= end) pending[slot] = sim.sched.at(next, fire, slot);
  };
  for (let slot = 0; slot < targets.length; slot++) {
    const first = f.startUs + Math.max(0, Math.round(streams.draw(slot, sample)));
    if (first <= end) pending[slot] = sim.sched.at(first, fire, slot);
  }
  if (split !== undefined && f.every.kind === 'exponential') {
    split.redraw.push(() => {
      // Every slot's clock is drawn again, also those whose last draw fell after the end and left nothing pending.
      for (let slot = 0; slot < targets.length; slot++) {
        sim.sched.cancel(pending[slot]!);
        const from = Math.max(sim.now, f.startUs);
        const next = from + Math.max(from === sim.now ? 1 : 0, Math.round(streams.draw(slot, sample)));
        if (next <= end) pending[slot] = sim.sched.at(next, fire, slot);
      }
    });
  }
  if (split !== undefined && sqlReplicas !== null && f.repair!.kind === 'exponential') {
    split.redraw.push(() => {
      for (let slot = 0; slot < targets.length; slot++) {
        if (!sim.sched.cancel(repairing[slot]!)) continue;
        const lasts = Math.max(1, Math.round(repair!(repairStream(slot))));
        repairing[slot] = sim.sched.after(lasts, repaired, slot);
      }
    });
  }
}

function sqlReplicaOf(target: string): [number, number] {
  const m = /^sql:db(\d+)\/(\d+)$/.exec(target);
  if (!m) throw new Error(`unknown SQL replica ${target}`);
  return [Number(m[1]), Number(m[2])];
}

/** Collects the summary of a finished simulation. */
export function summarize(sim: Simulation, sc: ResolvedScenario, seed: number, endUs: number): RunSummary {
  sim.finish(endUs);
  const avail = sim.avail.results(endUs);
  const defaults: Record<string, string | number | boolean> = {};
  for (const [section, values] of Object.entries(sc.policies)) {
    for (const [key, value] of Object.entries(values as Record<string, number | boolean>)) {
      defaults[`${section}.${key}`] = value;
    }
  }
  const packages = sim.packageProblems();
  const images = sim.imagesSummary(endUs);
  const summary: RunSummary = {
    fabricsim: VERSION,
    scenario: sc.name,
    scenarioHash: resolvedScenarioHash(sc),
    seed,
    traceHash: sim.rec.traceHash,
    durationUs: endUs,
    events: sim.rec.count,
    eventCounts: sim.rec.countsByKind(),
    defaults,
    faults: sim.faults.results,
    faultArrivals: (arrivalTallies.get(sim) ?? []).map((a) => ({ ...a })),
    roles: sim.ix.roleIds.map((id, r) => ({
      id,
      instances: sim.ix.roleSizes[r]!,
      availability: avail[r]!.availability,
      servedAvailability: avail[r]!.servedAvailability,
      readyFraction: avail[r]!.readyFraction,
      downUs: avail[r]!.downUs,
      degradedUs: avail[r]!.degradedUs,
      packageProblems: packages[r]!,
    })),
    faultDomains: sim.faultDomains(),
    fc: { noQuorumUs: sim.noQuorumUs.reduce((a, b) => a + b, 0), leaderChanges: sim.leaderChanges },
    watchdogs: sim.world.watchdogs.map((w, i) => ({ id: w.id, blindUs: sim.watchdogBlindUs[i]! })),
    sql: { failovers: sim.sqlFailovers, unavailableUs: sim.sqlUnavailableUs, blindUs: sim.sqlBlindUs },
    // security (issue 5)
    security: SecurityModel.of(sim)?.summary(endUs) ?? {
      attempts: 0,
      allowed: 0,
      denied: 0,
      violations: 0,
      exposureUs: 0,
      byKind: {},
      byIntent: {},
    },
    expectations: [],
    ...(images === null ? {} : { images }),
  };
  summary.expectations.push(...evaluateExpectations(sc.expect, summary, SecurityModel.of(sim)?.facts()));
  return summary;
}

/** Runs `sim` to `endUs`, reporting progress about 100 times when asked. */
function runTo(sim: Simulation, endUs: number, onProgress: ((fraction: number) => void) | undefined): void {
  if (onProgress) {
    const steps = 100;
    for (let k = 1; k <= steps; k++) {
      sim.sched.run({ until: Math.floor((endUs * k) / steps) });
      onProgress(k / steps);
    }
  } else {
    sim.sched.run({ until: endUs });
  }
}

function timelineHead(sim: Simulation, sc: ResolvedScenario, seed: number, endUs: number): TimelineHead {
  return {
    format: TIMELINE_FORMAT,
    version: TIMELINE_VERSION,
    fabricsim: VERSION,
    scenario: { name: sc.name, resolved: sc },
    seed,
    durationUs: endUs,
    initial: sim.initial,
  };
}

/** Runs a resolved scenario to its end (or `untilUs`). */
export function runResolved(sc: ResolvedScenario, opts: RunOptions = {}): RunOutput {
  const seed = opts.seed ?? sc.seed;
  const record = opts.record ?? true;
  const sim = createSimulation(sc, {
    seed,
    record,
    ...(opts.plugins === undefined ? {} : { plugins: opts.plugins }),
    ...(opts.reuseWorld === true ? { reuseWorld: true } : {}),
  });
  const endUs = Math.min(opts.untilUs ?? sc.durationUs, sc.durationUs);
  runTo(sim, endUs, opts.onProgress);
  const summary = summarize(sim, sc, seed, endUs);
  const timeline: Timeline | null = record
    ? { ...timelineHead(sim, sc, seed, endUs), events: sim.rec.events!, summary, traceHash: summary.traceHash }
    : null;
  return { summary, timeline, sim };
}

/**
 * Runs a resolved scenario with recording on, handing the timeline to `sink` as it is made (head, events, end)
 * instead of keeping it: the document the sink sees is the one `runResolved` would return, in the same order.
 */
export function runStreamed(
  sc: ResolvedScenario,
  sink: TimelineSink,
  opts: Omit<RunOptions, 'record'> = {},
): { summary: RunSummary; sim: Simulation } {
  const seed = opts.seed ?? sc.seed;
  const sim = createSimulation(sc, {
    seed,
    record: true,
    ...(opts.plugins === undefined ? {} : { plugins: opts.plugins }),
  });
  const endUs = Math.min(opts.untilUs ?? sc.durationUs, sc.durationUs);
  sink.begin(timelineHead(sim, sc, seed, endUs));
  sim.rec.streamTo((e) => sink.event(e));
  runTo(sim, endUs, opts.onProgress);
  const summary = summarize(sim, sc, seed, endUs);
  sim.rec.flush();
  sink.end(summary, summary.traceHash);
  return { summary, sim };
}
