/**
 * Coverage: which parts of the model a run (or a set of runs) reached — every rung of the recovery ladder, every
 * node and instance state, every fault kind, every rule that decided an event — with hit counts, merged across runs
 * and shards; and the `sometimes` expectations judged over all runs (covered, or a GAP with the nearest run).
 *
 * A run's coverage is a map from key ("rung:node.reboot", "node:OutForRepair", "instance:Ready", "fault:node.crash",
 * "rule:fc.missedPolls=4", "event:lb.out") to the number of times it happened. Merged coverage keeps, per key, the
 * total hits and the number of runs that reached it.
 */
import { FAULT_KINDS } from '../scenario/index.js';

/** The recovery ladder, lowest rung first: what the platform tries, in order, to bring a workload back. */
export const LADDER = [
  'instance.restart',
  'vm.reboot',
  'node.reboot',
  'healing.start',
  'node.out-for-repair',
  'node.human-investigate',
] as const;
export const NODE_STATES = [
  'Booting',
  'Ready',
  'Unhealthy',
  'Recovering',
  'OutForRepair',
  'HumanInvestigate',
  'Dead',
] as const;
export const INSTANCE_STATES = ['Starting', 'Busy', 'Ready', 'Recycling', 'Unresponsive', 'Stopped'] as const;

/** One run's coverage: key → occurrences. Keys are sorted when serialized (see `sortedCoverage`). */
export type Coverage = Readonly<Record<string, number>>;

const RUNGS = new Set<string>(LADDER);

/** Collects one run's coverage. */
export class CoverageCounter {
  private readonly counts = new Map<string, number>();

  private add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  event(kind: string, rule: string | undefined): void {
    if (kind.startsWith('msg.')) return; // routine messages: counted by kind would swamp everything else
    this.add(`event:${kind}`);
    if (RUNGS.has(kind)) this.add(`rung:${kind}`);
    if (rule !== undefined && rule !== '') this.add(`rule:${rule}`);
  }

  nodeState(status: string): void {
    this.add(`node:${status}`);
  }

  instanceState(status: string): void {
    this.add(`instance:${status}`);
  }

  fault(kind: string): void {
    this.add(`fault:${kind}`);
  }

  result(): Coverage {
    return sortedCoverage(Object.fromEntries(this.counts));
  }
}

/** The same coverage with its keys in sorted order (so that JSON output is stable). */
export function sortedCoverage(c: Coverage): Coverage {
  return Object.fromEntries(
    Object.keys(c)
      .sort()
      .map((k) => [k, c[k]!]),
  );
}

/** Coverage over many runs: per key, total hits and the number of runs that reached it. */
export interface MergedCoverage {
  readonly runs: number;
  readonly keys: Readonly<Record<string, { readonly hits: number; readonly runs: number }>>;
}

export function mergeCoverage(list: readonly Coverage[]): MergedCoverage {
  const keys: Record<string, { hits: number; runs: number }> = {};
  for (const c of list) {
    for (const [k, n] of Object.entries(c)) {
      const e = (keys[k] ??= { hits: 0, runs: 0 });
      e.hits += n;
      e.runs += n > 0 ? 1 : 0;
    }
  }
  const sorted = Object.fromEntries(
    Object.keys(keys)
      .sort()
      .map((k) => [k, keys[k]!]),
  );
  return { runs: list.length, keys: sorted };
}

/** Adds merged coverages (shards): the same as merging all their runs at once. */
export function addMerged(list: readonly MergedCoverage[]): MergedCoverage {
  const keys: Record<string, { hits: number; runs: number }> = {};
  let runs = 0;
  for (const m of list) {
    runs += m.runs;
    for (const [k, v] of Object.entries(m.keys)) {
      const e = (keys[k] ??= { hits: 0, runs: 0 });
      e.hits += v.hits;
      e.runs += v.runs;
    }
  }
  return {
    runs,
    keys: Object.fromEntries(
      Object.keys(keys)
        .sort()
        .map((k) => [k, keys[k]!]),
    ),
  };
}

export interface CoverageSection {
  readonly title: string;
  readonly rows: readonly { readonly item: string; readonly hits: number; readonly runs: number }[];
}

/**
 * The report's sections: every ladder rung, node state, instance state and fault kind (reached or not), and every
 * rule seen. `faultKinds` narrows the fault kinds listed (default all).
 */
