/**
 * Shrinking a failing scenario to a minimal one that fails the same way.
 *
 * The scenario is first made self-contained and concrete (no `extends`, no `explore`; globs, random picks, fault
 * domains and random fault processes replaced by the scripted faults they produced in the failing run; racks and
 * nodes listed explicitly), each step kept only if the failure's fingerprint survives. Then candidate edits are
 * tried, in a fixed order, until none of them keeps the failure:
 *   remove one fault, expectation, upgrade, traffic line, service, role, role instance, cluster, rack or node;
 *   weaken one fault (rack power loss → node crash → VM crash → role crash; hardware → node crash);
 *   shorten one duration (by half, then by one step of its unit); move one time later (half-way, then one step);
 *   round one time to a coarser unit (coarsest first; starts up, durations down).
 * Every edit goes one way — smaller, weaker, shorter, later — so the search ends.
 *
 * Over 600 lines on purpose: the edits and the fixed order they are tried in are one table over one scenario shape;
 * keeping them together is what makes the order (and so the byte-identical output) easy to check.
 * A candidate counts only when it fails with the same fingerprint (which expectation, which target, over or under).
 * The result is 1-minimal on each of those edits, and — everything here being deterministic, with no dependence on
 * timing or on how many threads run — the same for the same input every time.
 */
import { compileGlob, formatDuration, parseDuration } from '../engine/index.js';
import type { RunSummary } from '../metrics/index.js';
import type { PluginModules } from '../model/index.js';
import { createSimulation, runResolved } from '../run.js';
import {
  type FaultFile,
  type ResolvedScenario,
  resolveScenario,
  type ScenarioFile,
  ScenarioSpec,
} from '../scenario/index.js';
import { runChecked } from './check.js';
import { compactTopology } from './emit.js';
import { type Failure, failuresOf } from './fingerprint.js';
import { roundings, unitOf } from './time-grid.js';

/** A mutable JSON copy of a scenario file. */
type Doc = Record<string, unknown> & ScenarioFile;
type FaultDoc = Record<string, unknown> & FaultFile;

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** The outcome of running one candidate: its failures, or null when the candidate is not a valid scenario. */
export type Evaluation = readonly Failure[] | null;

export interface ShrinkOptions {
  /** The seed of the failing run (written into the result). */
  readonly seed: number;
  /** The failure to keep (its fingerprint key); default the run's first failure. */
  readonly fingerprint?: string;
  /** Name used for the scenario when the file has none. */
  readonly name?: string;
  /** Policy modules the scenario names (see RunOptions.plugins). */
  readonly plugins?: PluginModules;
  /** Called after each candidate run. */
  readonly onProgress?: (p: { tried: number; size: number; step: string }) => void;
}

export interface ShrinkResult {
  readonly file: ScenarioFile;
  readonly failure: Failure;
  /** Candidate runs done (cache hits not counted). */
  readonly tried: number;
  /** The edits kept, in order. */
  readonly steps: readonly string[];
  readonly sizeBefore: number;
  readonly sizeAfter: number;
}

export class NothingToShrink extends Error {
  override name = 'NothingToShrink';
}

/** Runs a scenario file (validated and resolved here) and returns its failures; invariants checked when asked. */
export function evaluateFile(
  file: ScenarioFile,
  seed: number,
  invariants: boolean,
  name = 'scenario',
  plugins?: PluginModules,
): Evaluation {
  let sc: ResolvedScenario;
  try {
    const parsed = ScenarioSpec.safeParse(file);
    if (!parsed.success) return null;
    sc = resolveScenario(parsed.data, name);
  } catch {
    return null; // a reference to something a candidate removed, a bad duration…: not a candidate
  }
  return failuresOfResolved(sc, seed, invariants, plugins).failures;
}

function failuresOfResolved(
  sc: ResolvedScenario,
  seed: number,
  invariants: boolean,
  plugins?: PluginModules,
): { failures: Failure[]; summary: RunSummary } {
  const mods = plugins === undefined ? {} : { plugins };
  if (invariants) {
    const r = runChecked(sc, { seed, invariants: true, ...mods });
    return { failures: failuresOf(sc.expect, r.summary, r.violations), summary: r.summary };
  }
  const { summary } = runResolved(sc, { seed, record: false, ...mods });
  return { failures: failuresOf(sc.expect, summary, []), summary };
}

