import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import {
  AddressError,
  addressEquals,
  addressFromBigInt,
  addressToBigInt,
  cidrContains,
  compareAddress,
  Packet,
  parseAddress,
  parseCidr,
} from '../../sim/network/address.js';
import { arbAddress, arbCidr, refInCidr } from './rules/gen.js';

function bigOf(text: string): bigint {
  return ipaddr
    .parse(text)
    .toByteArray()
    .reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

describe('parseAddress', () => {
  it('parses IPv4 into w3 with zero high words and canonical text', () => {
    const a = parseAddress('10.0.0.1');
    expect(a).toMatchObject({ family: 4, w0: 0, w1: 0, w2: 0, w3: 0x0a000001, text: '10.0.0.1' });
    expect(parseAddress('255.255.255.255').w3).toBe(0xffffffff);
  });

  it('parses IPv6 into four words and RFC 5952 text', () => {
    const a = parseAddress('2001:DB8:0:0:0:0:0:1');
    expect(a).toMatchObject({ family: 6, w0: 0x20010db8, w1: 0, w2: 0, w3: 1, text: '2001:db8::1' });
    expect(parseAddress('::ffff:1.2.3.4')).toMatchObject({ family: 6, w2: 0xffff, w3: 0x01020304 });
  });

  it('returns frozen addresses', () => {
    expect(Object.isFrozen(parseAddress('10.0.0.1'))).toBe(true);
  });

  it.each(['', '10.1', '010.0.0.1', '1.2.3.256', '1.2.3.4 ', 'fe80::1%eth0', 'abc', '1::2::3', '10.0.0.0/8'])(
    'rejects %j with an AddressError quoting the text',
    (text) => {
      expect(() => parseAddress(text)).toThrow(AddressError);
      expect(() => parseAddress(text)).toThrow(JSON.stringify(text));
    },
  );

  it('keeps the families apart: IPv4 0.0.0.1 is not IPv6 ::1', () => {
    expect(addressEquals(parseAddress('0.0.0.1'), parseAddress('::1'))).toBe(false);
    expect(compareAddress(parseAddress('255.255.255.255'), parseAddress('::'))).toBeLessThan(0);
  });

  it('round-trips through BigInt and agrees with ipaddr.js byte order', () => {
    fc.assert(
      fc.property(arbAddress(), (text) => {
        const a = parseAddress(text);
        expect(addressToBigInt(a)).toBe(bigOf(text));
        expect(addressEquals(addressFromBigInt(a.family, addressToBigInt(a)), a)).toBe(true);
      }),
      { numRuns: 1000, seed: 101 },
    );
  });

  it('orders addresses of one family as their integer values', () => {
    fc.assert(
      fc.property(arbAddress(), arbAddress(), (x, y) => {
        const a = parseAddress(x);
        const b = parseAddress(y);
        fc.pre(a.family === b.family);
        const ref = Math.sign(Number(bigOf(x) - bigOf(y)));
        expect(Math.sign(compareAddress(a, b))).toBe(ref);
      }),
      { numRuns: 1000, seed: 102 },
    );
  });
});

describe('parseCidr', () => {
  it('parses a prefix into first and last address', () => {
    const r = parseCidr('10.0.0.0/8');
    expect(r).toMatchObject({ family: 4, prefix: 8, text: '10.0.0.0/8' });
    expect(r.first.text).toBe('10.0.0.0');
    expect(r.last.text).toBe('10.255.255.255');
    const r6 = parseCidr('2001:db8::/32');
    expect(r6.last.text).toBe('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff');
  });

  it('reads a bare address as a single host', () => {
    expect(parseCidr('10.0.0.5')).toMatchObject({ prefix: 32, text: '10.0.0.5/32' });
    expect(parseCidr('::1')).toMatchObject({ prefix: 128 });
  });

  it('accepts /0 as the whole family', () => {
    expect(parseCidr('0.0.0.0/0').last.text).toBe('255.255.255.255');
    expect(parseCidr('::/0').last.text).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
  });

  it('refuses set host bits and suggests the network', () => {
    expect(() => parseCidr('10.0.0.1/8')).toThrow(/did you mean 10\.0\.0\.0\/8/);
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0/-1', 'x/8', '10.0.0/8'])(
    'rejects %j with an AddressError quoting the text',
    (text) => {
      expect(() => parseCidr(text)).toThrow(AddressError);
      expect(() => parseCidr(text)).toThrow(JSON.stringify(text));
    },
  );

  it('contains exactly the addresses ipaddr.js matches', () => {
    fc.assert(
      fc.property(arbCidr(), fc.array(arbAddress(), { minLength: 4, maxLength: 4 }), (cidr, addrs) => {
        const r = parseCidr(cidr);
        for (const a of addrs) expect(cidrContains(r, parseAddress(a))).toBe(refInCidr(a, cidr));
      }),
      { numRuns: 1000, seed: 103 },
    );
  });
});

describe('Packet', () => {
  it('starts as an inbound TCP opening packet and is refilled in place by set()', () => {
    const p = new Packet();
    expect(p).toMatchObject({ proto: 'tcp', direction: 'in', syn: true, srcPort: 0, dstPort: 0 });
    const a = parseAddress('10.0.0.1');
    const b = parseAddress('10.0.0.2');
    expect(p.set('udp', a, 5000, b, 53, 'out', false)).toBe(p);
    expect(p).toMatchObject({ proto: 'udp', src: a, srcPort: 5000, dst: b, dstPort: 53, direction: 'out', syn: false });
  });
});
