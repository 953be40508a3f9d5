/**
 * Checked runs: the same summary as a plain run, invariants silent on every bundled scenario, the oracle invariant
 * firing when violations happen that the scenario does not expect, and coverage keys for the ladder and states.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withPlugins } from '../../sim/cli/plugins.js';
import { failuresOf, runChecked } from '../../sim/explore/index.js';
import { loadScenario, runScenario } from '../../sim/index.js';
import { scenarioFile } from '../model/helpers.js';

describe('checked runs', () => {
  it('give the same summary (trace hash, expectations) as runScenario', () => {
    const sc = scenarioFile('node-crash-healing.yaml');
    const checked = runChecked(sc.resolved, { seed: 4 });
    expect(checked.summary).toEqual(runScenario(sc, { seed: 4, record: false }).summary);
    expect(checked.violations).toEqual([]);
    expect(checked.coverage['rung:node.reboot']).toBeGreaterThan(0);
    expect(checked.coverage['fault:node.crash']).toBe(2);
    expect(checked.coverage['node:Recovering']).toBeGreaterThan(0);
    expect(checked.coverage['instance:Ready']).toBeGreaterThan(0);
    expect(Object.keys(checked.coverage)).toEqual(Object.keys(checked.coverage).sort());
  });

  it('find no invariant broken in any bundled scenario', async () => {
    const names = readdirSync('scenarios').filter((f) => f.endsWith('.yaml') && f !== 'sweep-bench.yaml');
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      // Policy modules beside the scenario (scenarios/plugins/) are loaded as the command line loads them.
      const sc = await withPlugins(scenarioFile(name));
      const r = runChecked(sc.resolved, {
        seed: sc.seed,
        ...(sc.plugins === undefined ? {} : { plugins: sc.plugins }),
      });
      expect(r.violations, name).toEqual([]);
    }
  });

  it('report oracle violations that the scenario does not expect as a broken invariant', () => {
    const text = readFileSync('scenarios/security-misconfig-management.yaml', 'utf8');
    const expected = loadScenario(text, { fileName: 'm.yaml' });
    const r1 = runChecked(expected.resolved, { seed: expected.seed });
    expect(r1.summary.security.violations).toBe(15);
    expect(r1.violations).toEqual([]);
    const unexpected = loadScenario(text.replace(/\n {2}- violations: \{[^}]*\}/, ''), { fileName: 'm.yaml' });
    const r2 = runChecked(unexpected.resolved, { seed: unexpected.seed });
    expect(r2.violations.map((v) => v.invariant)).toEqual(['unexpected-violation']);
    const keys = failuresOf(unexpected.resolved.expect, r2.summary, r2.violations).map((f) => f.key);
    expect(keys).toContain('invariant unexpected-violation | broken | unexpected-violation');
  });

  it('count a sometimes expectation as reached or not in one run, never as an explore failure', () => {
    const sc = loadScenario(
      readFileSync('scenarios/node-hardware.yaml', 'utf8').replace(
        /\nexpect:\n/,
        '\nexpect:\n  - sometimes: { event: node.human-investigate }\n  - sometimes: { event: node.out-for-repair }\n',
      ),
      { fileName: 'h.yaml' },
    );
    const r = runChecked(sc.resolved, { seed: sc.seed });
    const [gap, hit] = r.summary.expectations;
    expect(gap).toMatchObject({ name: 'sometimes node.human-investigate', passed: false, measured: 'not reached' });
    expect(hit).toMatchObject({ name: 'sometimes node.out-for-repair', passed: true });
    expect(failuresOf(sc.resolved.expect, r.summary, r.violations).map((f) => f.what)).not.toContain(
      'sometimes node.human-investigate',
    );
  });
});