/** Size of a scenario for progress reports: faults, expectations, upgrades, traffic lines, nodes and instances. */
export function scenarioSize(file: ScenarioFile): number {
  let nodes = 0;
  for (const c of file.topology.clusters) {
    const k = c.count ?? 1;
    if (typeof c.racks === 'number') nodes += k * c.racks * (c.nodesPerRack ?? 0);
    else for (const r of c.racks) nodes += k * (typeof r.nodes === 'number' ? r.nodes : r.nodes.length);
  }
  let instances = 0;
  for (const s of file.services ?? []) for (const r of s.roles) instances += (s.count ?? 1) * r.instances;
  return (
    (file.faults?.length ?? 0) +
    (file.expect?.length ?? 0) +
    (file.upgrades?.length ?? 0) +
    (file.security?.traffic?.length ?? 0) +
    nodes +
    instances
  );
}

const isGlob = (s: string): boolean => /[*?[\]{}]/.test(s);

/**
 * Shrinks `file` (a validated, merged scenario) whose run with `opts.seed` fails. Throws NothingToShrink when the
 * run does not fail (or not with the fingerprint asked for).
 */
export function shrinkScenario(input: ScenarioFile, opts: ShrinkOptions): ShrinkResult {
  const seed = opts.seed;
  const name = input.name ?? opts.name ?? 'scenario';
  const sc0 = resolveScenario(input, name);
  // First run: with invariants, so that an invariant fingerprint can be named.
  const first = failuresOfResolved(sc0, seed, true, opts.plugins);
  if (first.failures.length === 0) throw new NothingToShrink('the scenario does not fail with this seed');
  const target =
    opts.fingerprint === undefined ? first.failures[0]! : first.failures.find((f) => f.key === opts.fingerprint);
  if (target === undefined) {
    throw new NothingToShrink(
      `the scenario does not fail as "${opts.fingerprint}" (it fails as: ${first.failures.map((f) => f.key).join('; ')})`,
    );
  }
  const invariants = target.what.startsWith('invariant ');
  const cache = new Map<string, Evaluation>();
  let tried = 0;
  const steps: string[] = [];
  let state = clone(input) as Doc;
  const sizeBefore = scenarioSize(state);

  const fails = (file: Doc): Failure | null => {
    const key = JSON.stringify(file);
    let ev = cache.get(key);
    if (ev === undefined) {
      ev = evaluateFile(file, seed, invariants, name, opts.plugins);
      cache.set(key, ev);
      tried++;
      opts.onProgress?.({ tried, size: scenarioSize(state), step: steps[steps.length - 1] ?? 'start' });
    }
    return ev?.find((f) => f.key === target.key) ?? null;
  };
  const accept = (file: Doc, step: string): boolean => {
    if (fails(file) === null) return false;
    state = file;
    steps.push(step);
    return true;
  };

  // 1. Self-contained: no extends, no explore section, no schema pointer or description; the seed written in.
  {
    const c = clone(state);
    delete c.$schema;
    delete c.extends;
    delete c.explore;
    delete c.description;
    c.name = name;
    c.seed = seed;
    accept(c, 'made self-contained');
  }
  // 2. Concrete faults: the scripted faults the failing run actually injected.
  {
    const c = concreteFaults(state, first.summary);
    if (c !== null) accept(c, 'made faults concrete');
  }
  // 3. Explicit topology: racks and nodes listed by id, so that any one can be removed.
  {
    const c = explicitTopology(state, sc0);
    if (c !== null) accept(c, 'listed racks and nodes');
  }
  if (fails(state) === null) throw new Error('shrink: the normalized scenario no longer fails (this is a bug)');

  // 4. Edits until none keeps the failure.
  const passes: ((d: Doc) => Generator<[string, Doc]>)[] = [
    (d) => removals(d, name, opts.plugins),
    (d) => weakenings(d, name, opts.plugins),
    shortenings,
    laterMoves,
    timeRoundings,
  ];
  for (let changed = true; changed; ) {
    changed = false;
    for (const pass of passes) {
      for (let progress = true; progress; ) {
        progress = false;
        for (const [what, cand] of pass(state)) {
          if (accept(cand, what)) {
            progress = true;
            changed = true;
            break;
          }
        }
      }
    }
  }
  // Compact racks and nodes again where that names the very same ones (the run is then identical).
  state = compactTopology(state) as Doc;
  const failure = fails(state)!;
  return { file: state, failure, tried, steps, sizeBefore, sizeAfter: scenarioSize(state) };
}

// ---------------------------------------------------------------------------------------------------------------
// Normalization

