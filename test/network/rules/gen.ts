/**
 * Test-only generators and reference helpers for the rule-engine property tests.
 *
 * Nothing here imports the engines' matching code: addresses are produced as BigInts and formatted with ipaddr.js,
 * and the reference matchers below use ipaddr.js `match()` directly. The engines' only contribution to a property
 * test is the compiled object under test.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';

// ---------------------------------------------------------------------------------------------------------------
// Addresses

function v4Text(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
}

function v6Text(n: bigint): string {
  const bytes: number[] = [];
  for (let s = 120n; s >= 0n; s -= 8n) bytes.push(Number((n >> s) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

export function textOf(family: 4 | 6, n: bigint): string {
  return family === 4 ? v4Text(n) : v6Text(n);
}

/** Neighbourhoods the generators cluster around, so that random CIDRs overlap and random addresses hit them. */
const V4_BASES = [
  '10.0.0.0',
  '10.1.0.0',
  '10.0.7.0',
  '192.168.1.0',
  '168.63.129.16',
  '8.8.8.0',
  '100.64.0.0',
  '172.16.5.0',
  '0.0.0.0',
  '255.255.255.0',
];
const V6_BASES = [
  '2001:db8::',
  '2001:db8:1::',
  '2001:db8:0:1::',
  'fd00::',
  'fe80::',
  '::',
  '::1',
  '2603:1000::',
  'ffff::',
];

function bigOf(text: string): bigint {
  return ipaddr
    .parse(text)
    .toByteArray()
    .reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

const V4_BASE_N = V4_BASES.map(bigOf);
const V6_BASE_N = V6_BASES.map(bigOf);

/** A random address (family, value) near one of the neighbourhoods. */
export function arbAddressValue(family: 4 | 6): fc.Arbitrary<{ family: 4 | 6; n: bigint }> {
  const bits = family === 4 ? 32 : 128;
  const bases = family === 4 ? V4_BASE_N : V6_BASE_N;
  const widths = family === 4 ? [0, 2, 4, 8, 12, 16, 24, 32] : [0, 4, 16, 32, 64, 96, 128];
  const max = (1n << BigInt(bits)) - 1n;
  return fc
    .tuple(fc.constantFrom(...bases), fc.constantFrom(...widths), fc.bigInt({ min: 0n, max }))
    .map(([base, w, r]) => ({ family, n: (base ^ (r & ((1n << BigInt(w)) - 1n))) & max }));
}

/** An address text of either family (IPv4 three times out of four). */
export function arbAddress(): fc.Arbitrary<string> {
  return fc
    .oneof({ weight: 3, arbitrary: arbAddressValue(4) }, { weight: 1, arbitrary: arbAddressValue(6) })
    .map(({ family, n }) => textOf(family, n));
}

export function arbAddressOf(family: 4 | 6): fc.Arbitrary<string> {
  return arbAddressValue(family).map(({ n }) => textOf(family, n));
}

/** A canonical CIDR (host bits zero) of either family, sometimes a bare address. */
export function arbCidr(): fc.Arbitrary<string> {
  const v4 = fc.tuple(arbAddressValue(4), fc.constantFrom(0, 1, 8, 10, 12, 16, 20, 24, 28, 30, 31, 32, -1));
  const v6 = fc.tuple(arbAddressValue(6), fc.constantFrom(0, 1, 16, 32, 48, 64, 96, 112, 127, 128, -1));
  return fc.oneof({ weight: 3, arbitrary: v4 }, { weight: 1, arbitrary: v6 }).map(([{ family, n }, prefix]) => {
    const bits = family === 4 ? 32 : 128;
    if (prefix < 0) return textOf(family, n);
    const host = (1n << BigInt(bits - prefix)) - 1n;
    return `${textOf(family, n & ~host)}/${prefix}`;
  });
}

/** Ports clustered on interesting values. */
export function arbPort(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(0, 22, 53, 67, 68, 80, 443, 1000, 1433, 1500, 2000, 2001, 65535),
    fc.integer({ min: 0, max: 65535 }),
  );
}

