import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario, type Scenario } from '../../sim/index.js';
import type { ResolvedScenario } from '../../sim/spec/scenario.js';
import { applyChanges } from '../../viz/src/runner/apply-changes.js';

const quick = loadScenario(readFileSync('scenarios/quickstart.yaml', 'utf8'), { fileName: 'quickstart.yaml' });
const hashOf = (resolved: ResolvedScenario, seed = 42) =>
  runScenario({ ...quick, resolved } as Scenario, { seed, record: false }).summary.traceHash;

describe('what-if changes (applyChanges)', () => {
  it('re-running the resolved scenario a timeline carries gives the original run', () => {
    const { timeline } = runScenario(quick, { seed: 42 });
    const carried = JSON.parse(JSON.stringify(timeline!.scenario.resolved)) as ResolvedScenario;
    expect(hashOf(applyChanges(carried, []))).toBe(timeline!.traceHash);
  });

  it('a fault appended at a time changes the run, the same way every time, and leaves the original alone', () => {
    const before = JSON.stringify(quick.resolved);
    const change = { type: 'fault', kind: 'node.crash', target: 'c0-r2-n0', atUs: 30 * 60e6 } as const;
    const forked = applyChanges(quick.resolved, [change]);
    expect(forked.faults.length).toBe(quick.resolved.faults.length + 1);
    expect(forked.faults.at(-1)).toMatchObject({
      type: 'scripted',
      id: 'what-if-1',
      atUs: 30 * 60e6,
      kind: 'node.crash',
    });
    const h1 = hashOf(forked);
    expect(h1).not.toBe(hashOf(quick.resolved));
    expect(hashOf(applyChanges(quick.resolved, [change]))).toBe(h1);
    expect(JSON.stringify(quick.resolved)).toBe(before);
    const { summary } = runScenario({ ...quick, resolved: forked } as Scenario, { seed: 42, record: false });
    expect(summary.faults.map((f) => f.id)).toContain('what-if-1');
  });

  it('a rule change replaces one policy value, and refuses unknown rules and wrong types', () => {
    const changed = applyChanges(quick.resolved, [{ type: 'policy', section: 'fc', key: 'missedPolls', value: 2 }]);
    expect(changed.policies.fc.missedPolls).toBe(2);
    expect(quick.resolved.policies.fc.missedPolls).toBe(4);
    expect(hashOf(changed)).not.toBe(hashOf(quick.resolved));
    expect(() => applyChanges(quick.resolved, [{ type: 'policy', section: 'fc', key: 'nope', value: 1 }])).toThrow(
      /unknown rule fc.nope/,
    );
    expect(() =>
      applyChanges(quick.resolved, [{ type: 'policy', section: 'network', key: 'elideRoutine', value: 3 }]),
    ).toThrow(/takes a boolean/);
  });
});