/** Replaces globs, random picks, fault domains and random processes by the faults the run injected. */
function concreteFaults(d: Doc, s: RunSummary): Doc | null {
  const faults = (d.faults ?? []) as FaultDoc[];
  const needs = faults.some((f) => 'every' in f || (f.target !== undefined && !isConcreteTarget(f.target)));
  if (!needs) return null;
  const claimed = new Set<number>();
  const out: FaultDoc[] = [];
  // Scripted faults first (they fire at their own time), then random processes take what is left.
  const occurrences = new Map<number, RunSummary['faults']>();
  faults.forEach((f, i) => {
    if ('every' in f) return;
    const at = parseDuration(String(f.at));
    const mine = s.faults.filter(
      (r, ri) =>
        !claimed.has(ri) &&
        r.kind === f.kind &&
        r.atUs === at &&
        (f.id === undefined || r.id === f.id || r.id.startsWith(`${f.id}/`)),
    );
    for (const r of mine) claimed.add(s.faults.indexOf(r));
    occurrences.set(i, mine);
  });
  faults.forEach((f, i) => {
    if (!('every' in f)) return;
    const re = compileGlob(typeof f.targets === 'string' ? f.targets : '*');
    const mine = s.faults.filter((r, ri) => !claimed.has(ri) && r.kind === f.kind && re.test(r.target));
    for (const r of mine) claimed.add(s.faults.indexOf(r));
    occurrences.set(i, mine);
  });
  faults.forEach((f, i) => {
    const concrete = !('every' in f) && (f.target === undefined || isConcreteTarget(f.target));
    if (concrete) {
      out.push(f);
      return;
    }
    const occ = occurrences.get(i) ?? [];
    const keepId = f.id !== undefined && occ.length === 1;
    if (f.id !== undefined && occ.length > 1) {
      out.push(f); // several targets under one id that expectations may name: left as written
      return;
    }
    for (const r of occ) {
      const g: FaultDoc = { at: formatDuration(r.atUs), kind: f.kind, target: r.target } as FaultDoc;
      if (keepId) g.id = f.id;
      for (const k of ['duration', 'groups', 'lossRate', 'extraLatency'] as const) {
        if (f[k] !== undefined) (g as Record<string, unknown>)[k] = f[k];
      }
      out.push(orderFault(g));
    }
  });
  out.sort((a, b) => atOf(a) - atOf(b));
  const c = clone(d);
  c.faults = out;
  return c;
}

function isConcreteTarget(t: unknown): boolean {
  return typeof t === 'string' && !isGlob(t);
}

function atOf(f: FaultDoc): number {
  return 'at' in f && typeof f.at === 'string' ? parseDuration(f.at) : 0;
}

const FAULT_KEY_ORDER = ['id', 'at', 'kind', 'target', 'duration', 'groups', 'lossRate', 'extraLatency'];

function orderFault(f: FaultDoc): FaultDoc {
  const out: Record<string, unknown> = {};
  for (const k of FAULT_KEY_ORDER) if (f[k] !== undefined) out[k] = f[k];
  for (const k of Object.keys(f)) if (!(k in out)) out[k] = f[k];
  return out as FaultDoc;
}

function explicitTopology(d: Doc, sc: ResolvedScenario): Doc | null {
  const clusters = d.topology.clusters;
  if (clusters.some((c) => (c.count ?? 1) > 1)) return null;
  if (clusters.every((c) => typeof c.racks !== 'number' && c.racks.every((r) => Array.isArray(r.nodes) && r.id))) {
    return null;
  }
  const c = clone(d);
  c.topology = {
    clusters: sc.clusters.map((rc) => ({ id: rc.id, racks: rc.racks.map((r) => ({ id: r.id, nodes: [...r.nodes] })) })),
  };
  return c;
}

// ---------------------------------------------------------------------------------------------------------------
// Candidate edits, each a generator of (description, candidate) in a fixed order

