import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../../sim/network/address.js';
import { RuleCompileError } from '../../../sim/network/rules/decision.js';
import { compileEndpointAcl, type EndpointAclRule } from '../../../sim/network/rules/endpoint-acl.js';
import { arbAddress, arbCidr, naiveSort, refInCidr } from './gen.js';

/**
 * Reference from the documented behaviour: no ACL permits all; rules lowest order first, first match wins; if any rule
 * permits, the rest is denied, otherwise (deny-only) the rest is permitted.
 */
function reference(rules: readonly EndpointAclRule[] | undefined, remote: string): { allowed: boolean; rule: string } {
  if (rules === undefined || rules.length === 0) return { allowed: true, rule: 'default:no-acl' };
  for (const r of naiveSort(rules, (x) => x.order)) {
    if (refInCidr(remote, r.remoteSubnet)) return { allowed: r.action === 'permit', rule: `acl:${r.order}` };
  }
  return rules.some((r) => r.action === 'permit')
    ? { allowed: false, rule: 'default:acl-implicit-deny' }
    : { allowed: true, rule: 'default:acl-implicit-permit' };
}

const arbRules = fc
  .uniqueArray(fc.integer({ min: 0, max: 1000 }), { maxLength: 50 })
  .chain((orders) =>
    fc.tuple(
      ...orders.map((order) =>
        fc.record({
          order: fc.constant(order),
          action: fc.constantFrom<'permit' | 'deny'>('permit', 'deny', 'deny'),
          remoteSubnet: arbCidr(),
        }),
      ),
    ),
  )
  .map((rules) => rules as EndpointAclRule[]);

const rule = (order: number, action: 'permit' | 'deny', remoteSubnet: string): EndpointAclRule => ({
  order,
  action,
  remoteSubnet,
});

describe('compileEndpointAcl', () => {
  it('agrees with the reference evaluator on random rule sets of up to 50 rules (IPv4 and IPv6)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(arbRules, fc.array(arbAddress(), { minLength: 8, maxLength: 8 }), (rules, remotes) => {
        const acl = compileEndpointAcl(rules);
        for (const remote of remotes) {
          const d = acl.evaluate(parseAddress(remote));
          const ref = reference(rules, remote);
          expect({ allowed: d.allowed, rule: d.rule }).toEqual(ref);
          seen.add(ref.rule.startsWith('acl:') ? `rule:${ref.allowed}` : ref.rule);
        }
      }),
      { numRuns: 1000, seed: 401 },
    );
    expect([...seen].sort()).toEqual(
      ['default:acl-implicit-deny', 'default:acl-implicit-permit', 'default:no-acl', 'rule:false', 'rule:true'].sort(),
    );
  });

  it('permits everything when there is no ACL or an empty one', () => {
    for (const acl of [compileEndpointAcl(undefined), compileEndpointAcl([])]) {
      const d = acl.evaluate(parseAddress('203.0.113.9'));
      expect(d).toMatchObject({ allowed: true, rule: 'default:no-acl' });
      expect(acl.ruleCount).toBe(0);
    }
  });

  it('denies what a permit-only ACL does not permit', () => {
    const acl = compileEndpointAcl([rule(100, 'permit', '203.0.113.0/24')]);
    expect(acl.evaluate(parseAddress('203.0.113.7'))).toMatchObject({ allowed: true, rule: 'acl:100' });
    expect(acl.evaluate(parseAddress('198.51.100.1'))).toMatchObject({
      allowed: false,
      rule: 'default:acl-implicit-deny',
    });
  });

  it('permits what a deny-only ACL does not deny', () => {
    const acl = compileEndpointAcl([rule(100, 'deny', '203.0.113.0/24')]);
    expect(acl.evaluate(parseAddress('203.0.113.7'))).toMatchObject({ allowed: false, rule: 'acl:100' });
    expect(acl.evaluate(parseAddress('198.51.100.1'))).toMatchObject({
      allowed: true,
      rule: 'default:acl-implicit-permit',
    });
  });

  it('tries the lowest order first regardless of listing order', () => {
    const acl = compileEndpointAcl([rule(200, 'permit', '10.0.0.0/8'), rule(100, 'deny', '10.1.0.0/16')]);
    expect(acl.evaluate(parseAddress('10.1.2.3')).rule).toBe('acl:100');
    expect(acl.evaluate(parseAddress('10.2.2.3')).rule).toBe('acl:200');
  });

  it('matches IPv6 remote subnets and never matches across families', () => {
    const acl = compileEndpointAcl([rule(1, 'permit', '2001:db8::/32')]);
    expect(acl.evaluate(parseAddress('2001:db8:5::1')).allowed).toBe(true);
    expect(acl.evaluate(parseAddress('32.1.13.184')).rule).toBe('default:acl-implicit-deny');
  });

  it('accepts 50 rules and refuses 51, naming the count', () => {
    const rules = Array.from({ length: 51 }, (_, i) => rule(i, 'deny', `10.0.${i}.0/24`));
    expect(compileEndpointAcl(rules.slice(0, 50)).ruleCount).toBe(50);
    expect(() => compileEndpointAcl(rules, 'web:80')).toThrow(RuleCompileError);
    expect(() => compileEndpointAcl(rules, 'web:80')).toThrow(/web:80: 51 rules, at most 50/);
  });

  it('refuses duplicate and invalid order numbers and bad subnets', () => {
    expect(() => compileEndpointAcl([rule(1, 'deny', '10.0.0.0/8'), rule(1, 'permit', '::/0')])).toThrow(
      /duplicate order 1/,
    );
    expect(() => compileEndpointAcl([rule(-1, 'deny', '10.0.0.0/8')])).toThrow(/order -1/);
    expect(() => compileEndpointAcl([rule(1.5, 'deny', '10.0.0.0/8')])).toThrow(/order 1.5/);
    expect(() => compileEndpointAcl([rule(1, 'deny', '10.0.0.0/33')])).toThrow(/rule 1 remoteSubnet/);
  });

  it('returns the same preallocated Decision objects on every evaluation', () => {
    const acl = compileEndpointAcl([rule(100, 'permit', '10.0.0.0/8'), rule(200, 'deny', '::/0')]);
    const a = parseAddress('10.0.0.1');
    const b = parseAddress('192.0.2.1');
    const first = acl.evaluate(a);
    expect(acl.evaluate(a)).toBe(first);
    expect(acl.evaluate(b)).toBe(acl.evaluate(b));
    expect(acl.decisions).toContain(first);
    expect(acl.decisions).toContain(acl.evaluate(b));
    expect(Object.isFrozen(first)).toBe(true);
  });
});
