import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/index.js';
import { parseAddress } from '../../sim/network/address.js';
import { built, shop } from './helpers.js';

describe('RuleBook', () => {
  it('chains the boundary, the load balancer, the endpoint ACL, the NSG and the host filter', () => {
    const { model } = built(
      shop(`
  rules:
    endpointAcls:
      shop.web: { http: [{ order: 100, action: permit, remoteSubnet: 203.0.113.0/25 }] }
    nsg:
      - { name: block-bad-range, priority: 200, direction: inbound, access: deny, source: 203.0.113.64/26, destination: shop.web, destinationPorts: 80 }
`),
    );
    const { rules, eps } = model;
    const web = eps.byName('shop.web');
    const from = (a: string) => eps.at(parseAddress(a));
    expect(rules.decide(from('203.0.113.5'), web, 'tcp', 80).rule).toBe('host:endpoint-in:tcp:80');
    expect(rules.decide(from('203.0.113.70'), web, 'tcp', 80).rule).toBe('nsg:200:block-bad-range');
    expect(rules.decide(from('203.0.113.200'), web, 'tcp', 80).rule).toBe('default:acl-implicit-deny');
    expect(rules.decide(from('203.0.113.5'), web, 'udp', 80).rule).toBe('lb:no-endpoint');
    expect(rules.decide(from('203.0.113.5'), eps.byName('c0-r0-n0'), 'tcp', 10101).rule).toBe(
      'default:boundary-c0:deny',
    );
  });

  it('spreads connections over the instances in rotation, round robin', () => {
    const { model } = built(shop('  traffic: []'));
    const picks: number[] = [];
    const client = model.eps.at(parseAddress('203.0.113.9'));
    for (let i = 0; i < 4; i++) {
      model.rules.decide(client, model.eps.byName('shop.web'), 'tcp', 80);
      picks.push(model.rules.picked);
    }
    expect(picks).toEqual([0, 1, 0, 1]);
  });

  it('returns the same frozen decision for the same question (nothing allocated per evaluation)', () => {
    const { model } = built(shop('  traffic: []'));
    const client = model.eps.at(parseAddress('203.0.113.9'));
    const worker = model.eps.byName('shop.worker.0');
    const a = model.rules.decide(client, worker, 'tcp', 9000);
    const b = model.rules.decide(client, worker, 'tcp', 9000);
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('keeps defence in depth: a boundary hole alone does not expose a node host or a worker', () => {
    const sc = shop(`
  traffic:
    - id: hole
      at: 1m
      kind: misconfigure
      duration: 10m
      change:
        boundary: [{ name: oops-all-in, action: allow, source: "*", destination: c0 }]
    - { at: 2m, kind: connect, from: internet, to: c0-r0-n0, port: 10101 }
    - { at: 2m, kind: connect, from: internet, to: shop.worker.0, port: 9000 }
    - { at: 2m, kind: connect, from: internet, to: shop.web.1, port: 80 }
`);
    const { summary, timeline } = runScenario(sc);
    const rules = timeline!.events.filter((e) => e.k === 'traffic.connect').map((e) => e.r);
    expect(rules).toEqual(['default:hosts-c0:deny', 'nsg:65500:DenyAllInBound', 'host:endpoint-in:tcp:80']);
    // The web instance's declared endpoint, reached straight on its private address: not forbidden by the seed.
    expect(summary.security.violations).toBe(0);
  });

  it('flags a port opened on a web role beyond its service definition', () => {
    const sc = shop(`
  traffic:
    - { at: 1m, kind: misconfigure, id: ssh, duration: 5m, change: { openPorts: [{ role: shop.web, port: 22 }] } }
    - { at: 2m, every: 2m, count: 4, kind: connect, from: internet, to: shop.web, port: 22 }
`);
    const s = runScenario(sc, { record: false }).summary.security.byKind.connect!;
    expect(s).toMatchObject({ attempts: 4, allowed: 2, violations: 2 });
    expect(s.byRule).toEqual({ 'host:endpoint-in:tcp:22': 2, 'lb:no-endpoint': 2 });
  });

  it('shares a role’s host filter among its VMs unless the role’s own rules single one out', () => {
    const sc = shop(`
  rules:
    hostFilter:
      shop.worker: [{ id: admin-port, direction: in, proto: tcp, src: shop.web, dst: shop.worker.1, dstPort: 7000 }]
  traffic:
    - { at: 1m, kind: connect, from: shop.web.0, to: shop.worker.1, port: 7000 }
    - { at: 1m, kind: connect, from: shop.web.0, to: shop.worker.0, port: 7000 }
    - { at: 1m, kind: connect, from: shop.web.0, to: shop.worker.0, port: 9000 }
    - { at: 1m, kind: connect, from: shop.web.1, to: shop.worker.1, port: 9000 }
`);
    const { summary, timeline } = runScenario(sc);
    const rules = timeline!.events.filter((e) => e.k === 'traffic.connect').map((e) => e.r);
    expect(rules).toEqual([
      'host:user:admin-port',
      'default:host-deny-all',
      'host:internal-in:tcp:9000',
      'host:internal-in:tcp:9000',
    ]);
    // Port 7000 is declared nowhere: the rule that opened it is a hole the oracle sees.
    expect(summary.security.violations).toBe(1);
  });
  it('shares one host filter among roles of a cluster with the same endpoints and no rules of their own, only them', () => {
    const sc = shop(
      `
  rules:
    hostFilter:
      shop2.worker: [{ id: extra-port, direction: in, proto: tcp, src: shop.web, dstPort: 7000 }]
  traffic:
    - { at: 1m, kind: connect, from: shop.web.0, to: shop.worker.0, port: 7000 }
    - { at: 1m, kind: connect, from: shop.web.0, to: shop2.worker.1, port: 7000 }
    - { at: 1m, kind: connect, from: shop.web.0, to: shop2.worker.0, port: 9000 }
    - { at: 1m, kind: connect, from: shop.web.1, to: shop.worker.1, port: 9000 }
    - { at: 1m, kind: connect, from: shop.web.1, to: shop3.worker.0, port: 9000 }
    - { at: 1m, kind: connect, from: shop.web.1, to: shop3.worker.1, port: 9100 }
    - { at: 1m, kind: connect, from: shop.web.1, to: shop.worker.0, port: 9100 }
    - { at: 1m, kind: connect, from: internet, to: shop2.web, port: 80 }
`,
      `  - id: shop2
    roles:
      - { id: web, kind: web, instances: 2, inputEndpoints: [{ name: http, port: 80 }] }
      - { id: worker, kind: worker, instances: 2, internalEndpoints: [{ name: jobs, port: 9000 }] }
  - id: shop3
    roles:
      - { id: worker, kind: worker, instances: 2, internalEndpoints: [{ name: jobs, port: 9100 }] }`,
    );
    const { timeline } = runScenario(sc);
    const rules = timeline!.events.filter((e) => e.k === 'traffic.connect').map((e) => e.r);
    expect(rules).toEqual([
      'default:host-deny-all',
      'host:user:extra-port',
      'host:internal-in:tcp:9000',
      'host:internal-in:tcp:9000',
      'default:host-deny-all',
      'host:internal-in:tcp:9100',
      'default:host-deny-all',
      'host:endpoint-in:tcp:80',
    ]);
  });
});