/** A port spec as rules write it: '*', '80', '1000-2000', 80, or a list. */
export function arbPortSpec(): fc.Arbitrary<string | number | (string | number)[]> {
  const single = arbPort();
  const range = fc.tuple(arbPort(), arbPort()).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`);
  const item = fc.oneof(single.map(String), single, range);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant('*') },
    { weight: 3, arbitrary: item },
    { weight: 1, arbitrary: fc.array(item, { minLength: 1, maxLength: 3 }) },
  );
}

export type Proto = 'tcp' | 'udp' | 'icmp';
export const arbProto: fc.Arbitrary<Proto> = fc.constantFrom('tcp', 'udp', 'icmp');

// ---------------------------------------------------------------------------------------------------------------
// Reference matchers: ipaddr.js and string handling only.

const parseCache = new Map<string, ipaddr.IPv4 | ipaddr.IPv6>();
const cidrCache = new Map<string, [ipaddr.IPv4 | ipaddr.IPv6, number]>();

/** ipaddr.js parse, memoised (the property tests ask about the same texts many times). */
export function refParse(text: string): ipaddr.IPv4 | ipaddr.IPv6 {
  let a = parseCache.get(text);
  if (a === undefined) {
    a = ipaddr.parse(text);
    parseCache.set(text, a);
  }
  return a;
}

/** True when `addr` lies inside `cidr` (a CIDR or a bare address), by ipaddr.js `match`. */
export function refInCidr(addr: string, cidr: string): boolean {
  const a = refParse(addr);
  let range = cidrCache.get(cidr);
  if (range === undefined) {
    const bare = cidr.includes('/') ? undefined : ipaddr.parse(cidr);
    range = bare === undefined ? ipaddr.parseCIDR(cidr) : [bare, bare.kind() === 'ipv4' ? 32 : 128];
    cidrCache.set(cidr, range);
  }
  const [net, prefix] = range;
  if (a.kind() !== net.kind()) return false;
  return a.match(net, prefix);
}

/** True when `port` is in a port spec, read naively. */
export function refPortIn(port: number, spec: string | number | readonly (string | number)[]): boolean {
  const items = Array.isArray(spec) ? spec : String(spec).split(',');
  return items.some((raw) => {
    const item = String(raw).trim();
    if (item === '*') return true;
    if (item.includes('-')) {
      const [a, b] = item.split('-').map(Number);
      return port >= a! && port <= b!;
    }
    return port === Number(item);
  });
}

/** Sorts a copy by key with insertion sort — deliberately not the engines' sort. Stable. */
export function naiveSort<T>(items: readonly T[], key: (t: T) => number): T[] {
  const out: T[] = [];
  for (const it of items) {
    let i = out.length;
    while (i > 0 && key(out[i - 1]!) > key(it)) i--;
    out.splice(i, 0, it);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Reference flow tracking: a plain array searched linearly.

export interface RefPacket {
  proto: Proto;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

interface RefFlow extends RefPacket {
  expiresAtUs: number;
  idleUs: number;
}

function sameAddr(a: string, b: string): boolean {
  const x = refParse(a);
  const y = refParse(b);
  return x.kind() === y.kind() && x.toNormalizedString() === y.toNormalizedString();
}

export class RefFlows {
  private flows: RefFlow[] = [];

  /** 'forward', 'reply' or undefined; refreshes the flow it finds. */
  match(p: RefPacket, nowUs: number): 'forward' | 'reply' | undefined {
    this.flows = this.flows.filter((f) => nowUs < f.expiresAtUs);
    if (refParse(p.src).kind() !== refParse(p.dst).kind()) return undefined;
    for (const f of this.flows) {
      if (f.proto !== p.proto) continue;
      if (sameAddr(f.src, p.src) && f.srcPort === p.srcPort && sameAddr(f.dst, p.dst) && f.dstPort === p.dstPort) {
        f.expiresAtUs = nowUs + f.idleUs;
        return 'forward';
      }
    }
    for (const f of this.flows) {
      if (f.proto !== p.proto) continue;
      if (sameAddr(f.src, p.dst) && f.srcPort === p.dstPort && sameAddr(f.dst, p.src) && f.dstPort === p.srcPort) {
        f.expiresAtUs = nowUs + f.idleUs;
        return 'reply';
      }
    }
    return undefined;
  }

  /** Forgets the flow `p` belongs to, either way; true if there was a live or not-yet-purged one. */
  close(p: RefPacket): boolean {
    const before = this.flows.length;
    this.flows = this.flows.filter(
      (f) =>
        !(
          f.proto === p.proto &&
          ((sameAddr(f.src, p.src) && f.srcPort === p.srcPort && sameAddr(f.dst, p.dst) && f.dstPort === p.dstPort) ||
            (sameAddr(f.src, p.dst) && f.srcPort === p.dstPort && sameAddr(f.dst, p.src) && f.dstPort === p.srcPort))
        ),
    );
    return this.flows.length < before;
  }

  /** Live flows at `nowUs`. */
  liveCount(nowUs: number): number {
    return this.flows.filter((f) => nowUs < f.expiresAtUs).length;
  }

  open(p: RefPacket, nowUs: number, idleUs: number): void {
    if (refParse(p.src).kind() !== refParse(p.dst).kind()) return;
    if (this.match(p, nowUs) !== undefined) return;
    this.flows.push({ ...p, expiresAtUs: nowUs + idleUs, idleUs });
  }
}

/**
 * A packet sequence where some packets reply to (`reverse`) or repeat earlier ones; each step comes `gapUs` after the
 * previous one, with gaps around the flow timeouts.
 */
export function arbPacketSequence<P extends RefPacket>(
  arbFresh: fc.Arbitrary<P>,
  length: number,
  reverse: (p: P) => P,
): fc.Arbitrary<{ packet: P; gapUs: number }[]> {
  return fc
    .array(
      fc.tuple(
        arbFresh,
        fc.constantFrom('fresh', 'fresh', 'reply', 'repeat'),
        fc.nat(),
        fc.constantFrom(1, 1_000, 1_000_000, 10_000_000, 40_000_000, 300_000_000),
      ),
      { minLength: length, maxLength: length },
    )
    .map((steps) => {
      const out: { packet: P; gapUs: number }[] = [];
      for (const [fresh, kind, pick, gapUs] of steps) {
        const earlier = out.length > 0 ? out[pick % out.length]!.packet : undefined;
        let packet = fresh;
        if (earlier !== undefined && kind === 'reply') {
          packet = reverse(earlier);
        } else if (earlier !== undefined && kind === 'repeat') {
          packet = { ...earlier };
        }
        out.push({ packet, gapUs });
      }
      return out;
    });
}
