import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Packet, parseAddress } from '../../../sim/network/address.js';
import { RuleCompileError } from '../../../sim/network/rules/decision.js';
import { compileNsg, NSG_DEFAULT_RULES, NsgFilter, type NsgRule } from '../../../sim/network/rules/nsg.js';
import {
  arbAddress,
  arbCidr,
  arbPacketSequence,
  arbPort,
  arbPortSpec,
  arbProto,
  naiveSort,
  type Proto,
  RefFlows,
  refInCidr,
  refPortIn,
} from './gen.js';

// ---------------------------------------------------------------------------------------------------------------
// Reference, written from the documented behaviour.

/** Never public: private, shared, loopback, link-local, multicast, reserved; IPv6 equivalents. */
const NOT_PUBLIC = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  '::ffff:0:0/96',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];
const LOAD_BALANCER = '168.63.129.16/32';

interface RefPacket {
  proto: Proto;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  direction: 'in' | 'out';
  syn: boolean;
}

type Spec = string | readonly string[];

function refAddressMatch(spec: Spec, addr: string, vnet: readonly string[]): boolean {
  const items = typeof spec === 'string' ? [spec] : spec;
  const inVnet = vnet.some((c) => refInCidr(addr, c));
  return items.some((item) => {
    if (item === '*') return true;
    if (item === 'VirtualNetwork') return inVnet;
    if (item === 'AzureLoadBalancer') return refInCidr(addr, LOAD_BALANCER);
    if (item === 'Internet') {
      return !inVnet && !refInCidr(addr, LOAD_BALANCER) && !NOT_PUBLIC.some((c) => refInCidr(addr, c));
    }
    return refInCidr(addr, item);
  });
}

const REF_DEFAULTS: NsgRule[] = [
  ['inbound', 65000, 'AllowVnetInBound', 'allow', 'VirtualNetwork', 'VirtualNetwork'],
  ['inbound', 65001, 'AllowAzureLoadBalancerInBound', 'allow', 'AzureLoadBalancer', '*'],
  ['inbound', 65500, 'DenyAllInBound', 'deny', '*', '*'],
  ['outbound', 65000, 'AllowVnetOutBound', 'allow', 'VirtualNetwork', 'VirtualNetwork'],
  ['outbound', 65001, 'AllowInternetOutBound', 'allow', '*', 'Internet'],
  ['outbound', 65500, 'DenyAllOutBound', 'deny', '*', '*'],
].map(([direction, priority, name, access, source, destination]) => ({
  name: name as string,
  priority: priority as number,
  direction: direction as 'inbound' | 'outbound',
  access: access as 'allow' | 'deny',
  protocol: '*',
  source: source as string,
  sourcePorts: '*',
  destination: destination as string,
  destinationPorts: '*',
}));

function reference(rules: readonly NsgRule[], vnet: readonly string[], p: RefPacket) {
  const direction = p.direction === 'in' ? 'inbound' : 'outbound';
  const all = naiveSort(
    [...rules, ...REF_DEFAULTS].filter((r) => r.direction === direction),
    (r) => r.priority,
  );
  for (const r of all) {
    if (r.protocol !== '*' && r.protocol !== p.proto) continue;
    if (!refAddressMatch(r.source as Spec, p.src, vnet) || !refAddressMatch(r.destination as Spec, p.dst, vnet)) {
      continue;
    }
    if (!refPortIn(p.srcPort, r.sourcePorts) || !refPortIn(p.dstPort, r.destinationPorts)) continue;
    return { allowed: r.access === 'allow', rule: `nsg:${r.priority}:${r.name}` };
  }
  throw new Error('reference: no rule matched, yet DenyAll matches everything');
}

// ---------------------------------------------------------------------------------------------------------------
// Generators

const VNETS: readonly (readonly string[])[] = [
  ['10.0.0.0/16'],
  ['10.1.0.0/16', '2001:db8:1::/48'],
  ['192.168.1.0/24', '10.0.7.0/24'],
  [],
];

