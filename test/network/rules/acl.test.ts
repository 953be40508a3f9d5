import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Packet, parseAddress } from '../../../sim/network/address.js';
import { type AclRule, clusterNodeRules, compileAcl, managementBoundaryRules } from '../../../sim/network/rules/acl.js';
import { RuleCompileError } from '../../../sim/network/rules/decision.js';
import { arbAddress, arbCidr, arbPort, arbPortSpec, arbProto, type Proto, refInCidr, refPortIn } from './gen.js';

interface RefPacket {
  proto: Proto;
  src: string;
  dst: string;
  dstPort: number;
}

/** Reference: rules in the order given, first match decides, else the default action. */
function reference(rules: readonly AclRule[], name: string, defaultAction: 'allow' | 'deny', p: RefPacket) {
  const inSpec = (spec: AclRule['source'], a: string) =>
    (typeof spec === 'string' ? [spec] : (spec as readonly string[])).some((c) => c === '*' || refInCidr(a, c));
  for (const r of rules) {
    if (r.protocol !== '*' && r.protocol !== p.proto) continue;
    if (inSpec(r.source, p.src) && inSpec(r.destination, p.dst) && refPortIn(p.dstPort, r.ports)) {
      return { allowed: r.action === 'allow', rule: `list:${name}:${r.name}` };
    }
  }
  return { allowed: defaultAction === 'allow', rule: `default:${name}:${defaultAction}` };
}

const arbSpec = fc.oneof(fc.constant('*'), arbCidr(), fc.array(arbCidr(), { minLength: 1, maxLength: 3 }));
const arbRules: fc.Arbitrary<AclRule[]> = fc
  .array(
    fc.record({
      action: fc.constantFrom<'allow' | 'deny'>('allow', 'deny'),
      source: arbSpec,
      destination: arbSpec,
      protocol: fc.constantFrom<AclRule['protocol']>('tcp', 'udp', 'icmp', '*'),
      ports: arbPortSpec(),
    }),
    { maxLength: 20 },
  )
  .map((rs) => rs.map((r, i) => ({ name: `n${i}`, ...r })));
const arbPacket: fc.Arbitrary<RefPacket> = fc.record({
  proto: arbProto,
  src: arbAddress(),
  dst: arbAddress(),
  dstPort: arbPort(),
});

const CORPNET = ['10.240.0.0/12', '2001:db8:c0::/48'];
const MGMT = '10.0.9.1';
const corp = parseAddress('10.241.3.4');
const mgmt = parseAddress(MGMT);
const node = parseAddress('10.0.0.11');
const node2 = parseAddress('10.0.0.12');

describe('compileAcl', () => {
  it('agrees with the reference evaluator on random ordered lists (IPv4 and IPv6)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        arbRules,
        fc.constantFrom<'allow' | 'deny'>('allow', 'deny'),
        fc.array(arbPacket, { minLength: 8, maxLength: 8 }),
        (rules, defaultAction, packets) => {
          const acl = compileAcl(rules, { name: 'edge', defaultAction });
          const packet = new Packet();
          for (const p of packets) {
            packet.set(p.proto, parseAddress(p.src), 1234, parseAddress(p.dst), p.dstPort, 'in');
            const d = acl.evaluate(packet);
            const ref = reference(rules, 'edge', defaultAction, p);
            expect({ allowed: d.allowed, rule: d.rule }).toEqual(ref);
            seen.add(`${ref.rule.split(':')[0]}:${ref.allowed}`);
          }
        },
      ),
      { numRuns: 1000, seed: 901 },
    );
    expect([...seen].sort()).toEqual(['default:false', 'default:true', 'list:false', 'list:true']);
  });

  it('denies by default', () => {
    const acl = compileAcl([], { name: 'empty' });
    expect(acl.evaluate(new Packet().set('tcp', corp, 1, mgmt, 19000, 'in'))).toMatchObject({
      allowed: false,
      rule: 'default:empty:deny',
    });
  });

  it('lets only corpnet ranges reach the management endpoint', () => {
    const acl = compileAcl(
      [
        ...managementBoundaryRules({ corpnet: CORPNET, managementEndpoint: MGMT, managementPorts: '19000,19080' }),
        ...clusterNodeRules({ nodes: '10.0.0.0/24', ports: '1433,5022' }),
      ],
      { name: 'sql-cluster' },
    );
    const p = new Packet();
    expect(acl.evaluate(p.set('tcp', corp, 1, mgmt, 19000, 'in')).rule).toBe('list:sql-cluster:corpnet-to-management');
    expect(acl.evaluate(p.set('tcp', parseAddress('2001:db8:c0::5'), 1, mgmt, 19080, 'in')).allowed).toBe(true);
    expect(acl.evaluate(p.set('tcp', parseAddress('203.0.113.9'), 1, mgmt, 19000, 'in'))).toMatchObject({
      allowed: false,
      rule: 'list:sql-cluster:others-to-management',
    });
    // A cluster node is not corpnet either.
    expect(acl.evaluate(p.set('tcp', node, 1, mgmt, 19000, 'in')).allowed).toBe(false);
    // Corpnet on another port of the endpoint is refused too.
    expect(acl.evaluate(p.set('tcp', corp, 1, mgmt, 3389, 'in')).rule).toBe('list:sql-cluster:others-to-management');
  });

  it('lets cluster nodes reach each other only on the listed ports', () => {
    const acl = compileAcl(clusterNodeRules({ nodes: '10.0.0.0/24', ports: '1433,5022' }), { name: 'nodes' });
    const p = new Packet();
    expect(acl.evaluate(p.set('tcp', node, 1, node2, 5022, 'in')).rule).toBe('list:nodes:node-to-node');
    expect(acl.evaluate(p.set('tcp', node, 1, node2, 3389, 'in')).rule).toBe('default:nodes:deny');
    expect(acl.evaluate(p.set('udp', node, 1, node2, 1433, 'in')).rule).toBe('default:nodes:deny');
    expect(acl.evaluate(p.set('tcp', corp, 1, node2, 1433, 'in')).rule).toBe('default:nodes:deny');
  });

  it('refuses duplicate names and bad fields, naming the list and rule', () => {
    const r: AclRule = { name: 'a', action: 'allow', source: '*', destination: '*', protocol: 'tcp', ports: '*' };
    expect(() => compileAcl([r, r], { name: 'x' })).toThrow(/ACL x: duplicate rule name "a"/);
    expect(() => compileAcl([{ ...r, action: 'permit' as never }], { name: 'x' })).toThrow(RuleCompileError);
    expect(() => compileAcl([{ ...r, source: '10.0.0.1/8' }], { name: 'x' })).toThrow(/ACL x rule "a" source/);
  });

  it('returns the same preallocated Decision objects on every evaluation', () => {
    const acl = compileAcl(clusterNodeRules({ nodes: '10.0.0.0/24', ports: 1433 }), { name: 'nodes' });
    const p = new Packet().set('tcp', node, 1, node2, 1433, 'in');
    const d = acl.evaluate(p);
    expect(acl.evaluate(p)).toBe(d);
    expect(acl.decisions).toContain(d);
  });
});
