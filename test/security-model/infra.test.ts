import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/index.js';
import { built, shop } from './helpers.js';

const blockAgent = (elide: boolean, extra = '') =>
  shop(
    `
  traffic:
    - id: block-agent
      at: 10m
      kind: misconfigure
      duration: 20m
      change:
        hostAcl: [{ name: block-agent-port, action: deny, source: fc, destination: c0-r0-n0, protocol: tcp, ports: 10101 }]
${extra}`,
    `policies:\n  network: { elideRoutine: ${elide} }`,
    '2h',
  );

describe('rules on the model’s own messages', () => {
  it('makes the FC miss the heartbeats of a node whose host ACL blocks its polls, and react as to a crash', () => {
    const { summary, timeline } = runScenario(blockAgent(true));
    const events = timeline!.events;
    const f = summary.faults.find((x) => x.id === 'block-agent')!;
    expect(f.kind).toBe('security.misconfig');
    expect(f.affected).toBe(1);
    expect(f.detectedBy).toBe('fc');
    // 4 polls missed: between 3 and 5 poll intervals of 15 s after the change.
    expect(f.ttdUs).toBeGreaterThan(45_000_000);
    expect(f.ttdUs).toBeLessThanOrEqual(75_000_000);
    const silent = events.find((e) => e.k === 'node.silent')!;
    expect(silent.s).toBe('c0-r0-n0');
    expect(silent.t).toBe(f.detectedAtUs);
    expect(events.some((e) => e.k === 'node.reboot' && e.s === 'c0-r0-n0')).toBe(true);
    const failedPolls = events.filter((e) => e.k === 'msg.poll' && e.m?.ok === false);
    expect(failedPolls.length).toBeGreaterThan(0);
    expect(failedPolls.every((e) => e.s === 'ha:c0-r0-n0' && e.t >= 600_000_000)).toBe(true);
    const blocks = events.find((e) => e.k === 'security.blocks')!;
    expect(blocks.r).toBe('list:hosts-c0:block-agent-port');
    // Other nodes never miss a poll.
    expect(events.some((e) => e.k === 'node.silent' && e.s !== 'c0-r0-n0')).toBe(false);
    expect(f.recoveredAtUs).not.toBeNull();
  });

  it('gives the same trace with routine polls elided and simulated (rules are a pure function of the path)', () => {
    const attack = `    - { at: 12m, every: 1m, count: 20, kind: connect, from: internet, to: shop.web, port: 80 }`;
    const a = runScenario(blockAgent(true, attack), { record: false }).summary;
    const b = runScenario(blockAgent(false, attack), { record: false }).summary;
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.faults).toEqual(b.faults);
    expect(a.security).toEqual(b.security);
    expect(a.roles).toEqual(b.roles);
  });

  it('takes an instance out of rotation when its NSG denies the load balancer’s probes', () => {
    const sc = shop(`
  traffic:
    - id: deny-probes
      at: 5m
      kind: misconfigure
      duration: 10m
      change:
        nsg: [{ name: deny-lb, priority: 100, direction: inbound, access: deny, source: AzureLoadBalancer, destination: shop.web.1 }]
`);
    const { summary, timeline } = runScenario(sc);
    const out = timeline!.events.find((e) => e.k === 'lb.out')!;
    expect(out.s).toBe('shop.web.1');
    expect(out.t).toBeGreaterThan(300_000_000);
    expect(out.t).toBeLessThan(300_000_000 + 3 * 15_000_000 + 31_000_000);
    const back = timeline!.events.find((e) => e.k === 'lb.in' && e.t > out.t)!;
    expect(back.t).toBeGreaterThanOrEqual(900_000_000);
    const f = summary.faults.find((x) => x.id === 'deny-probes')!;
    expect(f.detectedBy).toBe('load-balancer');
    expect(summary.roles.find((r) => r.id === 'shop.web')!.servedAvailability).toBe(1);
  });

  it('installs the rules on the network only when the scenario has a security section', () => {
    const { sim } = built(shop('  traffic: []'));
    expect(sim.net.disturbed).toBe(false);
    const plain = runScenario(shop('  traffic: []', '', '30m'), { record: false }).summary.security;
    expect(plain).toEqual({
      attempts: 0,
      allowed: 0,
      denied: 0,
      violations: 0,
      exposureUs: 0,
      byKind: {},
      byIntent: {},
    });
  });

  it('answers the same rule decision object for the same path, and admits the reply to an admitted request', () => {
    const { sim, model } = built(shop('  traffic: []'));
    const fc = { name: 'fc:c0', node: '' };
    const ha = { name: 'ha:c0-r1-n1', node: 'c0-r1-n1' };
    expect(model.infra.deny(fc, ha)).toBeNull();
    expect(model.infra.deny(ha, fc)).toBeNull();
    // Unprompted, the host agent cannot open a connection to the FC VLAN.
    const d1 = model.infra.deny(ha, fc);
    const d2 = model.infra.deny(ha, fc);
    expect(d1?.rule).toBe('vlan:main->fc');
    expect(d2).toBe(d1);
    // Host agent ↔ guest agent is host-local; unknown actors are not judged.
    expect(model.infra.deny(ha, { name: 'ga:shop.web.0', node: '' })).toBeNull();
    expect(model.infra.deny({ name: 'someone', node: '' }, ha)).toBeNull();
    void sim;
  });
});
