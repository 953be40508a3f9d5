import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainWall, runScenario, type TimelineEvent, type WallTable } from '../../sim/index.js';
import { isWallRule } from '../../sim/model/security/index.js';
import { ROOT, scenarioFile, shop } from './helpers.js';

/** Rule ids a wall decides (everything else — logins, flows, platform-internal — is no wall's). */
const WALL_RULE = /^(list:|default:(?!sql-firewall|no-grant)|nsg:|host:|acl:|vlan:|vlan-override:|lb:no-endpoint$)/;

function deciding(t: WallTable) {
  return t.match < t.rows.length ? t.rows[t.match] : t.fallback[t.match - t.rows.length];
}

function explainEvents(events: readonly TimelineEvent[], resolved: Parameters<typeof explainWall>[0]) {
  const out: { e: TimelineEvent; t: WallTable | null }[] = [];
  for (const e of events) {
    if (!e.r || !WALL_RULE.test(e.r) || !e.m) continue;
    out.push({ e, t: explainWall(resolved, e.t, { rule: e.r, from: e.m.from, to: e.m.to, subject: e.s }) });
  }
  return out;
}

describe('explainWall: the rule table of the wall behind a decision', () => {
  it('finds the deciding row of every wall decision in the bundled security scenarios', () => {
    const kinds = new Set<string>();
    const files = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.startsWith('security-'));
    let explained = 0;
    for (const f of files) {
      const sc = scenarioFile(f);
      const { timeline } = runScenario(sc);
      for (const { e, t } of explainEvents(timeline!.events, sc.resolved)) {
        expect(t, `${f}: ${e.k} ${e.r}`).not.toBeNull();
        expect(t!.match, `${f}: ${e.r} in ${t!.wall}`).toBeGreaterThanOrEqual(0);
        const row = deciding(t!)!;
        expect(row.rule).toBe(e.r);
        // The row's action is what happened to the message.
        expect(row.action).toBe(e.m!.ok ? 'allow' : 'deny');
        // First match wins: every row of a list has its own id, so "the rows above did not match" is well defined.
        expect(new Set(t!.rows.map((r) => r.rule)).size).toBe(t!.rows.length);
        kinds.add(t!.kind);
        explained++;
      }
    }
    expect(explained).toBeGreaterThan(50);
    expect([...kinds].sort()).toEqual([
      'boundary',
      'host-acl',
      'host-filter',
      'load-balancer',
      'nsg',
      'sql-node-acl',
      'vlan',
    ]);
  });

  it('explains endpoint ACL and NSG decisions, and the rules in force at the time of a misconfiguration', () => {
    const sc = shop(`
  rules:
    endpointAcls:
      shop.web: { http: [{ order: 100, action: permit, remoteSubnet: 203.0.113.0/25, description: partners }] }
    nsg:
      - { name: block-bad-range, priority: 200, direction: inbound, access: deny, source: 203.0.113.64/26, destination: shop.web, destinationPorts: 80 }
  traffic:
    - { at: 1m, kind: connect, from: 203.0.113.200, to: shop.web, port: 80 }
    - { at: 2m, kind: connect, from: 203.0.113.70, to: shop.web, port: 80 }
    - { at: 3m, kind: connect, from: 203.0.113.5, to: shop.web, port: 80 }
    - id: hole
      at: 4m
      kind: misconfigure
      duration: 10m
      change:
        boundary: [{ name: oops-all-in, action: allow, source: "*", destination: c0 }]
    - { at: 5m, kind: connect, from: internet, to: shop.worker.0, port: 9000 }
    - { at: 20m, kind: connect, from: internet, to: shop.worker.0, port: 9000 }
`);
    const { timeline } = runScenario(sc);
    const got = explainEvents(timeline!.events, sc.resolved).filter(({ e }) => e.k === 'traffic.connect');
    const summary = got.map(({ e, t }) => [e.t / 60e6, e.r, t?.wall, t ? deciding(t)?.name : null]);
    expect(summary).toEqual([
      [1, 'default:acl-implicit-deny', 'endpoint ACL of shop.web/http', 'no rule matched'],
      [2, 'nsg:200:block-bad-range', 'nsg-c0 (inbound)', 'block-bad-range (200)'],
      [3, 'host:endpoint-in:tcp:80', 'host filter of shop.web.1 (inbound)', 'endpoint-in:tcp:80'],
      // The misconfiguration lets the packet through the boundary; the NSG's last rule stops it.
      [5, 'nsg:65500:DenyAllInBound', 'nsg-c0 (inbound)', 'DenyAllInBound (65500)'],
      [20, 'default:boundary-c0:deny', 'boundary-c0', 'no rule matched'],
    ]);
    const acl = got[0]!.t!;
    expect(acl.rows.map((r) => [r.name, r.action, r.from])).toEqual([['100 partners', 'allow', '203.0.113.0/25']]);
    const nsg = got[1]!.t!;
    // The configured rule first, then the platform's rule for the declared endpoint, then the defaults.
    expect(nsg.rows.map((r) => r.name)).toEqual([
      'block-bad-range (200)',
      'AllowInputEndpoints-tcp-80 (4096)',
      'AllowVnetInBound (65000)',
      'AllowAzureLoadBalancerInBound (65001)',
      'DenyAllInBound (65500)',
    ]);
    expect(nsg.match).toBe(0);
    // While the hole is open the boundary table has the misconfigured rule in it; after, it does not.
    const during = explainWall(sc.resolved, 5 * 60e6, { rule: 'default:boundary-c0:deny' })!;
    const after = got[4]!.t!;
    expect(during.rows.map((r) => r.name)).toContain('oops-all-in');
    expect(after.rows.map((r) => r.name)).not.toContain('oops-all-in');
    expect(after.rows.map((r) => r.name)).toEqual(['corpnet-to-management', 'others-to-management', 'outside-to-vips']);
  });

  it('gives no table for decisions no wall makes, without compiling anything for them', () => {
    for (const r of [
      'fault:vm.crash',
      'detector:guest-agent',
      'fc.missedPolls=4',
      'default:sql-firewall-deny',
      'default:no-grant',
      'flow:reply',
      'lb:no-instance-in-rotation',
    ])
      expect(isWallRule(r), r).toBe(false);
    for (const r of [
      'list:boundary-c0:x',
      'default:boundary-sql:deny',
      'default:hosts-c0:allow',
      'nsg:100:a',
      'host:vnet-in',
      'default:host-deny-all',
      'host:anti-spoofing',
      'acl:100',
      'default:acl-implicit-deny',
      'default:no-acl',
      'vlan:main->fc',
      'vlan-override:main->fc',
      'lb:no-endpoint',
    ])
      expect(isWallRule(r), r).toBe(true);
    const sc = scenarioFile('security-sql-auth.yaml');
    expect(explainWall(sc.resolved, 0, { rule: 'auth:wrong-password' })).toBeNull();
    expect(explainWall(sc.resolved, 0, { rule: 'flow:established' })).toBeNull();
    expect(explainWall(scenarioFile('quickstart.yaml').resolved, 0, { rule: 'vlan:main->fc' })).toBeNull();
  });
});