function* removals(d: Doc, name: string, plugins?: PluginModules): Generator<[string, Doc]> {
  const faults = (d.faults ?? []) as FaultDoc[];
  for (let i = 0; i < faults.length; i++) {
    const c = clone(d);
    c.faults!.splice(i, 1);
    if (c.faults!.length === 0) delete c.faults;
    yield [`removed fault ${describeFault(faults[i]!)}`, c];
  }
  const list = <K extends 'expect' | 'upgrades'>(key: K, what: string) =>
    function* (): Generator<[string, Doc]> {
      const items = (d[key] ?? []) as unknown[];
      for (let i = 0; i < items.length; i++) {
        const c = clone(d);
        (c[key] as unknown[]).splice(i, 1);
        if ((c[key] as unknown[]).length === 0) delete c[key];
        yield [`removed ${what} ${i + 1}`, c];
      }
    };
  yield* list('expect', 'expectation')();
  yield* list('upgrades', 'upgrade')();
  const traffic = d.security?.traffic ?? [];
  for (let i = 0; i < traffic.length; i++) {
    const c = clone(d);
    c.security!.traffic!.splice(i, 1);
    if (c.security!.traffic!.length === 0) delete c.security!.traffic;
    yield [`removed traffic line ${i + 1}`, c];
  }
  // Topology and services: only what nothing needs — no fault aims at it, no expectation measures it, and (for
  // nodes) no instance is placed on it. Taking away redundancy the failure is about would change the question.
  const need = needs(d, name, plugins);
  const services = d.services ?? [];
  for (let si = 0; si < services.length; si++) {
    const s = services[si]!;
    const roleIds = s.roles.map((r) => `${s.id}.${r.id}`);
    const serviceFree = roleIds.every((id) => !need.role(id)) && !need.service(s.id);
    if (services.length > 1 && serviceFree) {
      const c = clone(d);
      c.services!.splice(si, 1);
      yield [`removed service ${s.id}`, c];
    }
    if ((s.count ?? 1) > 1 && serviceFree) {
      const c = clone(d);
      const n = (s.count ?? 1) - 1;
      if (n === 1) delete c.services![si]!.count;
      else c.services![si]!.count = n;
      yield [`one copy fewer of service ${s.id}`, c];
    }
    for (let ri = 0; ri < s.roles.length; ri++) {
      const r = s.roles[ri]!;
      const roleId = `${s.id}.${r.id}`;
      if (need.role(roleId)) continue;
      if (s.roles.length > 1) {
        const c = clone(d);
        c.services![si]!.roles.splice(ri, 1);
        yield [`removed role ${roleId}`, c];
      }
      if (r.instances > 1) {
        const c = clone(d);
        c.services![si]!.roles[ri]!.instances = r.instances - 1;
        yield [`removed instance ${roleId}.${r.instances - 1}`, c];
      }
    }
  }
  const clusters = d.topology.clusters;
  for (let ci = 0; ci < clusters.length; ci++) {
    const cl = clusters[ci]!;
    if (typeof cl.racks === 'number') continue; // compact clusters (with count > 1) stay as written
    const rackIds = cl.racks.map((r, ri) => r.id ?? `${cl.id ?? `c${ci}`}-r${ri}`);
    const nodeLists = cl.racks.map((r, ri) =>
      Array.isArray(r.nodes) ? r.nodes : Array.from({ length: r.nodes }, (_, n) => `${rackIds[ri]}-n${n}`),
    );
    const rackFree = (ri: number) => !need.rack(rackIds[ri]!) && nodeLists[ri]!.every((n) => !need.node(n));
    if (clusters.length > 1 && cl.racks.every((_, ri) => rackFree(ri))) {
      const c = clone(d);
      c.topology.clusters.splice(ci, 1);
      yield [`removed cluster ${cl.id ?? ci}`, c];
    }
    for (let ri = 0; ri < cl.racks.length; ri++) {
      const rack = cl.racks[ri]!;
      if (cl.racks.length > 1 && rackFree(ri)) {
        const c = clone(d);
        (c.topology.clusters[ci]!.racks as unknown[]).splice(ri, 1);
        yield [`removed rack ${rackIds[ri]}`, c];
      }
      if (Array.isArray(rack.nodes) && rack.nodes.length > 1) {
        for (let ni = 0; ni < rack.nodes.length; ni++) {
          if (need.node(rack.nodes[ni]!)) continue;
          const c = clone(d);
          const racks = c.topology.clusters[ci]!.racks as { nodes: string[] }[];
          racks[ri]!.nodes.splice(ni, 1);
          yield [`removed node ${rack.nodes[ni]}`, c];
        }
      }
    }
  }
}

