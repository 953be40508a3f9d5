import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Packet, parseAddress } from '../../../sim/network/address.js';
import { VLAN_DECISIONS, type Vlan, VlanFilter, vlanInitiation } from '../../../sim/network/rules/vlan.js';
import { arbAddress, arbPacketSequence, arbPort, arbProto, type Proto, RefFlows } from './gen.js';

/** Who may open connections to whom, as documented: same VLAN; fc → main; fc → device. Everything else denied. */
const MAY_INITIATE = new Set(['fc->main', 'fc->device']);
const IDLE_US: Record<Proto, number> = { tcp: 240_000_000, udp: 30_000_000, icmp: 30_000_000 };

interface HostPacket {
  proto: Proto;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  srcVlan: Vlan;
  dstVlan: Vlan;
}

describe('vlanInitiation', () => {
  it.each([
    ['main', 'main', true, 'vlan:same'],
    ['main', 'fc', false, 'vlan:main->fc'],
    ['main', 'device', false, 'vlan:main->device'],
    ['fc', 'main', true, 'vlan:fc->main'],
    ['fc', 'fc', true, 'vlan:same'],
    ['fc', 'device', true, 'vlan:fc->device'],
    ['device', 'main', false, 'vlan:device->main'],
    ['device', 'fc', false, 'vlan:device->fc'],
    ['device', 'device', true, 'vlan:same'],
  ] as const)('%s → %s may initiate: %s (%s)', (src, dst, allowed, rule) => {
    expect(vlanInitiation(src, dst)).toMatchObject({ allowed, rule });
    expect(VLAN_DECISIONS).toContain(vlanInitiation(src, dst));
  });
});

describe('VlanFilter', () => {
  it('agrees with a reference model on packet sequences between hosts of the three VLANs', () => {
    const seen = new Set<string>();
    const arbCase = fc
      .uniqueArray(fc.tuple(arbAddress(), fc.constantFrom<Vlan>('main', 'fc', 'device')), {
        minLength: 2,
        maxLength: 6,
        selector: ([a]) => parseAddress(a).text,
      })
      .chain((hosts) => {
        const fresh: fc.Arbitrary<HostPacket> = fc
          .record({
            proto: arbProto,
            s: fc.constantFrom(...hosts),
            d: fc.constantFrom(...hosts),
            sp: arbPort(),
            dp: arbPort(),
          })
          .map(({ proto, s, d, sp, dp }) => ({
            proto,
            src: s[0],
            srcPort: sp,
            dst: d[0],
            dstPort: dp,
            srcVlan: s[1],
            dstVlan: d[1],
          }));
        const reverse = (p: HostPacket): HostPacket => ({
          ...p,
          src: p.dst,
          srcPort: p.dstPort,
          dst: p.src,
          dstPort: p.srcPort,
          srcVlan: p.dstVlan,
          dstVlan: p.srcVlan,
        });
        return arbPacketSequence(fresh, 12, reverse);
      });
    fc.assert(
      fc.property(arbCase, (steps) => {
        const filter = new VlanFilter();
        const flows = new RefFlows();
        const packet = new Packet();
        let nowUs = 0;
        for (const { packet: p, gapUs } of steps) {
          nowUs += gapUs;
          packet.set(p.proto, parseAddress(p.src), p.srcPort, parseAddress(p.dst), p.dstPort, 'out');
          const d = filter.process(p.srcVlan, p.dstVlan, packet, nowUs);
          let ref: { allowed: boolean; rule: string };
          if (p.srcVlan === p.dstVlan) ref = { allowed: true, rule: 'vlan:same' };
          else {
            const hit = flows.match(p, nowUs);
            if (hit !== undefined) ref = { allowed: true, rule: hit === 'forward' ? 'flow:established' : 'flow:reply' };
            else {
              const key = `${p.srcVlan}->${p.dstVlan}`;
              ref = { allowed: MAY_INITIATE.has(key), rule: `vlan:${key}` };
              if (ref.allowed) flows.open(p, nowUs, IDLE_US[p.proto]);
            }
          }
          expect({ allowed: d.allowed, rule: d.rule }).toEqual(ref);
          seen.add(ref.rule);
        }
      }),
      { numRuns: 1000, seed: 801 },
    );
    for (const r of ['flow:reply', 'flow:established', 'vlan:main->fc', 'vlan:fc->main', 'vlan:same']) {
      expect(seen).toContain(r);
    }
  });

  it('passes main → fc replies only on flows the fabric controller opened', () => {
    const filter = new VlanFilter();
    const fcHost = parseAddress('10.255.0.1');
    const node = parseAddress('10.0.0.10');
    const p = new Packet();
    expect(filter.process('main', 'fc', p.set('tcp', node, 40000, fcHost, 443, 'out'), 0).rule).toBe('vlan:main->fc');
    expect(filter.process('fc', 'main', p.set('tcp', fcHost, 40001, node, 8000, 'out'), 1).rule).toBe('vlan:fc->main');
    expect(filter.process('main', 'fc', p.set('tcp', node, 8000, fcHost, 40001, 'out', false), 2)).toMatchObject({
      allowed: true,
      rule: 'flow:reply',
    });
    // Same hosts, a new connection from main: still refused.
    expect(filter.process('main', 'fc', p.set('tcp', node, 8001, fcHost, 40001, 'out'), 3).rule).toBe('vlan:main->fc');
  });

  it('blocks main → device in both directions of initiation, and lets devices answer the controller', () => {
    const filter = new VlanFilter();
    const fcHost = parseAddress('10.255.0.1');
    const node = parseAddress('10.0.0.10');
    const pdu = parseAddress('10.254.0.7');
    const p = new Packet();
    expect(filter.process('main', 'device', p.set('udp', node, 1, pdu, 161, 'out'), 0).allowed).toBe(false);
    expect(filter.process('device', 'main', p.set('udp', pdu, 161, node, 1, 'out'), 1).allowed).toBe(false);
    expect(filter.process('fc', 'device', p.set('udp', fcHost, 2, pdu, 161, 'out'), 2).rule).toBe('vlan:fc->device');
    expect(filter.process('device', 'fc', p.set('udp', pdu, 161, fcHost, 2, 'out'), 3).rule).toBe('flow:reply');
  });

  it('returns preallocated decisions', () => {
    const filter = new VlanFilter();
    const p = new Packet().set('tcp', parseAddress('10.0.0.1'), 1, parseAddress('10.0.0.2'), 2, 'out');
    expect(filter.process('main', 'fc', p, 0)).toBe(vlanInitiation('main', 'fc'));
    expect(filter.process('main', 'fc', p, 1)).toBe(filter.process('main', 'fc', p, 2));
  });
});
