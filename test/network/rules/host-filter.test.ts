import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { Packet, parseAddress } from '../../../sim/network/address.js';
import { RuleCompileError } from '../../../sim/network/rules/decision.js';
import { fabricAgentRules, HostFilter, type HostFilterRule } from '../../../sim/network/rules/host-filter.js';
import {
  arbAddress,
  arbCidr,
  arbPacketSequence,
  arbPort,
  arbPortSpec,
  arbProto,
  type Proto,
  RefFlows,
  refInCidr,
  refPortIn,
} from './gen.js';

// ---------------------------------------------------------------------------------------------------------------
// Reference, from the documented behaviour: everything blocked unless a rule allows it; anti-spoofing on outbound
// packets; tracked flows pass both ways; TCP only checks the opening packet against stateful rules.

interface RefPacket {
  proto: Proto;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  direction: 'in' | 'out';
  syn: boolean;
}

const DEFAULT_IDLE_US: Record<Proto, number> = { tcp: 240_000_000, udp: 30_000_000, icmp: 30_000_000 };

function same(a: string, b: string): boolean {
  const x = ipaddr.parse(a);
  const y = ipaddr.parse(b);
  return x.kind() === y.kind() && x.toNormalizedString() === y.toNormalizedString();
}

function specMatch(spec: HostFilterRule['src'], addr: string): boolean {
  const items = typeof spec === 'string' ? [spec] : (spec as readonly string[]);
  return items.some((c) => c === '*' || refInCidr(addr, c));
}

function reference(rules: readonly HostFilterRule[], vm: string, flows: RefFlows, p: RefPacket, nowUs: number) {
  if (p.direction === 'out' && !same(p.src, vm)) return { allowed: false, rule: 'host:anti-spoofing' };
  const hit = flows.match(p, nowUs);
  if (hit === 'forward') return { allowed: true, rule: 'flow:established' };
  if (hit === 'reply') return { allowed: true, rule: 'flow:reply' };
  const midTcp = p.proto === 'tcp' && !p.syn;
  for (const r of rules) {
    if (r.direction !== p.direction) continue;
    if (r.proto !== '*' && r.proto !== p.proto) continue;
    if (r.stateful && midTcp) continue;
    if (!specMatch(r.src, p.src) || !specMatch(r.dst, p.dst)) continue;
    if (!refPortIn(p.srcPort, r.srcPort) || !refPortIn(p.dstPort, r.dstPort)) continue;
    if (r.stateful) flows.open(p, nowUs, r.flowTimeoutUs ?? DEFAULT_IDLE_US[p.proto]);
    return { allowed: true, rule: `host:${r.id}` };
  }
  return { allowed: false, rule: midTcp ? 'default:host-tcp-no-flow' : 'default:host-deny-all' };
}

// ---------------------------------------------------------------------------------------------------------------
// Generators

const arbSpec = (vm: string) =>
  fc.oneof(fc.constant('*'), fc.constant(vm), arbCidr(), fc.array(arbCidr(), { minLength: 1, maxLength: 3 }));

