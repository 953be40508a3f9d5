/**
 * A compiled set of addresses: CIDR ranges of both families turned into sorted, disjoint integer ranges in typed
 * arrays, searched by bisection. Built at load time (BigInt arithmetic, allocation allowed); `contains` is pure index
 * arithmetic on unsigned 32-bit words and allocates nothing.
 */
import {
  type Address,
  AddressError,
  type AddressFamily,
  addressFromBigInt,
  addressToBigInt,
  type CidrRange,
  parseCidr,
} from '../address.js';
import { RuleCompileError } from './decision.js';

/** An inclusive range over one family's integer address space, for load-time set algebra. */
export interface BigRange {
  readonly family: AddressFamily;
  readonly lo: bigint;
  readonly hi: bigint;
}

const MAX = { 4: 0xffff_ffffn, 6: (1n << 128n) - 1n } as const;
const WORD_MASK = 0xffff_ffffn;

/** Sorts and merges overlapping or adjacent ranges of one family. */
function normalise(ranges: readonly BigRange[], family: AddressFamily): BigRange[] {
  const sorted = ranges
    .filter((r) => r.family === family)
    .slice()
    .sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: BigRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.lo <= last.hi + 1n) {
      if (r.hi > last.hi) out[out.length - 1] = { family, lo: last.lo, hi: r.hi };
    } else {
      out.push(r);
    }
  }
  return out;
}

/** -1, 0 or 1 comparing the IPv6 range bound stored at words[4i..4i+3] with address `a`. */
function cmp6(words: Uint32Array, i: number, a: Address): number {
  const o = i * 4;
  const x0 = words[o]!;
  if (x0 !== a.w0) return x0 < a.w0 ? -1 : 1;
  const x1 = words[o + 1]!;
  if (x1 !== a.w1) return x1 < a.w1 ? -1 : 1;
  const x2 = words[o + 2]!;
  if (x2 !== a.w2) return x2 < a.w2 ? -1 : 1;
  const x3 = words[o + 3]!;
  if (x3 !== a.w3) return x3 < a.w3 ? -1 : 1;
  return 0;
}

export class AddressSet {
  /** Lower and upper bounds of the IPv4 ranges, sorted, disjoint, non-adjacent. */
  private readonly v4Lo: Uint32Array;
  private readonly v4Hi: Uint32Array;
  /** IPv6 bounds, four words per range, most significant first. */
  private readonly v6Lo: Uint32Array;
  private readonly v6Hi: Uint32Array;
  private readonly ranges4: readonly BigRange[];
  private readonly ranges6: readonly BigRange[];

  private constructor(ranges: readonly BigRange[]) {
    this.ranges4 = normalise(ranges, 4);
    this.ranges6 = normalise(ranges, 6);
    this.v4Lo = Uint32Array.from(this.ranges4, (r) => Number(r.lo));
    this.v4Hi = Uint32Array.from(this.ranges4, (r) => Number(r.hi));
    this.v6Lo = new Uint32Array(this.ranges6.length * 4);
    this.v6Hi = new Uint32Array(this.ranges6.length * 4);
    this.ranges6.forEach((r, i) => {
      for (let k = 0; k < 4; k++) {
        const shift = BigInt(96 - 32 * k);
        this.v6Lo[i * 4 + k] = Number((r.lo >> shift) & WORD_MASK);
        this.v6Hi[i * 4 + k] = Number((r.hi >> shift) & WORD_MASK);
      }
    });
  }

  static fromRanges(ranges: readonly BigRange[]): AddressSet {
    return new AddressSet(ranges);
  }

  static fromCidrs(cidrs: readonly CidrRange[]): AddressSet {
    return new AddressSet(
      cidrs.map((c) => ({ family: c.family, lo: addressToBigInt(c.first), hi: addressToBigInt(c.last) })),
    );
  }

  /** The set of the given single addresses. */
  static fromAddresses(addrs: readonly Address[]): AddressSet {
    return new AddressSet(
      addrs.map((a) => {
        const n = addressToBigInt(a);
        return { family: a.family, lo: n, hi: n };
      }),
    );
  }

  /** The union of all `sets`, merged once (a fold of `union` re-merges the growing set at every step). */
  static unionAll(sets: readonly AddressSet[]): AddressSet {
    if (sets.length === 1) return sets[0]!;
    const ranges: BigRange[] = [];
    for (const s of sets) {
      for (const r of s.ranges4) ranges.push(r);
      for (const r of s.ranges6) ranges.push(r);
    }
    return new AddressSet(ranges);
  }

  /** Every IPv4 and every IPv6 address. */
  static readonly ANY: AddressSet = new AddressSet([
    { family: 4, lo: 0n, hi: MAX[4] },
    { family: 6, lo: 0n, hi: MAX[6] },
  ]);

