/**
 * Makes the header of a results file: the sweep's identity and its fingerprint, a SHA-256 (Node's crypto, so this half
 * stays in the command line). The header's shape and comparisons are in `sim/sweep/header.ts`.
 */
import { createHash } from 'node:crypto';
import {
  RESULTS_FORMAT,
  RESULTS_VERSION,
  type Shard,
  type SweepHeader,
  type SweepIdentity,
} from '../../sweep/index.js';

export {
  describeDifference,
  headerProblem,
  RESULTS_FORMAT,
  RESULTS_VERSION,
  type SweepHeader,
  type SweepIdentity,
  shardText,
} from '../../sweep/index.js';

export function fingerprintOf(id: SweepIdentity): string {
  const canonical = JSON.stringify([id.fabricsim, id.scenarioHash, id.parameters, id.seeds.start, id.seeds.count]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export function makeHeader(id: SweepIdentity & { scenario: string; runs: number; shard: Shard | null }): SweepHeader {
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    fingerprint: fingerprintOf(id),
    fabricsim: id.fabricsim,
    scenario: id.scenario,
    scenarioHash: id.scenarioHash,
    parameters: id.parameters,
    seeds: id.seeds,
    runs: id.runs,
    shard: id.shard,
  };
}
