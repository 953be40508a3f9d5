import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../sim/index.js';
import { runResolved } from '../../sim/run.js';
import type { ResolvedScenario } from '../../sim/spec/scenario.js';
import type { TimelineEvent } from '../../sim/trace/format.js';
import { ruleChangeSet, securityRuleFork } from '../../viz/src/model/security-fork.js';
import { applyChanges } from '../../viz/src/runner/apply-changes.js';

const file = 'security-compute-connectivity.yaml';
const sc = loadScenario(readFileSync(`scenarios/${file}`, 'utf8'), { fileName: file });
const run = (resolved: ResolvedScenario) => runResolved(resolved, { seed: sc.seed });

/** The connection attempts of a run from `from` (a prefix) to `to` on `port`, after `t`. */
function attempts(events: readonly TimelineEvent[], to: string, port: number, t: number) {
  return events.filter(
    (e) => e.k === 'traffic.connect' && e.t > t && e.x.includes(` → ${to} `) && e.x.includes(`tcp/${port}:`),
  );
}

describe('what-if security rule changes (applyChanges, type rule)', () => {
  const base = run(sc.resolved);
  const events = base.timeline!.events;
  const scan = events.find(
    (e) => e.k === 'traffic.connect' && e.r === 'lb:no-endpoint' && e.x.includes('shop.worker '),
  )!;

  it('a denied attempt can be allowed: the scans of the worker get through and the oracle finds violations', () => {
    expect(base.summary.security!.violations).toBe(0);
    const change = securityRuleFork(scan, scan.t)!;
    expect(change).toMatchObject({
      type: 'rule',
      rule: 'lb:no-endpoint',
      action: 'allow',
      to: 'shop.worker',
      port: 9000,
    });
    const before = JSON.stringify(sc.resolved);
    const forked = applyChanges(sc.resolved, [change]);
    expect(JSON.stringify(sc.resolved)).toBe(before);
    expect(forked.security!.traffic.at(-1)).toMatchObject({
      kind: 'misconfigure',
      id: 'what-if-rule-1',
      atUs: scan.t,
      durationUs: null,
      change: { openPorts: [{ role: 'shop.worker', port: 9000, protocol: 'tcp' }] },
    });
    const out = run(forked);
    const later = attempts(out.timeline!.events, 'shop.worker', 9000, scan.t);
    expect(later.length).toBeGreaterThan(0);
    expect(later.some((e) => e.m?.ok)).toBe(true);
    expect(attempts(events, 'shop.worker', 9000, scan.t).every((e) => !e.m?.ok)).toBe(true);
    expect(out.summary.security!.violations).toBeGreaterThan(0);
    expect(out.summary.traceHash).not.toBe(base.summary.traceHash);
    // Deterministic: the same fork twice, the same run.
    expect(run(applyChanges(sc.resolved, [change])).summary.traceHash).toBe(out.summary.traceHash);
  });

  it('an admitted attempt can be denied, and the offer is made only where the rule can be turned around', () => {
    const browse = events.find((e) => e.k === 'traffic.connect' && e.r === 'host:endpoint-in:tcp:80')!;
    const change = securityRuleFork(browse, browse.t)!;
    expect(change).toMatchObject({ action: 'deny', rule: 'host:endpoint-in:tcp:80', port: 80 });
    const out = run(applyChanges(sc.resolved, [change]));
    const later = attempts(out.timeline!.events, 'shop.web', 80, browse.t);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((e) => !e.m?.ok)).toBe(true);
    expect(later[0]!.r).toMatch(/^nsg:\d+:what-if-1-inbound$/);
    // Other layers, one way each.
    const vlan = events.find((e) => e.r === 'vlan:main->fc')!;
    expect(ruleChangeSet(securityRuleFork(vlan, vlan.t)!)).toEqual({ vlanAllow: ['main->fc'] });
    const hosts = events.find((e) => e.r === 'default:hosts-c0:deny')!;
    expect(securityRuleFork(hosts, hosts.t)).toMatchObject({ action: 'allow', from: 'ga:shop.worker.0' });
    // Not offered: a violation, a non-security rule.
    expect(securityRuleFork({ ...scan, k: 'traffic.connect.violation' }, 0)).toBeUndefined();
    expect(securityRuleFork({ ...scan, r: 'fc.missedPolls=4' }, 0)).toBeUndefined();
    expect(() => applyChanges({ ...sc.resolved, security: undefined }, [change])).toThrow(/no security section/);
  });
});
