/**
 * The summary of a sweep: per combination and metric, the distribution (n, censored share, mean with a t-interval,
 * nearest-rank percentiles with order-statistic intervals, min, max); expectation pass rates with Wilson
 * intervals; and paired differences between combinations (same seed, same fault / role / run).
 *
 * Determinism: the summary is a function of the sweep header (less its shard) and the set of run records only.
 * Samples are gathered in a fixed order — combination, then fault (or role) id, then seed — before any arithmetic,
 * so it is byte-identical however the runs were scheduled, with 1 or K workers, whole or merged from shards.
 *
 * Over 600 lines on purpose: gathering, the per-metric figures and the paired differences share one fixed order and
 * one set of record accessors; split apart, that order would have to be kept in step across files.
 */

import { type MergedCoverage, mergeCoverage } from '../explore/index.js';
import {
  type DistributionSummary,
  downtimePerYearUs,
  type Interval,
  nines,
  pairedDifference,
  type RateEstimate,
  rateEstimate,
  summarize,
  wilsonInterval,
} from '../metrics/index.js';
import type { SweepHeader } from './header.js';
import { type Combination, combinations as gridOf, type ParamValue, paramsLabel } from './params.js';
import type { FaultMetrics, RunMetrics, RunRecord } from './record.js';

export const SUMMARY_FORMAT = 'fabricsim.sweep-summary';
export const CONFIDENCE = 0.95;
/** Above this many combinations, differences are taken against c0 only (not every pair). */
export const MAX_ALL_PAIRS = 6;

export const METHODS = {
  percentiles: 'nearest rank: the ⌈p·n⌉-th smallest value',
  percentileCi: '95 % two-sided, from order statistics: ranks from the exact binomial distribution (equal tails)',
  mean: 'over the finite values only, always shown with the number of censored values beside it (they count in n and in the censored share, not in the mean); with censored values it is a lower bound of the true mean',
  mttr: 'recoveries over total time on test: the finite recovery times plus, for each fault not recovered, the time from its start to the end of its run (censored there); exact Poisson interval, assuming exponential repair times',
  mttf: 'observed time (sum of the runs’ lengths) over arrivals of that kind anywhere in the run, counting arrivals that found their target already down; exact Poisson interval; with no arrival, the rule of three (rate < 3 / time, one-sided 95 %)',
  availability:
    'nines = −log10(1 − mean availability) and downtime per year = (1 − mean) × 365.25 d, with bounds from the mean’s t-interval; runs with any downtime counted, and with none seen, the rule of three bounds their share below 3 / runs',
  meanCi: '95 % Student t-interval',
  passRateCi: '95 % Wilson score interval',
  censoring:
    'a fault not detected or not recovered within its run counts as +∞ ("inf" in JSON): it sorts after every finite value and is never dropped',
  differences:
    'b − a over pairs with the same seed and the same fault (id, kind, target, time), role or run; mean over pairs where both values are finite, 95 % paired t-interval; pairs with a censored member are counted by kind',
  order: 'samples gathered by (combination, fault or role id, seed) before any arithmetic',
} as const;

export type Unit = 'us' | 'share' | 'count';

export interface MetricDef {
  readonly key: string;
  readonly label: string;
  readonly unit: Unit;
  /** Which tail is the bad one: percentiles are taken towards it (availability: p50, p10, p1 and the minimum). */
  readonly better: 'lower' | 'higher';
  /** What +∞ means for this metric, or null when it cannot be censored. */
  readonly censoredMeans: string | null;
  readonly percentiles: readonly number[];
  /** What the end of the run does to this figure (stated with each figure). */
  readonly censoring: string;
}

export interface MetricCell {
  readonly combo: string;
  readonly n: number;
  readonly censored: number;
  readonly censoredShare: number;
  readonly mean: { readonly n: number; readonly value: number | null; readonly ci: Interval };
  readonly min: number | null;
  readonly max: number | null;
  readonly percentiles: readonly { readonly p: number; readonly value: number; readonly ci: Interval }[];
}

export interface MetricSummary extends MetricDef {
  readonly byCombination: readonly MetricCell[];
}

export interface PassRateCell {
  readonly combo: string;
  readonly passed: number;
  readonly n: number;
  readonly rate: number | null;
  readonly ci: Interval;
}

