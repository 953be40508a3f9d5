/**
 * One line of a results file per run: its place in the sweep (run index, combination, seed, parameter values),
 * the trace hash, the metrics of its RunSummary that sweeps aggregate, and its expectation results. A run that
 * threw records its error instead of metrics.
 */
import { type Coverage, coverageOfSummary } from '../explore/index.js';
import type { RunSummary } from '../metrics/index.js';
import type { ParamValue } from './params.js';

export interface FaultMetrics {
  readonly id: string;
  readonly kind: string;
  readonly target: string;
  readonly atUs: number;
  /** null: not detected within the run (censored, +∞ in the summary). */
  readonly ttdUs: number | null;
  /** null: not recovered within the run (censored, +∞ in the summary). */
  readonly ttrUs: number | null;
  readonly detectedBy: string | null;
}

export interface RoleMetrics {
  readonly id: string;
  readonly availability: number;
  readonly servedAvailability: number;
  readonly readyFraction: number;
  /** Merged time with no instance Ready (µs); absent in files written before it was recorded. */
  readonly downUs?: number;
  /** Instances that ended the run alerted for a package problem; absent in older files. */
  readonly packageProblems?: number;
}

export interface RunMetrics {
  /** The run's simulated length (µs): the observation time behind rates, and where censoring happens. */
  readonly durationUs?: number;
  readonly faults: readonly FaultMetrics[];
  /** Per fault process: every arrival, and those that found their target already down (absent in old files). */
  readonly faultArrivals?: readonly {
    readonly id: string;
    readonly kind: string;
    readonly arrivals: number;
    readonly missed: number;
  }[];
  readonly roles: readonly RoleMetrics[];
  readonly security: {
    readonly attempts: number;
    readonly allowed: number;
    readonly denied: number;
    readonly violations: number;
    readonly exposureUs: number;
  };
  readonly fc: { readonly noQuorumUs: number; readonly leaderChanges: number };
  readonly sql: { readonly failovers: number; readonly unavailableUs: number; readonly blindUs?: number };
}

export interface RunRecord {
  readonly run: number;
  readonly combo: number;
  readonly seed: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly traceHash?: string;
  readonly events?: number;
  readonly metrics?: RunMetrics;
  readonly expectations?: readonly { readonly name: string; readonly passed: boolean; readonly measured: string }[];
  /** What the run reached (ladder rungs, events, fault kinds): for the report's coverage section (issue 13). */
  readonly coverage?: Coverage;
  /** Set instead of the above when the run threw. */
  readonly error?: string;
}

/** The record of a finished run (keys in a fixed order, so that the same run writes the same line). */
export function recordOf(
  task: { run: number; combo: number; seed: number },
  params: Readonly<Record<string, ParamValue>>,
  s: RunSummary,
): RunRecord {
  return {
    run: task.run,
    combo: task.combo,
    seed: task.seed,
    params,
    traceHash: s.traceHash,
    events: s.events,
    metrics: {
      durationUs: s.durationUs,
      faults: s.faults.map((f) => ({
        id: f.id,
        kind: f.kind,
        target: f.target,
        atUs: f.atUs,
        ttdUs: f.ttdUs,
        ttrUs: f.ttrUs,
        detectedBy: f.detectedBy,
      })),
      faultArrivals: s.faultArrivals.map((a) => ({ id: a.id, kind: a.kind, arrivals: a.arrivals, missed: a.missed })),
      roles: s.roles.map((r) => ({
        id: r.id,
        availability: r.availability,
        servedAvailability: r.servedAvailability,
        readyFraction: r.readyFraction,
        downUs: r.downUs,
        packageProblems: r.packageProblems,
      })),
      security: {
        attempts: s.security.attempts,
        allowed: s.security.allowed,
        denied: s.security.denied,
        violations: s.security.violations,
        exposureUs: s.security.exposureUs,
      },
      fc: { noQuorumUs: s.fc.noQuorumUs, leaderChanges: s.fc.leaderChanges },
      sql: { failovers: s.sql.failovers, unavailableUs: s.sql.unavailableUs, blindUs: s.sql.blindUs },
    },
    expectations: s.expectations.map((e) => ({ name: e.name, passed: e.passed, measured: e.measured })),
    coverage: coverageOfSummary(s),
  };
}

export function errorRecordOf(
  task: { run: number; combo: number; seed: number },
  params: Readonly<Record<string, ParamValue>>,
  message: string,
): RunRecord {
  return { run: task.run, combo: task.combo, seed: task.seed, params, error: message };
}