/** What the scenario needs: fault targets, measured roles, and nodes with instances placed on them. */
function needs(d: Doc, name: string, plugins?: PluginModules) {
  const targets = new Set<string>();
  for (const f of (d.faults ?? []) as FaultDoc[]) {
    if (typeof f.target === 'string') targets.add(f.target);
    else {
      const t = f.target as unknown;
      if (t !== null && typeof t === 'object' && 'faultDomain' in t) targets.add(String(t.faultDomain));
    }
    if ('targets' in f && typeof f.targets === 'string') targets.add(f.targets);
  }
  const targeted = (id: string) => [...targets].some((t) => t === id || compileGlob(t).test(id));
  const measured: string[] = [];
  for (const e of d.expect ?? []) {
    if ('availability' in e) measured.push(e.availability.role);
    if ('metric' in e && typeof e.metric === 'string') {
      for (const m of e.metric.matchAll(/\[([^\]]+)\]/g)) measured.push(m[1]!);
    }
  }
  const text = JSON.stringify(d.security ?? {}) + JSON.stringify(d.upgrades ?? []);
  let layout: Layout | null | undefined;
  return {
    role: (id: string) =>
      measured.some((m) => m === id || compileGlob(m).test(id)) ||
      [...targets].some((t) => t.startsWith(`${id}.`) || compileGlob(t).test(`${id}.0`)) ||
      text.includes(`"${id}`),
    service: (id: string) => text.includes(`"${id}`),
    rack: (id: string) => targeted(id),
    node: (id: string) => {
      if (targeted(id)) return true;
      if (layout === undefined) layout = layoutOf(d, name, plugins);
      return (layout?.nodeInstances.get(id)?.length ?? 0) > 0;
    },
  };
}

function describeFault(f: FaultDoc): string {
  const t = typeof f.target === 'string' ? ` ${f.target}` : '';
  const at = 'at' in f ? ` at ${f.at}` : ' (random process)';
  return `${f.id === undefined ? '' : `${f.id}: `}${f.kind}${t}${at}`;
}

/** The next rung down for a fault: a weaker kind aimed at a part of the same target. */
function* weakenings(d: Doc, name: string, plugins?: PluginModules): Generator<[string, Doc]> {
  const faults = (d.faults ?? []) as FaultDoc[];
  let layout: Layout | null | undefined;
  const getLayout = (): Layout | null => {
    if (layout === undefined) layout = layoutOf(d, name, plugins);
    return layout;
  };
  for (let i = 0; i < faults.length; i++) {
    const f = faults[i]!;
    if ('every' in f || typeof f.target !== 'string' || isGlob(f.target)) continue;
    const weaker = (kind: FaultFile['kind'], target: string): [string, Doc] => {
      const c = clone(d);
      const g = { ...f, kind, target } as FaultDoc;
      c.faults![i] = orderFault(g);
      return [`weakened ${describeFault(f)} to ${kind} ${target}`, c];
    };
    switch (f.kind) {
      case 'rack.power-loss': {
        const nodes = getLayout()?.rackNodes.get(f.target) ?? [];
        for (const n of nodes) yield weaker('node.crash', n);
        break;
      }
      case 'node.hardware':
        yield weaker('node.crash', f.target);
        break;
      case 'node.crash': {
        const insts = getLayout()?.nodeInstances.get(f.target) ?? [];
        for (const inst of insts) yield weaker('vm.crash', inst);
        break;
      }
      case 'vm.crash':
        yield weaker('role.crash', f.target);
        break;
      default:
        break;
    }
  }
}

interface Layout {
  readonly rackNodes: Map<string, string[]>;
  readonly nodeInstances: Map<string, string[]>;
}

/** Racks' nodes and nodes' initial instances, from the resolved scenario and its initial placement. */
function layoutOf(d: Doc, name: string, plugins?: PluginModules): Layout | null {
  let sc: ResolvedScenario;
  try {
    sc = resolveScenario(d, name);
  } catch {
    return null;
  }
  const rackNodes = new Map<string, string[]>();
  for (const c of sc.clusters) for (const r of c.racks) rackNodes.set(r.id, [...r.nodes]);
  const nodeInstances = new Map<string, string[]>();
  const sim = createSimulation(sc, { record: false, ...(plugins === undefined ? {} : { plugins }) });
  for (const c of sim.world.clusters) {
    for (const inst of c.instances) {
      if (inst.node < 0) continue;
      const n = c.nodes[inst.node]!.id;
      const list = nodeInstances.get(n) ?? [];
      list.push(inst.id);
      nodeInstances.set(n, list);
    }
  }
  return { rackNodes, nodeInstances };
}

interface TimeSlot {
  readonly label: string;
  readonly get: (d: Doc) => number;
  readonly set: (d: Doc, us: number) => void;
  /** Only for values that may move later: the latest allowed. */
  readonly max?: number;
  /** Smallest allowed value. */
  readonly min: number;
}

