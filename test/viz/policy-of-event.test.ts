import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../sim/index.js';
import { runResolved } from '../../sim/run.js';
import { alternativePolicies, policyOfEvent } from '../../viz/src/model/rules.js';
import { applyChanges } from '../../viz/src/runner/apply-changes.js';

const BASE = `
version: 1
name: p
duration: 1h
topology: { clusters: [{ id: c0, racks: 2, nodesPerRack: 2 }] }
services: [{ id: s, roles: [{ id: web, kind: web, instances: 2 }] }]
`;

describe('the Why? panel names the policy that decided', () => {
  it('the built-in default when the scenario names none', () => {
    const sc = loadScenario(BASE);
    expect(policyOfEvent('node.silent', sc.resolved)).toBe('policies.fc.detector = fixed (built-in, the default)');
    expect(policyOfEvent('instance.moved', sc.resolved)).toBe('policies.fc.placement = spread (built-in, the default)');
    expect(policyOfEvent('upgrade.ud', sc.resolved)).toBe(
      'policies.fc.upgradeWalk = sequential (built-in, the default)',
    );
    expect(policyOfEvent('instance.crash', sc.resolved)).toBeUndefined();
  });

  it("the scenario's choice, with its parameters, built-in or module", () => {
    const sc = loadScenario(
      `${BASE}policies:\n  fc:\n    detector: { use: phi-accrual, threshold: 8 }\n    placement: ./mine.js\n`,
    );
    expect(policyOfEvent('node.silent', sc.resolved)).toBe(
      'policies.fc.detector = phi-accrual (threshold=8) (built-in)',
    );
    expect(policyOfEvent('healing.failed', sc.resolved)).toBe('policies.fc.placement = ./mine.js (module)');
  });
});

describe('"what if another policy decided?" in the viewer', () => {
  it('offers the other built-ins and re-runs with one of them', () => {
    const sc = loadScenario(
      `${BASE}faults: [{ id: power, at: 10m, kind: rack.power-loss, target: c0-r0, duration: 50m }]\n`,
    );
    expect(alternativePolicies('instance.moved', sc.resolved)).toEqual([{ point: 'placement', use: 'pack' }]);
    const packed = applyChanges(sc.resolved, [{ type: 'choice', point: 'placement', use: 'pack' }]);
    expect(packed.choices).toEqual({ placement: { use: 'pack', params: {} } });
    expect(alternativePolicies('instance.moved', packed)).toEqual([{ point: 'placement', use: 'spread' }]);
    // Under pack both instances start on the first node; under spread one per rack.
    const nodesOf = (r: typeof sc.resolved) =>
      runResolved(r, { record: true }).timeline!.initial.clusters[0]!.nodes.map((n) => n.instances.length);
    expect(nodesOf(packed)).toEqual([2, 0, 0, 0]);
    expect(nodesOf(sc.resolved)).toEqual([1, 0, 1, 0]);
    // Back to the default: no choice left, the scenario as it was.
    expect(applyChanges(packed, [{ type: 'choice', point: 'placement', use: 'spread' }])).toEqual(sc.resolved);
  });
});
