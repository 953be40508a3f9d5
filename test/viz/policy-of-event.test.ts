import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../sim/index.js';
import { policyOfEvent } from '../../viz/src/model/rules.js';

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
