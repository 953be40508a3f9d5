import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/index.js';
import { parseAddress } from '../../sim/network/address.js';
import { built, scenarioText, shop } from './helpers.js';

describe('AddressPlan', () => {
  it('derives every address from the topology, deterministically', () => {
    const { model, sim } = built(shop('  sql: { nodes: 3 }'));
    const { plan, eps } = model;
    expect(plan.blockBits).toBe(10);
    expect(eps.byName('c0-r0-n0').addr.text).toBe('10.0.0.1');
    expect(eps.byName('c0-r1-n1').addr.text).toBe('10.0.0.4');
    expect(eps.byName('shop.web.0').addr.text).toBe('10.0.1.1');
    expect(eps.byName('shop.worker.1').addr.text).toBe('10.0.1.4');
    expect(eps.byName('fc:c0').addr.text).toBe('10.0.2.1');
    expect(eps.byName('fc:c0/4').addr.text).toBe('10.0.2.6');
    expect(eps.byName('management:c0').addr.text).toBe('10.0.2.7');
    expect(eps.byName('device:c0-r1').addr.text).toBe('10.0.3.2');
    expect(eps.byName('sql').addr.text).toBe('192.0.2.1');
    expect(eps.byName('shop.web').addr.text).toBe('192.0.2.2');
    expect(eps.byName('sql:gateway').addr.text).toBe('10.200.0.1');
    expect(eps.byName('sql:node2').addr.text).toBe('10.200.0.4');
    expect(eps.byName('management:sql').addr.text).toBe('10.200.0.5');
    expect(plan.quarterCidr(0, 1)).toBe('10.0.1.0/24');
    // Reverse lookup: an address names its endpoint.
    expect(eps.at(parseAddress('10.0.1.3'))).toBe(eps.vm(sim.ix.instById.get('shop.worker.0')!));
    expect(eps.at(parseAddress('10.0.2.7')).name).toBe('fc:c0/mgmt');
  });

  it('classifies addresses into zones', () => {
    const { plan } = built(shop('  traffic: []')).model;
    const zone = (a: string) => plan.zoneOf(parseAddress(a));
    expect(zone('198.51.100.3')).toBe('saw');
    expect(zone('198.51.100.200')).toBe('corpnet');
    expect(zone('2001:db8:c0::1')).toBe('corpnet');
    expect(zone('203.0.113.9')).toBe('internet');
    expect(zone('2001:db8:bad::9')).toBe('internet');
    expect(zone('10.0.1.1')).toBe('cluster');
    expect(zone('10.200.0.2')).toBe('sql');
    expect(zone('192.0.2.2')).toBe('vip');
    expect(zone('168.63.129.16')).toBe('platform');
  });

  it('plans IPv6 data centres as well, where IPv6 clients and corporate ranges meet the same rules', () => {
    const sc = shop(`
  addressing: { clusters: "fd00:10::/48", sql: "fd00:20::/64", vips: "2001:db8:f0::/64" }
  traffic:
    - { at: 1m, kind: connect, from: "2001:db8:bad::/64", to: shop.web, port: 80 }
    - { at: 1m, kind: connect, from: "2001:db8:c0::/64", to: "management:c0", port: 19000 }
    - { at: 1m, kind: connect, from: internet, to: "management:c0", port: 19000 }
`);
    const { model } = built(sc);
    expect(model.eps.byName('shop.web.1').addr.text).toBe('fd00:10::102');
    expect(model.eps.byName('shop.web').addr.text).toBe('2001:db8:f0::2');
    const s = runScenario(sc, { record: false }).summary.security.byKind.connect!;
    expect(s.byRule).toEqual({
      'host:endpoint-in:tcp:80': 1,
      'list:boundary-c0:corpnet-to-management': 1,
      'list:boundary-c0:others-to-management': 1,
    });
  });

  it('grows the cluster blocks to fit the largest cluster, one block after another', () => {
    const sc = scenarioText(`
version: 1
duration: 10m
topology:
  clusters:
    - { id: big, racks: 20, nodesPerRack: 20 }
    - { id: small, racks: 2, nodesPerRack: 2 }
security: {}
`);
    const { model } = built(sc);
    expect(model.plan.blockBits).toBe(11);
    expect(model.eps.byName('big-r19-n19').addr.text).toBe('10.0.1.144');
    expect(model.eps.byName('small-r0-n0').addr.text).toBe('10.0.8.1');
    expect(model.eps.byName('fc:small').addr.text).toBe('10.0.12.1');
  });
});
