/**
 * The first line of a results file: what sweep the file belongs to (made in `sim/cli/sweep/header.ts`, which hashes
 * with Node's crypto). Its `fingerprint` (SHA-256 of the scenario
 * hash, the parameters, the seeds and the fabricsim version) must match for a resume or a merge; the shard must
 * also match for a resume.
 */
import type { ParamValue } from './params.js';
import type { Shard } from './plan.js';

export const RESULTS_FORMAT = 'fabricsim.sweep-results';
export const RESULTS_VERSION = 1;

export interface SweepHeader {
  readonly format: typeof RESULTS_FORMAT;
  readonly version: typeof RESULTS_VERSION;
  readonly fingerprint: string;
  readonly fabricsim: string;
  /** The scenario's name (not part of the fingerprint). */
  readonly scenario: string;
  readonly scenarioHash: string;
  readonly parameters: readonly { readonly path: string; readonly values: readonly ParamValue[] }[];
  readonly seeds: { readonly start: number; readonly count: number };
  readonly runs: number;
  /** null for an unsharded sweep. */
  readonly shard: Shard | null;
}

export type SweepIdentity = Pick<SweepHeader, 'fabricsim' | 'scenarioHash' | 'parameters' | 'seeds'>;

/** How two sweeps differ, in words ("the scenario (hash a1b2… vs c3d4…)"), or null when they are the same sweep. */
export function describeDifference(file: SweepHeader, wanted: SweepHeader): string | null {
  const diffs: string[] = [];
  if (file.scenarioHash !== wanted.scenarioHash) {
    diffs.push(`the scenario (hash ${file.scenarioHash} vs ${wanted.scenarioHash})`);
  }
  if (JSON.stringify(file.parameters) !== JSON.stringify(wanted.parameters)) {
    diffs.push(`the parameters (${paramsText(file)} vs ${paramsText(wanted)})`);
  }
  if (file.seeds.start !== wanted.seeds.start || file.seeds.count !== wanted.seeds.count) {
    diffs.push(`the seeds (${seedsText(file)} vs ${seedsText(wanted)})`);
  }
  if (file.fabricsim !== wanted.fabricsim)
    diffs.push(`the fabricsim version (${file.fabricsim} vs ${wanted.fabricsim})`);
  if (diffs.length === 0 && file.fingerprint !== wanted.fingerprint) diffs.push('the fingerprint');
  return diffs.length === 0 ? null : diffs.join(', ');
}

function paramsText(h: SweepHeader): string {
  return h.parameters.length === 0
    ? 'none'
    : h.parameters.map((p) => `${p.path}=${p.values.map(String).join(',')}`).join(' ');
}

function seedsText(h: SweepHeader): string {
  return `${h.seeds.count} from ${h.seeds.start}`;
}

export function shardText(shard: Shard | null): string {
  return shard === null ? 'the whole sweep' : `shard ${shard.index}/${shard.count}`;
}

/** Checks that a parsed first line is a header of this format; returns an error text or null. */
export function headerProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return 'the first line is not a sweep header';
  const h = value as Partial<SweepHeader>;
  if (h.format !== RESULTS_FORMAT) return 'the first line is not a fabricsim sweep header';
  if (h.version !== RESULTS_VERSION)
    return `results format version ${String(h.version)}, this fabricsim reads ${RESULTS_VERSION}`;
  if (
    typeof h.fingerprint !== 'string' ||
    typeof h.runs !== 'number' ||
    h.seeds === undefined ||
    !Array.isArray(h.parameters)
  ) {
    return 'the sweep header is incomplete';
  }
  return null;
}