/** Every time and duration the shrinker may change. */
function timeSlots(d: Doc, kind: 'start' | 'length' | 'all'): TimeSlot[] {
  const runUs = parseDuration(d.duration);
  const slots: TimeSlot[] = [];
  if (kind !== 'start') {
    slots.push({
      label: 'the run duration',
      get: (x) => parseDuration(x.duration),
      set: (x, us) => {
        x.duration = formatDuration(us);
      },
      min: 1,
    });
  }
  (d.faults ?? []).forEach((f, i) => {
    const fd = f as FaultDoc;
    const label = describeFault(fd);
    if (kind !== 'length' && 'at' in fd && typeof fd.at === 'string') {
      slots.push({
        label: `the start of ${label}`,
        get: (x) => parseDuration((x.faults![i] as { at: string }).at),
        set: (x, us) => {
          (x.faults![i] as { at: string }).at = formatDuration(us);
        },
        max: runUs - 1,
        min: 0,
      });
    }
    if (kind !== 'start' && typeof fd.duration === 'string') {
      slots.push({
        label: `the duration of ${label}`,
        get: (x) => parseDuration(x.faults![i]!.duration!),
        set: (x, us) => {
          x.faults![i]!.duration = formatDuration(us);
        },
        min: 1,
      });
    }
  });
  // Scripted traffic (security): its start and, for misconfigurations and grants, how long it lasts.
  (d.security?.traffic ?? []).forEach((t, i) => {
    const item = t as Record<string, unknown>;
    const at = (x: Doc) => x.security!.traffic![i] as Record<string, unknown>;
    if (kind !== 'length' && typeof item.at === 'string') {
      slots.push({
        label: `the start of traffic line ${i + 1}`,
        get: (x) => parseDuration(at(x).at as string),
        set: (x, us) => {
          at(x).at = formatDuration(us);
        },
        max: runUs - 1,
        min: 0,
      });
    }
    if (kind !== 'start' && typeof item.duration === 'string') {
      slots.push({
        label: `the duration of traffic line ${i + 1}`,
        get: (x) => parseDuration(at(x).duration as string),
        set: (x, us) => {
          at(x).duration = formatDuration(us);
        },
        min: 1,
      });
    }
  });
  (d.upgrades ?? []).forEach((u, i) => {
    if (kind === 'length') return;
    slots.push({
      label: `the start of upgrade ${u.id ?? i + 1}`,
      get: (x) => parseDuration(x.upgrades![i]!.at),
      set: (x, us) => {
        x.upgrades![i]!.at = formatDuration(us);
      },
      max: runUs - 1,
      min: 0,
    });
  });
  return slots;
}

function* shortenings(d: Doc): Generator<[string, Doc]> {
  for (const slot of timeSlots(d, 'length')) {
    const v = slot.get(d);
    const u = unitOf(v);
    const half = Math.floor(v / 2 / u) * u;
    for (const nv of [half, v - u]) {
      if (nv < slot.min || nv >= v) continue;
      const c = clone(d);
      slot.set(c, nv);
      yield [`shortened ${slot.label} to ${formatDuration(nv)}`, c];
    }
  }
}

function* laterMoves(d: Doc): Generator<[string, Doc]> {
  for (const slot of timeSlots(d, 'start')) {
    const v = slot.get(d);
    const step = v === 0 ? smallestStepAbove(slot.max ?? 0) : unitOf(v);
    const half = v + Math.floor(((slot.max ?? v) - v) / 2 / step) * step;
    for (const nv of [half, v + step]) {
      if (nv <= v || nv > (slot.max ?? v)) continue;
      const c = clone(d);
      slot.set(c, nv);
      yield [`moved ${slot.label} later to ${formatDuration(nv)}`, c];
    }
  }
}

/** For a time at 0 (every unit divides it), one step is the coarsest unit below the run's length. */
function smallestStepAbove(max: number): number {
  for (const u of [86400e6, 3600e6, 600e6, 60e6, 1e6, 1e3, 1]) if (u <= max) return u;
  return 1;
}

function* timeRoundings(d: Doc): Generator<[string, Doc]> {
  for (const slot of timeSlots(d, 'all')) {
    const v = slot.get(d);
    for (const nv of roundings(v, slot.max === undefined ? 'down' : 'up')) {
      if (nv === v || nv < slot.min || (slot.max !== undefined && nv > slot.max)) continue;
      const c = clone(d);
      slot.set(c, nv);
      yield [`rounded ${slot.label} to ${formatDuration(nv)}`, c];
    }
  }
}
