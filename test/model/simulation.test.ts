import { describe, expect, it } from 'vitest';
import { assertExpectations, runScenario } from '../../sim/index.js';
import { scenarioFile, scenarioText } from './helpers.js';

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
});