export interface DifferenceCell {
  readonly key: string;
  readonly label: string;
  readonly unit: Unit;
  readonly better: 'lower' | 'higher';
  /** Samples matched between a and b. */
  readonly pairs: number;
  /** Samples of a or of b without a partner (the fault schedules differ). */
  readonly unmatched: number;
  /** Finite pairs. */
  readonly n: number;
  readonly mean: number | null;
  readonly ci: Interval;
  readonly onlyACensored: number;
  readonly onlyBCensored: number;
  readonly bothCensored: number;
  readonly bLower: number;
  readonly equal: number;
  readonly bHigher: number;
}

/** Availability of one role in one combination, in the units a reliability engineer reads. */
export interface RoleFigureCell {
  readonly combo: string;
  readonly runs: number;
  readonly mean: number | null;
  readonly ci: Interval;
  /** −log10(1 − mean); +∞ with no downtime at all. */
  readonly nines: number | null;
  readonly ninesCi: Interval;
  readonly downtimePerYearUs: number | null;
  readonly downtimePerYearCi: Interval;
  /** Runs with any unavailability. */
  readonly runsWithDowntime: number;
  /** With no run showing downtime: the share of runs with downtime is below this (rule of three, 3 / runs). */
  readonly ruleOfThree: number | null;
  /** Mean over runs of the merged time with no instance Ready (µs, overlapping faults counted once); null if unknown. */
  readonly meanDownUs: number | null;
  /** Instances that ended their run alerted for a problem in the deployed package, summed over runs. */
  readonly packageProblems: number;
  /** Runs that ended with at least one such instance. */
  readonly runsWithPackageProblems: number;
}

/** Counts and rates of one fault kind in one combination. */
export interface FaultFigureCell {
  readonly combo: string;
  readonly runs: number;
  /** Observed time: the sum of the runs' lengths (µs). */
  readonly exposureUs: number;
  /** Every arrival of this kind (opened faults and those that found their target already down). */
  readonly arrivals: number;
  readonly missed: number;
  /** Faults opened (arrivals that changed something). */
  readonly faults: number;
  readonly recovered: number;
  /** Faults not recovered by the end of their run. */
  readonly censored: number;
  /** Mean time between arrivals of this kind anywhere in the run (not per target). */
  readonly mttf: RateEstimate;
  /** Mean time to recover with censoring (total time on test over recoveries). */
  readonly mttr: RateEstimate;
}

