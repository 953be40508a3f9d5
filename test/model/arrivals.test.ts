/**
 * Fault arrivals: every arrival is recorded (also one that finds its target already down), and a fault's id names
 * the arrival (process and index), so the same arrival has the same id, target and time under every parameter value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertExpectations, runScenario } from '../../sim/index.js';
import { createSimulation, summarize } from '../../sim/run.js';
import { idSpaces } from '../../sim/scenario/index.js';
import { ROOT, scenarioFile, scenarioText } from './helpers.js';

const text = readFileSync(join(ROOT, 'scenarios', 'fault-arrivals.yaml'), 'utf8');
const withStart = (start: string) =>
  scenarioText(
    text.replace('role: { crashLoopCrashes: 1000 }', `role: { crashLoopCrashes: 1000, startTime: ${start} }`),
  );

describe('fault arrivals', () => {
  it('records arrivals that hit a target already down, per process and as events', () => {
    const { summary } = runScenario(scenarioFile('fault-arrivals.yaml'), { record: false });
    assertExpectations(summary);
    const [a] = summary.faultArrivals;
    expect(a).toMatchObject({ id: 'f1', kind: 'role.crash' });
    expect(a!.missed).toBeGreaterThan(0);
    expect(summary.eventCounts['fault.missed']).toBe(a!.missed);
    // Every arrival is either a fault opened or a missed one: the arrival rate is recoverable.
    expect(summary.faults.length + a!.missed).toBe(a!.arrivals);
    const ks = summary.faults.map((f) => Number(/^f1#(\d+)$/.exec(f.id)![1]));
    expect(new Set(ks).size).toBe(ks.length);
    expect(Math.max(...ks)).toBeLessThanOrEqual(a!.arrivals);
    expect(Math.max(...ks)).toBeGreaterThan(summary.faults.length); // some arrivals in between were missed
  });

  it('gives the same arrival the same id, target and time under different parameter values', () => {
    const fast = runScenario(withStart('30s'), { record: false }).summary;
    const slow = runScenario(withStart('4m'), { record: false }).summary;
    // The two values accept different sets of arrivals…
    expect(fast.faultArrivals[0]!.missed).not.toBe(slow.faultArrivals[0]!.missed);
    expect(fast.faultArrivals[0]!.arrivals).toBe(slow.faultArrivals[0]!.arrivals);
    // …yet a fault id present in both is the same arrival in both.
    const bySlow = new Map(slow.faults.map((f) => [f.id, f]));
    let shared = 0;
    for (const f of fast.faults) {
      const g = bySlow.get(f.id);
      if (g === undefined) continue;
      shared++;
      expect([g.target, g.atUs, g.kind]).toEqual([f.target, f.atUs, f.kind]);
    }
    expect(shared).toBeGreaterThan(10);
  });

  it('names scripted faults without an id by their place in the list, not by how many were accepted', () => {
    const sc = (first: string) =>
      scenarioText(`
version: 1
duration: 1h
topology: { clusters: [{ id: c0, racks: 1, nodesPerRack: 2 }] }
services: [{ id: shop, roles: [{ id: web, kind: web, instances: 2 }] }]
faults:
  - { kind: role.crash, at: 1m, target: ${first} }
  - { kind: role.crash, at: 1m1s, target: shop.web.0 }
  - { kind: role.crash, at: 30m, target: shop.web.1 }
`);
    // In the first run, fault 2 finds shop.web.0 down (already crashed by fault 1); in the second it does not.
    const a = runScenario(sc('shop.web.0'), { record: false }).summary;
    const b = runScenario(sc('shop.web.1'), { record: false }).summary;
    expect(a.faults.map((f) => f.id)).toEqual(['f1', 'f3']);
    expect(a.faultArrivals.map((x) => x.missed)).toEqual([0, 1, 0]);
    expect(b.faults.map((f) => f.id)).toEqual(['f1', 'f2', 'f3']);
    expect(a.faults.find((f) => f.id === 'f3')!.target).toBe(b.faults.find((f) => f.id === 'f3')!.target);
  });
});

describe('instance indexes handed to random fault processes', () => {
  it('name, in id-space order, the instance each id denotes (services spread over clusters)', () => {
    const sc = scenarioText(`version: 1
name: index-order
seed: 7
duration: 1h
topology:
  clusters:
    - { id: c, count: 3, racks: 2, nodesPerRack: 4 }
services:
  - id: svc
    count: 7
    cluster: "*"
    roles:
      - { id: web, kind: web, instances: 3 }
      - { id: worker, kind: worker, instances: 2 }
faults:
  - { kind: vm.crash, every: exponential(10m), targets: "svc-*.web.1" }
`);
    const sim = createSimulation(sc.resolved, { seed: sc.seed, record: false });
    const ids = idSpaces(sc.resolved.clusters, sc.resolved.services, sc.resolved.policies).instance;
    const byName = ids.map((id) => sim.ix.instById.get(id)!);
    expect(Array.from(sim.instanceIndexes())).toEqual(byName);
    // Service-major id order is not the build's cluster-major order here, so the test can tell them apart.
    expect(byName).not.toEqual([...byName].sort((a, b) => a - b));
    // A filtered process hits exactly the instances its glob names.
    sim.sched.run({ until: sc.resolved.durationUs });
    const summary = summarize(sim, sc.resolved, sc.seed, sc.resolved.durationUs);
    expect(summary.faults.length).toBeGreaterThan(0);
    for (const f of summary.faults) expect(f.target).toMatch(/^svc-\d+\.web\.1$/);
  });
});