const arbEndpoint: fc.Arbitrary<Spec> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('*', 'VirtualNetwork', 'AzureLoadBalancer', 'Internet') },
  { weight: 4, arbitrary: arbCidr() },
  { weight: 1, arbitrary: fc.array(fc.oneof(arbCidr(), fc.constant('Internet')), { minLength: 1, maxLength: 3 }) },
);

const arbRules: fc.Arbitrary<NsgRule[]> = fc
  .uniqueArray(fc.tuple(fc.constantFrom('inbound', 'outbound'), fc.integer({ min: 100, max: 4096 })), {
    maxLength: 16,
    selector: ([d, p]) => `${d}:${p}`,
  })
  .chain((keys) =>
    fc.tuple(
      ...keys.map(([direction, priority], i) =>
        fc.record({
          name: fc.constant(`r${i}`),
          priority: fc.constant(priority),
          direction: fc.constant(direction as 'inbound' | 'outbound'),
          access: fc.constantFrom<'allow' | 'deny'>('allow', 'deny'),
          protocol: fc.constantFrom<NsgRule['protocol']>('tcp', 'udp', 'icmp', '*', '*'),
          source: arbEndpoint,
          sourcePorts: fc.oneof({ weight: 3, arbitrary: fc.constant('*') }, { weight: 1, arbitrary: arbPortSpec() }),
          destination: arbEndpoint,
          destinationPorts: arbPortSpec(),
        }),
      ),
    ),
  )
  .map((rules) => rules as NsgRule[]);

const arbRefPacket: fc.Arbitrary<RefPacket> = fc.record({
  proto: arbProto,
  src: arbAddress(),
  srcPort: arbPort(),
  dst: arbAddress(),
  dstPort: arbPort(),
  direction: fc.constantFrom<'in' | 'out'>('in', 'out'),
  syn: fc.constant(true),
});

function fill(packet: Packet, p: RefPacket): Packet {
  return packet.set(p.proto, parseAddress(p.src), p.srcPort, parseAddress(p.dst), p.dstPort, p.direction, p.syn);
}

const reverse = (p: RefPacket): RefPacket => ({
  ...p,
  src: p.dst,
  srcPort: p.dstPort,
  dst: p.src,
  dstPort: p.srcPort,
  direction: p.direction === 'in' ? 'out' : 'in',
  syn: false,
});

const userRule = (over: Partial<NsgRule> & Pick<NsgRule, 'name' | 'priority'>): NsgRule => ({
  direction: 'inbound',
  access: 'allow',
  protocol: 'tcp',
  source: '*',
  sourcePorts: '*',
  destination: '*',
  destinationPorts: '*',
  ...over,
});

const VNET = ['10.0.0.0/16'];
const vm = parseAddress('10.0.0.4');
const peer = parseAddress('10.0.1.5');
const internet = parseAddress('203.0.113.9');
const lb = parseAddress('168.63.129.16');

// ---------------------------------------------------------------------------------------------------------------

