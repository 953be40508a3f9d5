/**
 * sweep-region: the sweep bench at region scale — `fabricsim sweep scenarios/bench/region-day.yaml --seeds 20` on 1
 * worker thread, then on 2 (`--workers K`, `--seeds N` to change). Reports runs per second of each side and the
 * speed-up (target ≥ 1.8× on a quiet 2-core machine); the two summaries must be byte-identical.
 */
import { run as sweepBench } from './sweep.js';

export function run(args: string[]): Promise<number> {
  return sweepBench(args, 'sweep-region', { seeds: 20, scenario: 'scenarios/bench/region-day.yaml' });
}