export interface SweepSummary {
  readonly format: typeof SUMMARY_FORMAT;
  readonly version: 1;
  readonly fabricsim: string;
  readonly scenario: string;
  readonly scenarioHash: string;
  readonly fingerprint: string;
  readonly seeds: { readonly start: number; readonly count: number };
  readonly parameters: SweepHeader['parameters'];
  readonly runs: number;
  readonly failedRuns: readonly {
    readonly run: number;
    readonly combo: string;
    readonly seed: number;
    readonly error: string;
  }[];
  readonly methods: typeof METHODS;
  readonly combinations: readonly {
    readonly id: string;
    readonly label: string;
    readonly params: Readonly<Record<string, ParamValue>>;
  }[];
  readonly metrics: readonly MetricSummary[];
  readonly roleFigures: readonly {
    readonly role: string;
    readonly censoring: string;
    readonly byCombination: readonly RoleFigureCell[];
  }[];
  readonly faultFigures: readonly {
    readonly kind: string;
    readonly censoring: string;
    readonly byCombination: readonly FaultFigureCell[];
  }[];
  readonly expectations: readonly { readonly name: string; readonly byCombination: readonly PassRateCell[] }[];
  readonly differences: readonly {
    readonly a: string;
    readonly b: string;
    readonly metrics: readonly DifferenceCell[];
  }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Samples

/** One value of one metric in one run, with the keys that order and pair it. */
interface Sample {
  /** Fault or role id ('' for per-run metrics): the middle sort key. */
  readonly item: string;
  readonly seed: number;
  readonly value: number;
  /** The fault a fault metric's sample is of (its pair key names the fault's kind, target and time too). */
  readonly fault?: FaultMetrics;
}

/**
 * Same seed and same item (a fault: same id, kind, target and time) in another combination → a pair. Made when
 * needed (pairing, and ties in the sort), not for each of a region's hundreds of thousands of samples.
 */
function pairKeyOf(s: Sample): string {
  const f = s.fault;
  if (f !== undefined) return `${s.seed}\u0000${f.id}\u0000${f.kind}\u0000${f.target}\u0000${f.atUs}`;
  return s.item === '' ? String(s.seed) : `${s.seed}\u0000${s.item}`;
}

function comparePairKeys(x: Sample, y: Sample): number {
  const a = pairKeyOf(x);
  const b = pairKeyOf(y);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares strings with digit runs as numbers ("f2" < "f10"), then by code units: no locale involved. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const nx = BigInt(x);
      const ny = BigInt(y);
      if (nx !== ny) return nx < ny ? -1 : 1;
      if (x.length !== y.length) return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts by (item, seed, pair key). The distinct items are put in natural order once and compared by rank: the same
 * order as comparing every pair with naturalCompare (a total order), without its regular expressions per comparison
 * (a region's sweep sorts hundreds of thousands of samples over a few thousand ids).
 */
function sortSamples(samples: Sample[]): Sample[] {
  const items = [...new Set(samples.map((s) => s.item))].sort(naturalCompare);
  const rank = new Map<string, number>();
  for (let i = 0; i < items.length; i++) rank.set(items[i]!, i);
  return samples.sort((x, y) => rank.get(x.item)! - rank.get(y.item)! || x.seed - y.seed || comparePairKeys(x, y));
}

type RoleOfRun = RunMetrics['roles'][number];
const NO_ROLES: readonly RoleOfRun[] = [];
const rolesById = new WeakMap<RunRecord, Map<string, RoleOfRun[]>>();

/**
 * A run's entries for one role id, in record order: what scanning `metrics.roles` for that id finds, from an index
 * built once per record (a region has 2,000 roles, each looked up by 3 metrics and the role figures).
 */
function rolesOf(rec: RunRecord, id: string): readonly RoleOfRun[] {
  let byId = rolesById.get(rec);
  if (byId === undefined) {
    byId = new Map();
    for (const r of rec.metrics!.roles) {
      const list = byId.get(r.id);
      if (list === undefined) byId.set(r.id, [r]);
      else list.push(r);
    }
    rolesById.set(rec, byId);
  }
  return byId.get(id) ?? NO_ROLES;
}

const inf = (v: number | null): number => (v === null ? Number.POSITIVE_INFINITY : v);

interface Extractor {
  readonly def: MetricDef;
  readonly take: (rec: RunRecord, out: Sample[]) => void;
}

const TIME_PERCENTILES = [0.5, 0.9, 0.99] as const;
const ROLE_SHARES = [
  ['availability', 'availability'],
  ['servedAvailability', 'served availability'],
  ['readyFraction', 'ready fraction'],
] as const;
const ROLE_CENSORING = 'measured over the run: an outage still open at the end counts only up to the end of the run';
const SHARE_PERCENTILES = [0.5, 0.1, 0.01] as const;

function faultExtractor(kind: 'ttr' | 'ttd', faultKind: string | null): Extractor {
  const base = kind === 'ttr' ? 'recovery time' : 'detection time';
  return {
    def: {
      key: faultKind === null ? kind : `${kind}[${faultKind}]`,
      label: faultKind === null ? `${base} (all faults)` : `${base} (${faultKind})`,
      unit: 'us',
      better: 'lower',
      censoredMeans: kind === 'ttr' ? 'not recovered' : 'not detected',
      percentiles: TIME_PERCENTILES,
      censoring: `a fault ${kind === 'ttr' ? 'not recovered' : 'not detected'} by the end of its run is censored there and counts as +∞`,
    },
    take: (rec, out) => {
      for (const f of rec.metrics!.faults) {
        if (faultKind !== null && f.kind !== faultKind) continue;
        out.push({
          item: f.id,
          seed: rec.seed,
          value: inf(kind === 'ttr' ? f.ttrUs : f.ttdUs),
          fault: f,
        });
      }
    },
  };
}

function extractors(records: readonly RunRecord[]): Extractor[] {
  const kinds = new Set<string>();
  const roles = new Set<string>();
  for (const r of records) {
    for (const f of r.metrics?.faults ?? []) kinds.add(f.kind);
    for (const role of r.metrics?.roles ?? []) roles.add(role.id);
  }
  const sortedKinds = [...kinds].sort(naturalCompare);
  const byKind = sortedKinds.length > 1 ? sortedKinds : [];
  const out: Extractor[] = [];
  for (const kind of ['ttr', 'ttd'] as const) {
    out.push(faultExtractor(kind, null));
    for (const k of byKind) out.push(faultExtractor(kind, k));
  }
  for (const role of [...roles].sort(naturalCompare)) {
    for (const [field, label] of ROLE_SHARES) {
      out.push({
        def: {
          key: `${field}[${role}]`,
          label: `${label} of ${role}`,
          unit: 'share',
          better: 'higher',
          censoredMeans: null,
          percentiles: SHARE_PERCENTILES,
          censoring: ROLE_CENSORING,
        },
        take: (rec, out) => {
          for (const r of rolesOf(rec, role)) {
            out.push({ item: r.id, seed: rec.seed, value: r[field] });
          }
        },
      });
    }
  }
  out.push({
    def: {
      key: 'security.violations',
      label: 'security violations per run',
      unit: 'count',
      better: 'lower',
      censoredMeans: null,
      percentiles: TIME_PERCENTILES,
      censoring: 'counted within the run; nothing after its end',
    },
    take: (rec, out) => {
      out.push({ item: '', seed: rec.seed, value: rec.metrics!.security.violations });
    },
  });
  out.push({
    def: {
      key: 'fc.noQuorumUs',
      label: 'time without FC quorum per run',
      unit: 'us',
      better: 'lower',
      censoredMeans: null,
      percentiles: TIME_PERCENTILES,
      censoring: 'a stretch without quorum still open at the end counts up to the end of the run',
    },
    take: (rec, out) => {
      out.push({ item: '', seed: rec.seed, value: rec.metrics!.fc.noQuorumUs });
    },
  });
  return out;
}

function cellOf(combo: string, s: DistributionSummary): MetricCell {
  return {
    combo,
    n: s.n,
    censored: s.censored,
    censoredShare: s.censoredShare,
    mean: { n: s.mean.n, value: s.mean.mean, ci: s.mean.ci },
    min: s.min,
    max: s.max,
    percentiles: s.percentiles.map((p) => ({ p: p.p, value: p.value, ci: p.ci })),
  };
}

/** The grid of combinations a header describes. */
export function combinationsOf(header: Pick<SweepHeader, 'parameters'>): Combination[] {
  return gridOf(header.parameters.map((p) => ({ path: p.path, segments: [], values: p.values })));
}

/** Per-metric samples of every combination, in the fixed order; exposed for the report. */
export interface Gathered {
  readonly combos: readonly Combination[];
  readonly metrics: readonly { readonly def: MetricDef; readonly byCombo: readonly Sample[][] }[];
  /** Coverage over all runs (issue 13). */
  readonly coverage?: MergedCoverage;
}

export function gather(header: SweepHeader, records: readonly RunRecord[]): Gathered {
  const combos = combinationsOf(header);
  const ok = records.filter((r) => r.error === undefined && r.metrics !== undefined);
  const byCombo: RunRecord[][] = combos.map(() => []);
  for (const r of ok) byCombo[r.combo]?.push(r);
  for (const list of byCombo) list.sort((a, b) => a.run - b.run);
  const metrics = extractors(ok).map((ex) => ({
    def: ex.def,
    byCombo: byCombo.map((recs) => {
      const samples: Sample[] = [];
      for (const r of recs) ex.take(r, samples);
      return sortSamples(samples);
    }),
  }));
  const sorted = [...ok].sort((a, b) => a.run - b.run);
  return { combos, metrics, coverage: mergeCoverage(sorted.map((r) => r.coverage ?? {})) };
}

/** Pairs of combinations compared: every pair (a < b) up to MAX_ALL_PAIRS combinations, else each against c0. */
export function comparedPairs(count: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < count; a++) {
    for (let b = a + 1; b < count; b++) if (count <= MAX_ALL_PAIRS || a === 0) out.push([a, b]);
  }
  return out;
}

/** The summary of a complete sweep from its header and every run's record (in any order). */
export function summarizeSweep(header: SweepHeader, records: readonly RunRecord[]): SweepSummary {
  const { combos, metrics } = gather(header, records);
  const sorted = [...records].sort((a, b) => a.run - b.run);

  const failedRuns = sorted
    .filter((r) => r.error !== undefined)
    .map((r) => ({ run: r.run, combo: `c${r.combo}`, seed: r.seed, error: r.error! }));

  const metricSummaries: MetricSummary[] = metrics.map(({ def, byCombo }) => ({
    ...def,
    byCombination: byCombo.map((samples, c) =>
      cellOf(
        combos[c]!.id,
        summarize(
          samples.map((s) => s.value),
          def.percentiles,
          CONFIDENCE,
        ),
      ),
    ),
  }));

  const byCombo: RunRecord[][] = combos.map(() => []);
  for (const r of sorted) if (r.error === undefined && r.metrics !== undefined) byCombo[r.combo]?.push(r);
  const roleFigures = roleFiguresOf(metricSummaries, combos.length, byCombo);
  const faultFigures = faultFiguresOf(combos, byCombo);

  // Expectations: names in order of first appearance (combination, run, position).
  const names: string[] = [];
  const tallies = new Map<string, { passed: number; n: number }[]>();
  for (const r of sorted) {
    if (r.expectations === undefined) continue;
    for (const e of r.expectations) {
      let row = tallies.get(e.name);
      if (row === undefined) {
        names.push(e.name);
        row = combos.map(() => ({ passed: 0, n: 0 }));
        tallies.set(e.name, row);
      }
      const cell = row[r.combo];
      if (cell === undefined) continue;
      cell.n++;
      if (e.passed) cell.passed++;
    }
  }
  const expectations = names.map((name) => ({
    name,
    byCombination: tallies.get(name)!.map((t, c) => ({
      combo: combos[c]!.id,
      passed: t.passed,
      n: t.n,
      rate: t.n === 0 ? null : t.passed / t.n,
      ci: wilsonInterval(t.passed, t.n, CONFIDENCE),
    })),
  }));

  const differences = comparedPairs(combos.length).map(([a, b]) => ({
    a: combos[a]!.id,
    b: combos[b]!.id,
    metrics: metrics.map(({ def, byCombo }) => differenceOf(def, byCombo[a]!, byCombo[b]!)),
  }));

  return {
    format: SUMMARY_FORMAT,
    version: 1,
    fabricsim: header.fabricsim,
    scenario: header.scenario,
    scenarioHash: header.scenarioHash,
    fingerprint: header.fingerprint,
    seeds: header.seeds,
    parameters: header.parameters,
    runs: header.runs,
    failedRuns,
    methods: METHODS,
    combinations: combos.map((c) => ({ id: c.id, label: paramsLabel(c.params), params: c.params })),
    metrics: metricSummaries,
    roleFigures,
    faultFigures,
    expectations,
    differences,
  };
}

function roleFiguresOf(
  metrics: readonly MetricSummary[],
  comboCount: number,
  byCombo: readonly (readonly RunRecord[])[],
): SweepSummary['roleFigures'] {
  const out: { role: string; censoring: string; byCombination: RoleFigureCell[] }[] = [];
  for (const m of metrics) {
    if (!m.key.startsWith('availability[')) continue;
    const role = m.key.slice('availability['.length, -1);
    const cells: RoleFigureCell[] = [];
    for (let c = 0; c < comboCount; c++) {
      const cell = m.byCombination[c]!;
      const runs = byCombo[c]!;
      let runsWithDowntime = 0;
      let n = 0;
      let downSum = 0;
      let downKnown = 0;
      let packageProblems = 0;
      let runsWithPackageProblems = 0;
      for (const r of runs) {
        for (const x of rolesOf(r, role)) {
          n++;
          if (x.availability < 1) runsWithDowntime++;
          if (x.downUs !== undefined) {
            downSum += x.downUs;
            downKnown++;
          }
          const pp = x.packageProblems ?? 0;
          packageProblems += pp;
          if (pp > 0) runsWithPackageProblems++;
        }
      }
      const mean = cell.mean.value;
      // Higher availability → more nines, less downtime: the interval's bounds swap.
      const lo = cell.mean.ci.lo;
      const hi = cell.mean.ci.hi;
      cells.push({
        combo: cell.combo,
        runs: n,
        mean,
        ci: cell.mean.ci,
        nines: mean === null ? null : nines(mean),
        ninesCi: { lo: lo === null ? null : nines(Math.max(0, lo)), hi: hi === null ? null : nines(Math.min(1, hi)) },
        downtimePerYearUs: mean === null ? null : downtimePerYearUs(mean),
        downtimePerYearCi: {
          lo: hi === null ? null : downtimePerYearUs(Math.min(1, hi)),
          hi: lo === null ? null : downtimePerYearUs(Math.max(0, lo)),
        },
        runsWithDowntime,
        ruleOfThree: runsWithDowntime === 0 && n > 0 ? Math.min(1, 3 / n) : null,
        meanDownUs: downKnown === 0 ? null : downSum / downKnown,
        packageProblems,
        runsWithPackageProblems,
      });
    }
    out.push({ role, censoring: ROLE_CENSORING, byCombination: cells });
  }
  return out;
}

function faultFiguresOf(
  combos: readonly Combination[],
  byCombo: readonly (readonly RunRecord[])[],
): SweepSummary['faultFigures'] {
  const kinds = new Set<string>();
  for (const runs of byCombo) {
    for (const r of runs) {
      for (const f of r.metrics!.faults) kinds.add(f.kind);
      for (const a of r.metrics!.faultArrivals ?? []) kinds.add(a.kind);
    }
  }
  return [...kinds].sort(naturalCompare).map((kind) => ({
    kind,
    censoring:
      'runs end at their duration: a fault not recovered by then adds the time to the end of its run to the time on test but no recovery; arrivals after the end are not seen',
    byCombination: combos.map((combo, c) => {
      let exposureUs = 0;
      let arrivals = 0;
      let missed = 0;
      let faults = 0;
      let recovered = 0;
      let timeOnTestUs = 0;
      const runs = byCombo[c]!;
      for (const r of runs) {
        const m = r.metrics!;
        const end = m.durationUs ?? 0;
        exposureUs += end;
        let opened = 0;
        for (const f of m.faults) {
          if (f.kind !== kind) continue;
          opened++;
          if (f.ttrUs !== null) {
            recovered++;
            timeOnTestUs += f.ttrUs;
          } else {
            timeOnTestUs += Math.max(0, end - f.atUs);
          }
        }
        faults += opened;
        if (m.faultArrivals === undefined) arrivals += opened;
        else {
          for (const a of m.faultArrivals) {
            if (a.kind !== kind) continue;
            arrivals += a.arrivals;
            missed += a.missed;
          }
        }
      }
      return {
        combo: combo.id,
        runs: runs.length,
        exposureUs,
        arrivals,
        missed,
        faults,
        recovered,
        censored: faults - recovered,
        mttf: rateEstimate(arrivals, exposureUs, CONFIDENCE),
        mttr: rateEstimate(recovered, timeOnTestUs, CONFIDENCE),
      };
    }),
  }));
}

function differenceOf(def: MetricDef, as: readonly Sample[], bs: readonly Sample[]): DifferenceCell {
  const bByKey = new Map<string, number>();
  for (const s of bs) bByKey.set(pairKeyOf(s), s.value);
  const av: number[] = [];
  const bv: number[] = [];
  for (const s of as) {
    const other = bByKey.get(pairKeyOf(s));
    if (other === undefined) continue;
    av.push(s.value);
    bv.push(other);
  }
  const d = pairedDifference(av, bv, CONFIDENCE);
  return {
    key: def.key,
    label: def.label,
    unit: def.unit,
    better: def.better,
    pairs: d.pairs,
    unmatched: as.length + bs.length - 2 * d.pairs,
    n: d.n,
    mean: d.mean.mean,
    ci: d.mean.ci,
    onlyACensored: d.onlyACensored,
    onlyBCensored: d.onlyBCensored,
    bothCensored: d.bothCensored,
    bLower: d.bLower,
    equal: d.equal,
    bHigher: d.bHigher,
  };
}

/** JSON text of a summary (or any value holding ±∞): +∞ is written "inf", −∞ "-inf". */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (v === Number.POSITIVE_INFINITY ? 'inf' : v === Number.NEGATIVE_INFINITY ? '-inf' : v),
    indent,
  );
}