describe('compileNsg', () => {
  it('agrees with the reference evaluator on random rule sets, service tags and packets (IPv4 and IPv6)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        arbRules,
        fc.constantFrom(...VNETS),
        fc.array(arbRefPacket, { minLength: 8, maxLength: 8 }),
        (rules, vnet, packets) => {
          const nsg = compileNsg(rules, { virtualNetwork: vnet });
          const packet = new Packet();
          for (const p of packets) {
            const d = nsg.evaluate(fill(packet, p));
            const ref = reference(rules, vnet, p);
            expect({ allowed: d.allowed, rule: d.rule }).toEqual(ref);
            seen.add(/^nsg:6[05]\d\d\d:/.test(ref.rule) ? ref.rule : `user:${ref.allowed}`);
          }
        },
      ),
      { numRuns: 1000, seed: 501 },
    );
    // The random cases reach user rules both ways and every default rule.
    expect([...seen].sort()).toEqual(
      ['user:true', 'user:false', ...REF_DEFAULTS.map((r) => `nsg:${r.priority}:${r.name}`)].sort(),
    );
  });

  it('appends the default rules 65000/65001/65500 in both directions', () => {
    const nsg = compileNsg([], { virtualNetwork: VNET });
    const p = new Packet();
    expect(nsg.evaluate(p.set('tcp', peer, 999, vm, 22, 'in')).rule).toBe('nsg:65000:AllowVnetInBound');
    expect(nsg.evaluate(p.set('tcp', lb, 999, vm, 80, 'in')).rule).toBe('nsg:65001:AllowAzureLoadBalancerInBound');
    expect(nsg.evaluate(p.set('tcp', internet, 999, vm, 80, 'in'))).toMatchObject({
      allowed: false,
      rule: 'nsg:65500:DenyAllInBound',
    });
    expect(nsg.evaluate(p.set('udp', vm, 999, peer, 53, 'out')).rule).toBe('nsg:65000:AllowVnetOutBound');
    expect(nsg.evaluate(p.set('tcp', vm, 999, internet, 443, 'out')).rule).toBe('nsg:65001:AllowInternetOutBound');
    expect(nsg.evaluate(p.set('tcp', vm, 999, parseAddress('172.16.0.1'), 443, 'out'))).toMatchObject({
      allowed: false,
      rule: 'nsg:65500:DenyAllOutBound',
    });
    expect(nsg.rules.map((r) => `${r.direction}:${r.priority}`)).toEqual([
      'inbound:65000',
      'inbound:65001',
      'inbound:65500',
      'outbound:65000',
      'outbound:65001',
      'outbound:65500',
    ]);
    expect(NSG_DEFAULT_RULES).toHaveLength(6);
  });

  it('lets a user rule pre-empt a default rule only by matching first', () => {
    const nsg = compileNsg(
      [
        userRule({ name: 'deny-vnet-ssh', priority: 4096, access: 'deny', destinationPorts: 22 }),
        userRule({ name: 'allow-web', priority: 100, destinationPorts: '80,443' }),
      ],
      { virtualNetwork: VNET },
    );
    const p = new Packet();
    expect(nsg.evaluate(p.set('tcp', peer, 999, vm, 22, 'in'))).toMatchObject({
      allowed: false,
      rule: 'nsg:4096:deny-vnet-ssh',
    });
    expect(nsg.evaluate(p.set('tcp', internet, 999, vm, 443, 'in')).rule).toBe('nsg:100:allow-web');
    expect(nsg.evaluate(p.set('udp', internet, 999, vm, 443, 'in')).rule).toBe('nsg:65500:DenyAllInBound');
  });

  it.each([99, 4097, 65000, 65001, 65500, 0, 100.5])('refuses user priority %s', (priority) => {
    expect(() => compileNsg([userRule({ name: 'x', priority })], { virtualNetwork: VNET, name: 'web-nsg' })).toThrow(
      RuleCompileError,
    );
    expect(() => compileNsg([userRule({ name: 'x', priority })], { virtualNetwork: VNET, name: 'web-nsg' })).toThrow(
      /NSG web-nsg rule "x": priority .* outside 100-4096/,
    );
  });

  it('accepts the bounds 100 and 4096, and one priority used once per direction', () => {
    const rules = [
      userRule({ name: 'a', priority: 100 }),
      userRule({ name: 'b', priority: 4096 }),
      userRule({ name: 'c', priority: 100, direction: 'outbound' }),
    ];
    expect(compileNsg(rules, { virtualNetwork: VNET }).rules).toHaveLength(9);
  });

  it('refuses duplicate priorities in one direction, duplicate names, and default rule names', () => {
    expect(() =>
      compileNsg([userRule({ name: 'a', priority: 200 }), userRule({ name: 'b', priority: 200 })], {
        virtualNetwork: VNET,
      }),
    ).toThrow(/two inbound rules with priority 200/);
    expect(() =>
      compileNsg([userRule({ name: 'a', priority: 200 }), userRule({ name: 'a', priority: 300 })], {
        virtualNetwork: VNET,
      }),
    ).toThrow(/duplicate rule name "a"/);
    expect(() => compileNsg([userRule({ name: 'DenyAllInBound', priority: 300 })], { virtualNetwork: VNET })).toThrow(
      /duplicate rule name/,
    );
  });

  it('refuses bad fields naming the rule and field', () => {
    const bad = (over: Partial<NsgRule>) => () =>
      compileNsg([userRule({ name: 'bad', priority: 200, ...over })], { virtualNetwork: VNET });
    expect(bad({ protocol: 'Tcp' as never })).toThrow(/protocol "Tcp"/);
    expect(bad({ direction: 'in' as never })).toThrow(/direction "in"/);
    expect(bad({ source: 'Internett' })).toThrow(/rule "bad" source/);
    expect(bad({ destinationPorts: '70000' })).toThrow(/rule "bad" destinationPorts/);
  });

  it('treats Internet as outside the VNet, the load balancer and private ranges, for IPv4 and IPv6', () => {
    const nsg = compileNsg([userRule({ name: 'from-internet', priority: 100, source: 'Internet' })], {
      virtualNetwork: ['10.0.0.0/16', '2001:db8:1::/48'],
    });
    const p = new Packet();
    const from = (a: string) => nsg.evaluate(p.set('tcp', parseAddress(a), 1, vm, 80, 'in')).rule;
    expect(from('203.0.113.9')).toBe('nsg:100:from-internet');
    expect(from('2603:1000::1')).toBe('nsg:100:from-internet');
    expect(from('10.0.0.9')).toBe('nsg:65000:AllowVnetInBound');
    expect(from('2001:db8:1::9')).toBe('nsg:65000:AllowVnetInBound');
    expect(from('168.63.129.16')).toBe('nsg:65001:AllowAzureLoadBalancerInBound');
    expect(from('172.16.0.1')).toBe('nsg:65500:DenyAllInBound');
    expect(from('fd00::1')).toBe('nsg:65500:DenyAllInBound');
  });

  it('matches ICMP (port 0) only on rules whose ports include 0', () => {
    const nsg = compileNsg(
      [
        userRule({ name: 'icmp-any', priority: 100, protocol: 'icmp' }),
        userRule({ name: 'all-80', priority: 200, protocol: '*', destinationPorts: 80 }),
      ],
      { virtualNetwork: VNET },
    );
    const p = new Packet();
    expect(nsg.evaluate(p.set('icmp', internet, 0, vm, 0, 'in')).rule).toBe('nsg:100:icmp-any');
    expect(nsg.evaluate(p.set('udp', internet, 0, vm, 80, 'in')).rule).toBe('nsg:200:all-80');
  });

  it('returns the same preallocated Decision objects on every evaluation', () => {
    const nsg = compileNsg([userRule({ name: 'web', priority: 100, destinationPorts: 80 })], {
      virtualNetwork: VNET,
    });
    const p = new Packet().set('tcp', internet, 1, vm, 80, 'in');
    const d = nsg.evaluate(p);
    expect(nsg.evaluate(p)).toBe(d);
    p.dstPort = 81;
    expect(nsg.evaluate(p)).toBe(nsg.evaluate(p));
    expect(nsg.decisions).toContain(d);
    expect(nsg.decisions).toContain(nsg.evaluate(p));
  });
});

