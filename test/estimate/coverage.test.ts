/**
 * The proof that the intervals mean what they say: 100 independent splitting estimates of a probability with a
 * closed form (1.73e-7), each from its own seed; the 95 % interval must cover the analytic value at least 93 times.
 * The count is printed. Each estimate is 12 replications of 100 trials a stage (about 7,500 runs of a few events).
 *
 * Why this size: a replication with few trials a stage often ends with one or no hit in the last stages, so the
 * replications are heavy-tailed and a 12-sample t interval then misses low too often (40 trials a stage covered
 * 26 of 30). A valid 95 % interval at 1e-7 needs on the order of 10^4 runs an estimate; this is the heaviest test
 * of the suite (several minutes of CPU), so it runs only with FABRICSIM_COVERAGE=1:
 *
 *   FABRICSIM_COVERAGE=1 npx vitest run test/estimate/coverage.test.ts
 *
 * Status: measured 86 of 100 at this size (fixed effort, 12 replications, t interval with Johnson's
 * correction): below the 93 the issue asks for. See docs/estimate.md, "Intervals are approximate".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kOfNHitProbability, prepareEstimate, reportOf, runReplication } from '../../sim/estimate/index.js';
import { loadScenario } from '../../sim/index.js';

const FIXTURE = join('test', 'estimate', 'fixtures', 'sql-8-of-20.yaml');
const HOUR = 3600e6;
const ESTIMATES = 100;
const REPLICATIONS = 12;
const EFFORT = 100;

describe.runIf(process.env.FABRICSIM_COVERAGE === '1')('splitting intervals', () => {
  it('cover the analytic P(8 of 20 replicas down within 1 h) in at least 93 of 100 estimates', () => {
    const sc = loadScenario(readFileSync(FIXTURE, 'utf8'), { fileName: FIXTURE }).resolved;
    const truth = kOfNHitProbability(20, 8, 1 / (20 * HOUR), 1 / HOUR, HOUR);
    expect(truth).toBeGreaterThan(1e-8);
    expect(truth).toBeLessThan(1e-6);
    let covered = 0;
    let sum = 0;
    for (let i = 0; i < ESTIMATES; i++) {
      const { setup, key } = prepareEstimate(sc, { event: 'replicasDown(db0) >= 8', effort: EFFORT, seed: 1000 + i });
      const reps = Array.from({ length: REPLICATIONS }, (_, r) => runReplication(setup, r));
      const report = reportOf(key, reps);
      sum += report.estimate;
      if (report.interval.low <= truth && truth <= report.interval.high) covered++;
    }
    const mean = sum / ESTIMATES;
    console.log(
      `coverage: ${covered}/${ESTIMATES} intervals cover the analytic ${truth.toExponential(3)} (mean of the estimates ${mean.toExponential(3)})`,
    );
    expect(covered).toBeGreaterThanOrEqual(93);
    // Unbiased: the mean of 100 estimates is within 15 % of the truth.
    expect(Math.abs(mean / truth - 1)).toBeLessThan(0.15);
  }, 1_800_000);
});