export function coverageSections(m: MergedCoverage, faultKinds: readonly string[] = FAULT_KINDS): CoverageSection[] {
  const row = (prefix: string, item: string) => {
    const v = m.keys[`${prefix}:${item}`];
    return { item, hits: v?.hits ?? 0, runs: v?.runs ?? 0 };
  };
  const seen = (prefix: string) =>
    Object.keys(m.keys)
      .filter((k) => k.startsWith(`${prefix}:`))
      .map((k) => k.slice(prefix.length + 1));
  const kinds = [...new Set([...faultKinds, ...seen('fault')])];
  return [
    { title: 'recovery ladder', rows: LADDER.map((r) => row('rung', r)) },
    { title: 'node states', rows: NODE_STATES.map((s) => row('node', s)) },
    { title: 'instance states', rows: INSTANCE_STATES.map((s) => row('instance', s)) },
    { title: 'fault kinds', rows: kinds.map((k) => row('fault', k)) },
    { title: 'rules', rows: seen('rule').map((r) => row('rule', r)) },
  ];
}

/** Plain-text coverage report: one line per item, with hits and the share of runs that reached it. */
export function formatCoverage(m: MergedCoverage, faultKinds?: readonly string[]): string {
  const lines: string[] = [`coverage over ${m.runs} run${m.runs === 1 ? '' : 's'}:`];
  for (const s of coverageSections(m, faultKinds)) {
    if (s.rows.length === 0) continue;
    const reached = s.rows.filter((r) => r.runs > 0).length;
    lines.push(`  ${s.title} (${reached}/${s.rows.length} reached)`);
    const width = Math.max(...s.rows.map((r) => r.item.length));
    for (const r of s.rows) {
      const what = r.runs === 0 ? 'not reached' : `${r.hits} hits in ${r.runs} run${r.runs === 1 ? '' : 's'}`;
      lines.push(`    ${r.runs === 0 ? '·' : '✓'} ${r.item.padEnd(width)}  ${what}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A `sometimes` expectation judged over all runs. */
export interface SometimesResult {
  readonly event: string;
  readonly covered: boolean;
  /** Runs that reached it. */
  readonly runs: number;
  /** The first run (by index) that reached it, or null. */
  readonly firstRun: number | null;
  /** For a gap: how far the nearest run got, in words. */
  readonly nearest: string | null;
}

/**
 * Judges `sometimes` events over runs given as (run index, coverage) in any order. A gap on a ladder rung names the
 * highest rung any run reached (and the first run that reached it); elsewhere, that no run recorded the event.
 */
export function judgeSometimes(
  events: readonly string[],
  runs: readonly { readonly run: number; readonly coverage: Coverage }[],
): SometimesResult[] {
  const ordered = [...runs].sort((a, b) => a.run - b.run);
  return events.map((event) => {
    const hits = ordered.filter((r) => (r.coverage[`event:${event}`] ?? 0) > 0);
    if (hits.length > 0) {
      return { event, covered: true, runs: hits.length, firstRun: hits[0]!.run, nearest: null };
    }
    let best = -1;
    let bestRun: number | null = null;
    for (const r of ordered) {
      for (let i = LADDER.length - 1; i > best; i--) {
        if ((r.coverage[`rung:${LADDER[i]}`] ?? 0) > 0) {
          best = i;
          bestRun = r.run;
          break;
        }
      }
    }
    const target = LADDER.indexOf(event as (typeof LADDER)[number]);
    let nearest: string;
    if (best < 0) nearest = 'no run reached any rung of the recovery ladder';
    else if (target >= 0)
      nearest = `nearest: run ${bestRun} reached ${LADDER[best]} (rung ${best + 1} of ${LADDER.length}; ${event} is rung ${target + 1})`;
    else nearest = `no run recorded it; the highest rung reached was ${LADDER[best]} (run ${bestRun})`;
    return { event, covered: false, runs: 0, firstRun: null, nearest };
  });
}

/**
 * The coverage a plain run's summary shows (no stepping: what sweeps record): the ladder rungs and events from its
 * event counts, and its fault kinds. Node and instance states and rules need a checked run (`runChecked`).
 */
export function coverageOfSummary(s: {
  readonly eventCounts?: Readonly<Record<string, number>>;
  readonly faults?: readonly { readonly kind: string }[];
}): Coverage {
  const out: Record<string, number> = {};
  for (const [kind, n] of Object.entries(s.eventCounts ?? {})) {
    if (n <= 0 || kind.startsWith('msg.')) continue;
    out[`event:${kind}`] = n;
    if (RUNGS.has(kind)) out[`rung:${kind}`] = n;
  }
  for (const f of s.faults ?? []) out[`fault:${f.kind}`] = (out[`fault:${f.kind}`] ?? 0) + 1;
  return sortedCoverage(out);
}