describe('NsgFilter (stateful)', () => {
  const TCP_IDLE_US = 4 * 60_000_000;
  const UDP_IDLE_US = 30_000_000;

  it('agrees with a reference flow model on packet sequences, including a rule change midway', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        arbRules,
        arbRules,
        fc.constantFrom(...VNETS),
        arbPacketSequence(arbRefPacket, 12, reverse),
        (rulesA, rulesB, vnet, steps) => {
          const filter = new NsgFilter(rulesA, { virtualNetwork: vnet });
          const flows = new RefFlows();
          const packet = new Packet();
          let rules = rulesA;
          let nowUs = 0;
          steps.forEach(({ packet: p, gapUs }, i) => {
            if (i === 6) {
              filter.setRules(rulesB);
              rules = rulesB;
            }
            nowUs += gapUs;
            const d = filter.process(fill(packet, p), nowUs);
            const hit = flows.match(p, nowUs);
            let ref: { allowed: boolean; rule: string };
            if (hit === 'forward') ref = { allowed: true, rule: 'flow:established' };
            else if (hit === 'reply') ref = { allowed: true, rule: 'flow:reply' };
            else {
              ref = reference(rules, vnet, p);
              if (ref.allowed) flows.open(p, nowUs, p.proto === 'tcp' ? TCP_IDLE_US : UDP_IDLE_US);
            }
            expect({ allowed: d.allowed, rule: d.rule }).toEqual(ref);
            seen.add(ref.rule.startsWith('flow:') ? ref.rule : `rules:${ref.allowed}`);
          });
        },
      ),
      { numRuns: 1000, seed: 502 },
    );
    expect([...seen].sort()).toEqual(['flow:established', 'flow:reply', 'rules:false', 'rules:true']);
  });

  it('passes the return traffic of an allowed flow regardless of rules', () => {
    const filter = new NsgFilter([], { virtualNetwork: VNET });
    const p = new Packet();
    expect(filter.process(p.set('tcp', vm, 50000, internet, 443, 'out'), 0).rule).toBe(
      'nsg:65001:AllowInternetOutBound',
    );
    // Inbound from the internet is denied by DenyAllInBound, but this is the reply.
    expect(filter.process(p.set('tcp', internet, 443, vm, 50000, 'in', false), 1_000)).toMatchObject({
      allowed: true,
      rule: 'flow:reply',
    });
    // A different source port is a different flow.
    expect(filter.process(p.set('tcp', internet, 444, vm, 50000, 'in'), 2_000).rule).toBe('nsg:65500:DenyAllInBound');
  });

  it('does not cut an established flow when the rule that allowed it is removed', () => {
    const allow = userRule({ name: 'allow-rdp', priority: 100, destinationPorts: 3389 });
    const filter = new NsgFilter([allow], { virtualNetwork: VNET });
    const p = new Packet();
    expect(filter.process(p.set('tcp', internet, 40000, vm, 3389, 'in'), 0).rule).toBe('nsg:100:allow-rdp');
    filter.setRules([]);
    expect(filter.process(p.set('tcp', internet, 40000, vm, 3389, 'in', false), 1_000).rule).toBe('flow:established');
    expect(filter.process(p.set('tcp', vm, 3389, internet, 40000, 'out', false), 2_000).rule).toBe('flow:reply');
    // A new connection is judged by the new rules.
    expect(filter.process(p.set('tcp', internet, 40001, vm, 3389, 'in'), 3_000).rule).toBe('nsg:65500:DenyAllInBound');
  });

  it('forgets a flow after its idle timeout', () => {
    const filter = new NsgFilter([], { virtualNetwork: VNET });
    const p = new Packet();
    filter.process(p.set('udp', vm, 5000, internet, 53, 'out'), 0);
    expect(filter.process(p.set('udp', internet, 53, vm, 5000, 'in'), UDP_IDLE_US - 1).rule).toBe('flow:reply');
    // The reply refreshed the flow.
    expect(filter.process(p, 2 * UDP_IDLE_US - 2).rule).toBe('flow:reply');
    expect(filter.process(p, 3 * UDP_IDLE_US - 2).rule).toBe('nsg:65500:DenyAllInBound');
  });

  it('does not track denied packets', () => {
    const filter = new NsgFilter([], { virtualNetwork: VNET });
    const p = new Packet();
    filter.process(p.set('tcp', internet, 1, vm, 22, 'in'), 0);
    expect(filter.flows.size).toBe(0);
    expect(filter.process(p.set('tcp', vm, 22, internet, 1, 'out'), 1).rule).toBe('nsg:65001:AllowInternetOutBound');
  });
});