const arbRules = (vm: string): fc.Arbitrary<HostFilterRule[]> =>
  fc
    .array(
      fc.record(
        {
          direction: fc.constantFrom<'in' | 'out'>('in', 'out'),
          proto: fc.constantFrom<HostFilterRule['proto']>('tcp', 'udp', 'icmp', '*'),
          src: arbSpec(vm),
          srcPort: fc.oneof(fc.constant('*'), arbPortSpec()),
          dst: arbSpec(vm),
          dstPort: arbPortSpec(),
          stateful: fc.boolean(),
          flowTimeoutUs: fc.constantFrom(1_000_000, 30_000_000, 300_000_000),
          hasTimeout: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 12 },
    )
    .map((rs) =>
      rs.map((r, i) => {
        const rule: HostFilterRule = {
          id: `h${i}`,
          direction: r.direction ?? 'in',
          proto: r.proto ?? '*',
          src: r.src ?? '*',
          srcPort: r.srcPort ?? '*',
          dst: r.dst ?? '*',
          dstPort: r.dstPort ?? '*',
          stateful: r.stateful ?? true,
          ...(r.hasTimeout && r.flowTimeoutUs !== undefined ? { flowTimeoutUs: r.flowTimeoutUs } : {}),
        };
        return rule;
      }),
    );

const arbPacketFor = (vm: string): fc.Arbitrary<RefPacket> =>
  fc
    .record({
      proto: arbProto,
      other: arbAddress(),
      spoofed: fc.constantFrom(false, false, false, true),
      otherPort: arbPort(),
      vmPort: arbPort(),
      direction: fc.constantFrom<'in' | 'out'>('in', 'out'),
      syn: fc.boolean(),
    })
    .map(({ proto, other, spoofed, otherPort, vmPort, direction, syn }) => {
      const self = spoofed ? other : vm;
      return direction === 'out'
        ? { proto, src: self, srcPort: vmPort, dst: other, dstPort: otherPort, direction, syn }
        : { proto, src: other, srcPort: otherPort, dst: self, dstPort: vmPort, direction, syn };
    });

const reverse = (p: RefPacket): RefPacket => ({
  ...p,
  src: p.dst,
  srcPort: p.dstPort,
  dst: p.src,
  dstPort: p.srcPort,
  direction: p.direction === 'in' ? 'out' : 'in',
  syn: false,
});

function fill(packet: Packet, p: RefPacket): Packet {
  return packet.set(p.proto, parseAddress(p.src), p.srcPort, parseAddress(p.dst), p.dstPort, p.direction, p.syn);
}

// ---------------------------------------------------------------------------------------------------------------

const VM = '10.0.0.4';
const vm = parseAddress(VM);
const peer = parseAddress('10.0.1.5');
const internet = parseAddress('203.0.113.9');
const wire = parseAddress('168.63.129.16');
const agentRules = (internalEndpoints?: { port: number; proto: 'tcp' | 'udp' }[]) =>
  fabricAgentRules({
    vmAddress: VM,
    vnetCidr: '10.0.0.0/16',
    inputEndpoints: [{ port: 80, proto: 'tcp' }],
    ...(internalEndpoints === undefined ? {} : { internalEndpoints }),
    dhcp: '168.63.129.16',
    dns: '168.63.129.16',
  });

describe('HostFilter', () => {
  it('agrees with a reference model on random rules and packet sequences (IPv4 and IPv6)', () => {
    const seen = new Set<string>();
    const arbCase = fc
      .oneof(arbAddress(), fc.constantFrom(VM, '2001:db8::4'))
      .chain((vmText) =>
        fc.tuple(fc.constant(vmText), arbRules(vmText), arbPacketSequence(arbPacketFor(vmText), 12, reverse)),
      );
    fc.assert(
      fc.property(arbCase, ([vmText, rules, steps]) => {
        const filter = new HostFilter(vmText, rules);
        const flows = new RefFlows();
        const packet = new Packet();
        let nowUs = 0;
        for (const { packet: p, gapUs } of steps) {
          nowUs += gapUs;
          const d = filter.process(fill(packet, p), nowUs);
          const ref = reference(rules, vmText, flows, p, nowUs);
          expect({ allowed: d.allowed, rule: d.rule }).toEqual(ref);
          seen.add(ref.rule.startsWith('host:h') ? 'rule' : ref.rule);
        }
      }),
      { numRuns: 1000, seed: 601 },
    );
    expect([...seen].sort()).toEqual(
      [
        'default:host-deny-all',
        'default:host-tcp-no-flow',
        'flow:established',
        'flow:reply',
        'host:anti-spoofing',
        'rule',
      ].sort(),
    );
  });

  it('blocks everything on a new VM', () => {
    const filter = new HostFilter(VM);
    const p = new Packet();
    expect(filter.process(p.set('tcp', internet, 1, vm, 80, 'in'), 0).rule).toBe('default:host-deny-all');
    expect(filter.process(p.set('udp', vm, 68, wire, 67, 'out'), 0).rule).toBe('default:host-deny-all');
    expect(filter.process(p.set('tcp', peer, 1, vm, 22, 'in'), 0).allowed).toBe(false);
  });

  it('drops an outbound packet with a source other than the VM, before any rule or flow', () => {
    const filter = new HostFilter(VM, agentRules());
    const p = new Packet();
    const spoofed = parseAddress('10.0.0.5');
    expect(filter.process(p.set('tcp', spoofed, 1, internet, 443, 'out'), 0)).toMatchObject({
      allowed: false,
      rule: 'host:anti-spoofing',
    });
    // Even when it looks like the reply of a flow the real VM opened.
    filter.process(p.set('tcp', internet, 1, vm, 80, 'in'), 1);
    expect(filter.process(p.set('tcp', parseAddress('::1'), 80, internet, 1, 'out', false), 2).rule).toBe(
      'host:anti-spoofing',
    );
  });

  it('passes TCP replies of an allowed connection and drops unsolicited mid-connection packets', () => {
    const filter = new HostFilter(VM, agentRules());
    const p = new Packet();
    expect(filter.process(p.set('tcp', internet, 40000, vm, 80, 'in'), 0).rule).toBe('host:endpoint-in:tcp:80');
    expect(filter.process(p.set('tcp', vm, 80, internet, 40000, 'out', false), 1).rule).toBe('flow:reply');
    // A non-SYN packet to the open port that belongs to no connection is not admitted by the stateful rule.
    expect(filter.process(p.set('tcp', internet, 40001, vm, 80, 'in', false), 2)).toMatchObject({
      allowed: false,
      rule: 'default:host-tcp-no-flow',
    });
    // A SYN to an undeclared port is blocked.
    expect(filter.process(p.set('tcp', internet, 40002, vm, 8080, 'in'), 3).rule).toBe('default:host-deny-all');
  });

  it('checks mid-connection TCP packets against stateless rules', () => {
    const rule: HostFilterRule = {
      id: 'legacy',
      direction: 'in',
      proto: 'tcp',
      src: '*',
      srcPort: '*',
      dst: VM,
      dstPort: 9000,
      stateful: false,
    };
    const filter = new HostFilter(VM, [rule]);
    const p = new Packet();
    expect(filter.process(p.set('tcp', internet, 1, vm, 9000, 'in', false), 0).rule).toBe('host:legacy');
    expect(filter.flows.size).toBe(0);
    expect(filter.process(p.set('tcp', vm, 9000, internet, 1, 'out', false), 1).rule).toBe('default:host-tcp-no-flow');
  });

  it('lets UDP replies through until the flow has been idle for its timeout', () => {
    const filter = new HostFilter(VM, agentRules());
    const p = new Packet();
    expect(filter.process(p.set('udp', vm, 5353, wire, 53, 'out'), 0).rule).toBe('host:dns-out-udp');
    p.set('udp', wire, 53, vm, 5353, 'in');
    expect(filter.process(p, 29_999_999).rule).toBe('flow:reply');
    expect(filter.process(p, 59_999_998).rule).toBe('flow:reply');
    expect(filter.process(p, 89_999_998).rule).toBe('default:host-deny-all');
  });

  it('uses the rule flow timeout over the protocol default', () => {
    const rule: HostFilterRule = {
      id: 'short',
      direction: 'out',
      proto: 'udp',
      src: VM,
      srcPort: '*',
      dst: '*',
      dstPort: 123,
      stateful: true,
      flowTimeoutUs: 1_000,
    };
    const filter = new HostFilter(VM, [rule]);
    const p = new Packet();
    filter.process(p.set('udp', vm, 123, internet, 123, 'out'), 0);
    expect(filter.process(p.set('udp', internet, 123, vm, 123, 'in'), 999).rule).toBe('flow:reply');
    expect(filter.process(p, 1_999).rule).toBe('default:host-deny-all');
  });

  it('keeps established flows when the rules are replaced', () => {
    const filter = new HostFilter(VM, agentRules());
    const p = new Packet();
    filter.process(p.set('tcp', internet, 40000, vm, 80, 'in'), 0);
    filter.setRules([]);
    expect(filter.process(p.set('tcp', internet, 40000, vm, 80, 'in', false), 1).rule).toBe('flow:established');
    expect(filter.process(p.set('tcp', internet, 40001, vm, 80, 'in'), 2).rule).toBe('default:host-deny-all');
  });

  it('refuses duplicate ids and bad fields, naming the VM and rule', () => {
    const base: HostFilterRule = {
      id: 'a',
      direction: 'in',
      proto: 'tcp',
      src: '*',
      srcPort: '*',
      dst: '*',
      dstPort: 80,
      stateful: true,
    };
    expect(() => new HostFilter(VM, [base, base])).toThrow(/host filter of 10\.0\.0\.4: duplicate rule id "a"/);
    expect(() => new HostFilter(VM, [{ ...base, flowTimeoutUs: 0 }])).toThrow(RuleCompileError);
    expect(() => new HostFilter(VM, [{ ...base, dst: '10.0.0.4/8' }])).toThrow(/rule "a" dst/);
    expect(() => new HostFilter(VM, [{ ...base, direction: 'inbound' as never }])).toThrow(/direction "inbound"/);
  });

  it('returns the same preallocated Decision objects on every evaluation', () => {
    const filter = new HostFilter(VM, agentRules());
    const p = new Packet().set('tcp', internet, 1, vm, 8080, 'in');
    const d = filter.process(p, 0);
    expect(filter.process(p, 1)).toBe(d);
    p.dstPort = 80;
    const open = filter.process(p, 2);
    p.srcPort = 2;
    expect(filter.process(p, 3)).toBe(open);
    expect(filter.decisions).toContain(d);
    expect(filter.decisions).toContain(open);
  });
});

describe('fabricAgentRules', () => {
  it('opens DHCP, DNS, internet-out, same-VNet and the declared input endpoints', () => {
    const filter = new HostFilter(VM, agentRules());
    const p = new Packet();
    const at = (t: number) => t;
    expect(filter.process(p.set('udp', vm, 68, wire, 67, 'out'), at(0)).rule).toBe('host:dhcp-out');
    expect(filter.process(p.set('udp', wire, 67, vm, 68, 'in'), at(1)).rule).toBe('flow:reply');
    expect(filter.process(p.set('udp', wire, 67, vm, 68, 'in'), at(2)).rule).toBe('flow:reply');
    expect(filter.process(p.set('tcp', vm, 40000, wire, 53, 'out'), at(3)).rule).toBe('host:dns-out-tcp');
    expect(filter.process(p.set('tcp', vm, 40001, internet, 443, 'out'), at(4)).rule).toBe('host:internet-out');
    expect(filter.process(p.set('tcp', vm, 40002, peer, 1433, 'out'), at(5)).rule).toBe('host:vnet-out');
    expect(filter.process(p.set('tcp', peer, 40003, vm, 3389, 'in'), at(6)).rule).toBe('host:vnet-in');
    expect(filter.process(p.set('tcp', internet, 40004, vm, 80, 'in'), at(7)).rule).toBe('host:endpoint-in:tcp:80');
    expect(filter.rules.map((r) => r.id)).toEqual([
      'dhcp-out',
      'dhcp-in',
      'dns-out-udp',
      'dns-out-tcp',
      'vnet-out',
      'internet-out',
      'vnet-in',
      'endpoint-in:tcp:80',
    ]);
  });

  it('admits server-initiated DHCP (stateless) but nothing else inbound from the platform address', () => {
    const filter = new HostFilter(VM, agentRules());
    const p = new Packet();
    expect(filter.process(p.set('udp', wire, 67, vm, 68, 'in'), 0).rule).toBe('host:dhcp-in');
    expect(filter.flows.size).toBe(0);
    expect(filter.process(p.set('tcp', wire, 1, vm, 22, 'in'), 1).rule).toBe('default:host-deny-all');
  });

  it('keeps the VM from opening connections to private ranges outside its VNet', () => {
    const filter = new HostFilter(VM, agentRules());
    const p = new Packet();
    expect(filter.process(p.set('tcp', vm, 1, parseAddress('172.16.0.9'), 445, 'out'), 0).rule).toBe(
      'default:host-deny-all',
    );
    expect(filter.process(p.set('tcp', vm, 1, parseAddress('10.1.0.9'), 445, 'out'), 1).rule).toBe(
      'default:host-deny-all',
    );
  });

  it('limits same-VNet inbound to the internal endpoints when they are declared', () => {
    const filter = new HostFilter(VM, agentRules([{ port: 8000, proto: 'tcp' }]));
    const p = new Packet();
    expect(filter.process(p.set('tcp', peer, 1, vm, 8000, 'in'), 0).rule).toBe('host:internal-in:tcp:8000');
    expect(filter.process(p.set('tcp', peer, 2, vm, 3389, 'in'), 1).rule).toBe('default:host-deny-all');
    expect(filter.process(p.set('tcp', internet, 3, vm, 8000, 'in'), 2).rule).toBe('default:host-deny-all');
  });

  it('refuses more than 5 internal endpoints', () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ port: 8000 + i, proto: 'tcp' as const }));
    expect(agentRules(six.slice(0, 5)).filter((r) => r.id.startsWith('internal-in'))).toHaveLength(5);
    expect(() => agentRules(six)).toThrow(/6 internal endpoints, at most 5/);
  });

  it('works for an IPv6 VM', () => {
    const rules = fabricAgentRules({
      vmAddress: '2001:db8:1::4',
      vnetCidr: ['2001:db8:1::/48'],
      inputEndpoints: [{ port: 443, proto: 'tcp' }],
      dhcp: '2001:db8:1::1',
      dns: ['2001:db8:1::53'],
    });
    const me = parseAddress('2001:db8:1::4');
    const filter = new HostFilter(me, rules);
    const p = new Packet();
    expect(filter.process(p.set('tcp', parseAddress('2603:1000::9'), 1, me, 443, 'in'), 0).rule).toBe(
      'host:endpoint-in:tcp:443',
    );
    expect(filter.process(p.set('tcp', me, 1, parseAddress('2603:1000::9'), 443, 'out'), 1).rule).toBe(
      'host:internet-out',
    );
    expect(filter.process(p.set('tcp', me, 1, parseAddress('fd00::9'), 443, 'out'), 2).rule).toBe(
      'default:host-deny-all',
    );
  });
});
