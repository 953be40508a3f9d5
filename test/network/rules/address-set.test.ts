import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../../sim/network/address.js';
import { AddressSet, compileAddressSpec } from '../../../sim/network/rules/address-set.js';
import { RuleCompileError } from '../../../sim/network/rules/decision.js';
import { arbAddress, arbCidr, refInCidr } from './gen.js';

const arbCidrs = fc.array(arbCidr(), { minLength: 1, maxLength: 8 });
const arbProbes = fc.array(arbAddress(), { minLength: 6, maxLength: 6 });

describe('AddressSet', () => {
  it('contains an address exactly when one of its overlapping CIDRs matches it (IPv4 and IPv6)', () => {
    fc.assert(
      fc.property(arbCidrs, arbProbes, (cidrs, probes) => {
        const set = compileAddressSpec(cidrs, 'test');
        for (const a of probes) expect(set.contains(parseAddress(a))).toBe(cidrs.some((c) => refInCidr(a, c)));
      }),
      { numRuns: 1000, seed: 201 },
    );
  });

  it('complement() holds exactly the addresses outside the set', () => {
    fc.assert(
      fc.property(arbCidrs, arbProbes, (cidrs, probes) => {
        const set = compileAddressSpec(cidrs, 'test').complement();
        for (const a of probes) expect(set.contains(parseAddress(a))).toBe(!cidrs.some((c) => refInCidr(a, c)));
      }),
      { numRuns: 300, seed: 202 },
    );
  });

  it('minus() removes the second set', () => {
    fc.assert(
      fc.property(arbCidrs, arbCidrs, arbProbes, (a, b, probes) => {
        const set = compileAddressSpec(a, 'a').minus(compileAddressSpec(b, 'b'));
        for (const x of probes) {
          const ref = a.some((c) => refInCidr(x, c)) && !b.some((c) => refInCidr(x, c));
          expect(set.contains(parseAddress(x))).toBe(ref);
        }
      }),
      { numRuns: 300, seed: 203 },
    );
  });

  it('merges overlapping and adjacent ranges', () => {
    const set = compileAddressSpec(['10.0.0.0/25', '10.0.0.128/25', '10.0.0.64/26'], 'test');
    expect(set.ranges).toEqual([{ family: 4, lo: 0x0a000000n, hi: 0x0a0000ffn }]);
  });

  it("'*' is every address of both families; NONE is empty", () => {
    expect(compileAddressSpec('*', 'test')).toBe(AddressSet.ANY);
    expect(AddressSet.ANY.contains(parseAddress('ffff::1'))).toBe(true);
    expect(AddressSet.ANY.contains(parseAddress('0.0.0.0'))).toBe(true);
    expect(AddressSet.NONE.isEmpty).toBe(true);
    expect(AddressSet.NONE.contains(parseAddress('10.0.0.1'))).toBe(false);
  });

  it('resolves tag names before parsing', () => {
    const tag = compileAddressSpec('10.0.0.0/8', 'tag');
    expect(compileAddressSpec(['Corp', '::1'], 'test', { Corp: tag }).contains(parseAddress('10.9.9.9'))).toBe(true);
  });

  it('refuses a bad CIDR or an empty list, naming where', () => {
    expect(() => compileAddressSpec('10.0.0.1/8', 'rule r1 source')).toThrow(RuleCompileError);
    expect(() => compileAddressSpec('10.0.0.1/8', 'rule r1 source')).toThrow(/rule r1 source.*10\.0\.0\.1\/8/);
    expect(() => compileAddressSpec([], 'rule r2 source')).toThrow(/rule r2 source: empty/);
  });
});
