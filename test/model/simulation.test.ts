import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../sim/index.js';
import { assertExpectations, runScenario } from '../../sim/index.js';
import { runResolved } from '../../sim/run.js';
import { scenarioFile, scenarioText } from './helpers.js';

const runResolvedForTest = (sc: Scenario) => runResolved(sc.resolved, { record: false });

const base = (faults: string, extra = '') => `
version: 1
seed: 7
duration: 2h
topology:
  clusters:
    - id: c0
      racks: 4
      nodesPerRack: 3
services:
  - id: shop
    roles:
      - { id: web, kind: web, instances: 4 }
      - { id: worker, kind: worker, instances: 3 }
${extra}
faults:
${faults}
`;

describe('runScenario', () => {
  it('runs the quickstart scenario and meets its expectations', () => {
    const { summary } = runScenario(scenarioFile('quickstart.yaml'));
    expect(() => assertExpectations(summary)).not.toThrow();
    expect(summary.faults).toHaveLength(2);
  });

  it('gives the same trace hash on every run of the same scenario and seed', () => {
    const sc = scenarioFile('quickstart.yaml');
    const a = runScenario(sc, { seed: 3 }).summary;
    const b = runScenario(sc, { seed: 3 }).summary;
    expect(a.traceHash).toBe(b.traceHash);
    expect(a).toEqual(b);
  });

  it('gives another trace hash for another seed', () => {
    const sc = scenarioFile('quickstart.yaml');
    expect(runScenario(sc, { seed: 3 }).summary.traceHash).not.toBe(runScenario(sc, { seed: 4 }).summary.traceHash);
  });

  it('gives the same hash and metrics with recording on and off', () => {
    const sc = scenarioFile('quickstart.yaml');
    const on = runScenario(sc, { record: true });
    const off = runScenario(sc, { record: false });
    expect(off.timeline).toBeNull();
    expect(on.timeline?.events.length).toBe(on.summary.events);
    expect(off.summary).toEqual(on.summary);
  });

  it('restarts a crashed role through its guest agent, detected at once', () => {
    const sc = scenarioText(base('  - { id: c, at: 10m, kind: role.crash, target: shop.worker.1 }'));
    const f = runScenario(sc).summary.faults[0]!;
    expect(f.detectedBy).toBe('guest-agent');
    expect(f.ttdUs).toBe(0);
    // 1 s back-off, then the role's 2 min start.
    expect(f.ttrUs).toBe(1_000_000 + 120_000_000);
  });

  it('reports a fault never recovered within the run as not recovered, not as zero', () => {
    const sc = scenarioText(base('  - { id: h, at: 10m, kind: role.hang, target: shop.worker.0 }'));
    const f = runScenario(sc).summary.faults[0]!;
    expect(f.recoveredAtUs).toBeNull();
    expect(f.ttrUs).toBeNull();
  });

  it('does not let the FC detect a hung role; only the load balancer takes a hung web instance out', () => {
    const sc = scenarioText(
      base(`  - { id: hw, at: 10m, kind: role.hang, target: shop.web.0 }
  - { id: hk, at: 10m, kind: role.hang, target: shop.worker.0 }`),
    );
    const { summary } = runScenario(sc);
    const web = summary.faults.find((f) => f.id === 'hw')!;
    const worker = summary.faults.find((f) => f.id === 'hk')!;
    expect(web.detectedBy).toBe('load-balancer');
    expect(worker.detectedAtUs).toBeNull();
  });

  it('takes down exactly the nodes of a rack that loses power, and heals their instances to other racks', () => {
    const sc = scenarioText(base('  - { id: p, at: 10m, kind: rack.power-loss, target: c0-r2 }'));
    const { sim, summary } = runResolvedForTest(sc);
    const c = sim.world.clusters[0]!;
    for (const n of c.nodes) expect(n.powered, n.id).toBe(!n.id.startsWith('c0-r2-'));
    for (const i of c.instances) expect(c.nodes[i.node]!.rack, i.id).not.toBe(2);
    expect(summary.faults[0]!.ttrUs).not.toBeNull();
  });

  it('spreads 14 instances over 5 update domains as 3, 3, 3, 3, 2 and over every fault domain', () => {
    const sc = scenarioText(`
version: 1
duration: 1m
topology: { clusters: [{ id: c0, racks: 4, nodesPerRack: 4 }] }
services: [{ id: s, updateDomains: 5, roles: [{ id: w, kind: worker, instances: 14 }] }]
`);
    const { sim } = runResolvedForTest(sc);
    const c = sim.world.clusters[0]!;
    const uds = [0, 0, 0, 0, 0];
    const fds = [0, 0, 0, 0];
    for (const i of c.instances) {
      uds[i.ud]!++;
      fds[c.nodes[i.node]!.rack]!++;
    }
    expect(uds).toEqual([3, 3, 3, 3, 2]);
    expect(fds).toEqual([4, 4, 3, 3]);
  });
});
