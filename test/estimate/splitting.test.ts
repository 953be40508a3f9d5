import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kOfNHitProbability, prepareEstimate, reportOf, runReplication } from '../../sim/estimate/index.js';
import { createSimulation, loadScenario } from '../../sim/index.js';

const FIXTURE = join('test', 'estimate', 'fixtures', 'sql-2-of-3.yaml');
const scenario = loadScenario(readFileSync(FIXTURE, 'utf8'), { fileName: FIXTURE });
const HOUR = 3600e6;
const DAY = 24 * HOUR;
const TWO_OF_THREE = kOfNHitProbability(3, 2, 1 / (5 * DAY), 1 / HOUR, DAY);

describe('importance splitting', () => {
  it('derives the importance and levels from the event', () => {
    const { key } = prepareEstimate(scenario.resolved, { event: 'replicasDown(db0) >= 3' });
    expect(key.thresholds).toEqual([-2, -1]);
    expect(key.importance).toBe('(replicasDown(db0)) - (3)');
    expect(prepareEstimate(scenario.resolved, { event: 'replicasDown(db0) > 1' }).key.thresholds).toEqual([0]);
    expect(prepareEstimate(scenario.resolved, { event: '3 <= replicasDown(db0)' }).key.thresholds).toEqual([-2, -1]);
    expect(() => prepareEstimate(scenario.resolved, { event: 'replicasDown(db0) >= 3 or violations > 0' })).toThrow(
      /cannot derive levels/,
    );
  });

  it('is deterministic: a replication depends only on the seed and its index', () => {
    const { setup } = prepareEstimate(scenario.resolved, { event: 'replicasDown(db0) >= 2', effort: 100 });
    const a = runReplication(setup, 3);
    runReplication(setup, 4);
    expect(runReplication(setup, 3)).toEqual(a);
    const other = prepareEstimate(scenario.resolved, { event: 'replicasDown(db0) >= 2', effort: 100, seed: 9 });
    expect(runReplication(other.setup, 3)).not.toEqual(a);
  });

  it('re-executing a branch’s history reaches the same state as the run that found it', () => {
    // A stage-0 trial stops at the first replica down; replaying up to that event count must show it down.
    const { setup } = prepareEstimate(scenario.resolved, { event: 'replicasDown(db0) >= 2', effort: 50 });
    const r = runReplication(setup, 0);
    expect(r.hits[0]).toBeGreaterThan(0);
    const sim = createSimulation(scenario.resolved, { record: false, salt: 'estimate/r0/s0/t0' });
    let downAt = -1;
    while (sim.sched.nextTime() <= scenario.resolved.durationUs) {
      sim.sched.step();
      if (sim.world.sql.databases[0]!.replicas.some((x) => !x.up)) {
        downAt = sim.sched.eventsRun;
        break;
      }
    }
    if (downAt > 0) {
      const again = createSimulation(scenario.resolved, { record: false, salt: 'estimate/r0/s0/t0' });
      again.sched.run({ maxEvents: downAt });
      expect(again.world.sql.databases[0]!.replicas.map((x) => x.up)).toEqual(
        sim.world.sql.databases[0]!.replicas.map((x) => x.up),
      );
      expect(again.rec.traceHash).toBe(sim.rec.traceHash);
    }
  });

  it('splitting and crude Monte Carlo both agree with the analytic 2-of-3 probability', () => {
    const s = prepareEstimate(scenario.resolved, { event: 'replicasDown(db0) >= 2', effort: 400 });
    const split = reportOf(
      s.key,
      [0, 1, 2, 3, 4, 5].map((r) => runReplication(s.setup, r)),
    );
    expect(split.interval.low).toBeLessThanOrEqual(TWO_OF_THREE);
    expect(split.interval.high).toBeGreaterThanOrEqual(TWO_OF_THREE);
    const c = prepareEstimate(scenario.resolved, { event: 'replicasDown(db0) >= 2', method: 'crude', effort: 3000 });
    const crude = reportOf(c.key, [runReplication(c.setup, 0)]);
    expect(crude.interval.low).toBeLessThanOrEqual(TWO_OF_THREE);
    expect(crude.interval.high).toBeGreaterThanOrEqual(TWO_OF_THREE);
    // What a probability per day implies: MTTF ≈ 1/rate, an occurrence lasts about the time to the first of two
    // repairs (30 min), so the downtime a year is about 365 × p × 30 min.
    expect(split.mttfUs).toBeGreaterThan(50 * DAY);
    expect(split.meanDurationUs!).toBeGreaterThan(0.3 * HOUR);
    expect(split.meanDurationUs!).toBeLessThan(0.8 * HOUR);
    expect(split.nines).toBeGreaterThan(3);
  });

  it('crude Monte Carlo with no hit reports the rule-of-three bound', () => {
    const c = prepareEstimate(scenario.resolved, { event: 'replicasDown(db0) >= 3', method: 'crude', effort: 300 });
    const rep = reportOf(c.key, [runReplication(c.setup, 0)]);
    expect(rep.estimate).toBe(0);
    expect(rep.ruleOfThree).toBe(0.01);
    expect(rep.relativeError).toBe(Number.POSITIVE_INFINITY);
  });

  it('warns when the event can happen below a level (levels not nested)', () => {
    const s = prepareEstimate(scenario.resolved, {
      event: 'replicasDown(db0) >= 1',
      importance: 'replicasDown(db0)',
      levels: [2],
      effort: 200,
    });
    const rep = reportOf(s.key, [runReplication(s.setup, 0)]);
    expect(rep.belowLevel).toBeGreaterThan(0);
  });
});