  /** No address at all. */
  static readonly NONE: AddressSet = new AddressSet([]);

  /** The merged ranges, IPv4 first; for tests, traces and further set algebra. */
  get ranges(): readonly BigRange[] {
    return [...this.ranges4, ...this.ranges6];
  }

  get isEmpty(): boolean {
    return this.ranges4.length === 0 && this.ranges6.length === 0;
  }

  union(other: AddressSet): AddressSet {
    return new AddressSet([...this.ranges, ...other.ranges]);
  }

  /** Every address of both families that is not in this set. */
  complement(): AddressSet {
    const out: BigRange[] = [];
    for (const [family, ranges] of [
      [4, this.ranges4],
      [6, this.ranges6],
    ] as const) {
      let next = 0n;
      for (const r of ranges) {
        if (r.lo > next) out.push({ family, lo: next, hi: r.lo - 1n });
        next = r.hi + 1n;
      }
      if (next <= MAX[family]) out.push({ family, lo: next, hi: MAX[family] });
    }
    return new AddressSet(out);
  }

  /** Addresses in this set and not in `other`. */
  minus(other: AddressSet): AddressSet {
    return this.complement().union(other).complement();
  }

  /** True when `a` is in the set. Bisection over typed arrays; allocation-free. */
  contains(a: Address): boolean {
    if (a.family === 4) {
      const lo = this.v4Lo;
      const x = a.w3;
      let l = 0;
      let h = lo.length - 1;
      let found = -1;
      while (l <= h) {
        const m = (l + h) >>> 1;
        if (lo[m]! <= x) {
          found = m;
          l = m + 1;
        } else {
          h = m - 1;
        }
      }
      return found >= 0 && x <= this.v4Hi[found]!;
    }
    const n = this.v6Lo.length >>> 2;
    let l = 0;
    let h = n - 1;
    let found = -1;
    while (l <= h) {
      const m = (l + h) >>> 1;
      if (cmp6(this.v6Lo, m, a) <= 0) {
        found = m;
        l = m + 1;
      } else {
        h = m - 1;
      }
    }
    return found >= 0 && cmp6(this.v6Hi, found, a) >= 0;
  }

  /** Debug text: the ranges as first–last address pairs. */
  toString(): string {
    return this.ranges
      .map((r) => `${addressFromBigInt(r.family, r.lo).text}-${addressFromBigInt(r.family, r.hi).text}`)
      .join(',');
  }
}

const NO_TAGS: Readonly<Record<string, AddressSet>> = Object.freeze({});

/**
 * Sets compiled from a single text without tags, kept (sets are immutable): a region compiles the same VNet and
 * service addresses for thousands of host filters. Bounded; emptied when full.
 */
const compiledTexts = new Map<string, AddressSet>();
const COMPILED_MAX = 16_384;

/**
 * An address field as written in a rule: a CIDR, a bare address, '*', a tag name, or a list of those; or a set
 * already compiled (used by rule generators such as the fabric agent's).
 */
export type AddressSpec = string | readonly string[] | AddressSet;

/**
 * Compiles an address spec. '*' is every address of both families; a name found in `tags` is that set; anything else
 * must parse as a CIDR or address. Throws `RuleCompileError` naming `where` and the bad text.
 */
export function compileAddressSpec(
  spec: AddressSpec,
  where: string,
  tags: Readonly<Record<string, AddressSet>> = NO_TAGS,
): AddressSet {
  if (spec instanceof AddressSet) return spec;
  if (typeof spec === 'string' && tags === NO_TAGS) {
    let set = compiledTexts.get(spec);
    if (set === undefined) {
      set = compileAddressList(spec, where, tags);
      if (compiledTexts.size >= COMPILED_MAX) compiledTexts.clear();
      compiledTexts.set(spec, set);
    }
    return set;
  }
  return compileAddressList(spec, where, tags);
}

function compileAddressList(
  spec: string | readonly string[],
  where: string,
  tags: Readonly<Record<string, AddressSet>>,
): AddressSet {
  const items = typeof spec === 'string' ? [spec] : spec;
  if (items.length === 0) throw new RuleCompileError(`${where}: empty address list`);
  let set = AddressSet.NONE;
  for (const item of items) {
    if (item === '*') return AddressSet.ANY;
    const tag = Object.hasOwn(tags, item) ? tags[item] : undefined;
    if (tag !== undefined) {
      set = set.union(tag);
      continue;
    }
    try {
      set = set.union(AddressSet.fromCidrs([parseCidr(item)]));
    } catch (e) {
      if (e instanceof AddressError) throw new RuleCompileError(`${where}: ${e.message}`);
      throw e;
    }
  }
  return set;
}
