/**
 * IP addresses, CIDR ranges and the reusable packet struct the rule engines read.
 *
 * An address is parsed once (at scenario load) into a frozen object of four unsigned 32-bit words, most significant
 * first. IPv6 uses all four; IPv4 keeps its value in `w3` and zeros in `w0`–`w2`. The family always travels with the
 * words, so the IPv4 address 0.0.0.1 and the IPv6 address ::1 never compare equal. Rule engines compare these words
 * with plain integer arithmetic, so matching a packet never allocates.
 *
 * Parsing is strict: IPv4 must be four dotted decimals without leading zeros ("10.0.0.1", not "10.1" or "010.0.0.1");
 * IPv6 follows RFC 4291 text forms (embedded IPv4 allowed) without a zone id. IPv4-mapped IPv6 addresses
 * (::ffff:a.b.c.d) stay IPv6: the simulated network never produces them, and folding them into IPv4 would let a
 * rule written for one family match the other.
 */
import ipaddr from 'ipaddr.js';

export type AddressFamily = 4 | 6;

/** An immutable IPv4 or IPv6 address. Words are unsigned 32-bit integers, `w0` most significant. */
export interface Address {
  readonly family: AddressFamily;
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  /** Canonical text: dotted decimal for IPv4, RFC 5952 for IPv6. */
  readonly text: string;
}

/** An inclusive range of addresses of one family, written as a CIDR prefix. */
export interface CidrRange {
  readonly family: AddressFamily;
  /** Prefix length: 0–32 for IPv4, 0–128 for IPv6. */
  readonly prefix: number;
  /** Lowest address of the range (the network address). */
  readonly first: Address;
  /** Highest address of the range. */
  readonly last: Address;
  /** Canonical text, e.g. "10.0.0.0/8". */
  readonly text: string;
}

/** A text that is not an address or CIDR range; the message quotes the text. */
export class AddressError extends Error {
  readonly text: string;
  constructor(text: string, reason: string) {
    super(`invalid address ${JSON.stringify(text)}: ${reason}`);
    this.name = 'AddressError';
    this.text = text;
  }
}

const WORD = 0x1_0000_0000n;
const MASK_128 = (1n << 128n) - 1n;

function makeAddress(family: AddressFamily, w0: number, w1: number, w2: number, w3: number): Address {
  const text = family === 4 ? formatV4(w3) : formatV6(w0, w1, w2, w3);
  return Object.freeze({ family, w0, w1, w2, w3, text });
}

function formatV4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

function formatV6(w0: number, w1: number, w2: number, w3: number): string {
  const parts = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  return new ipaddr.IPv6(parts).toRFC5952String();
}

/**
 * Parses an IPv4 or IPv6 address. Throws `AddressError` naming the text when it is neither.
 * Allocates; call it at load time, never per packet.
 */
export function parseAddress(text: string): Address {
  if (typeof text !== 'string') throw new AddressError(String(text), 'not a string');
  if (text.includes('.') && !text.includes(':')) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(text)) {
      throw new AddressError(text, 'expected four decimal octets 0-255, e.g. 10.0.0.1');
    }
    const o = ipaddr.IPv4.parse(text).octets;
    const v = ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
    return makeAddress(4, 0, 0, 0, v);
  }
  if (text.includes(':')) {
    if (text.includes('%')) throw new AddressError(text, 'IPv6 zone ids are not supported');
    if (!ipaddr.IPv6.isValid(text)) throw new AddressError(text, 'not a valid IPv6 address');
    const p = ipaddr.IPv6.parse(text).parts;
    const word = (i: number) => ((p[i]! << 16) | p[i + 1]!) >>> 0;
    return makeAddress(6, word(0), word(2), word(4), word(6));
  }
  throw new AddressError(text, 'neither an IPv4 nor an IPv6 address');
}

/**
 * Parses "address/prefix" into an inclusive range. A bare address is a single-host range (/32 or /128).
 * Host bits must be zero ("10.0.0.0/8", not "10.0.0.1/8"): a set host bit is nearly always a typing mistake, so it
 * is refused with the corrected network in the message.
 */
export function parseCidr(text: string): CidrRange {
  if (typeof text !== 'string') throw new AddressError(String(text), 'not a string');
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  let base: Address;
  try {
    base = parseAddress(addressText);
  } catch {
    throw new AddressError(text, `bad address part ${JSON.stringify(addressText)}`);
  }
  const bits = base.family === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
      throw new AddressError(text, `prefix length must be an integer 0-${bits}`);
    }
    prefix = Number(prefixText);
  }
  const n = addressToBigInt(base);
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  const first = n & ~hostMask;
  if (first !== n) {
    const network = addressFromBigInt(base.family, first);
    throw new AddressError(text, `host bits are set (did you mean ${network.text}/${prefix}?)`);
  }
  const last = addressFromBigInt(base.family, first | hostMask);
  return Object.freeze({ family: base.family, prefix, first: base, last, text: `${base.text}/${prefix}` });
}

/** The address as an unsigned integer (IPv4: 0 … 2^32−1, IPv6: 0 … 2^128−1). For load-time range arithmetic. */
export function addressToBigInt(a: Address): bigint {
  if (a.family === 4) return BigInt(a.w3);
  return ((BigInt(a.w0) * WORD + BigInt(a.w1)) * WORD + BigInt(a.w2)) * WORD + BigInt(a.w3);
}

/** Inverse of `addressToBigInt`; `value` must fit the family. */
export function addressFromBigInt(family: AddressFamily, value: bigint): Address {
  const max = family === 4 ? 0xffff_ffffn : MASK_128;
  if (value < 0n || value > max) throw new AddressError(String(value), `out of range for IPv${family}`);
  if (family === 4) return makeAddress(4, 0, 0, 0, Number(value));
  const w3 = Number(value % WORD);
  const w2 = Number((value >> 32n) % WORD);
  const w1 = Number((value >> 64n) % WORD);
  const w0 = Number(value >> 96n);
  return makeAddress(6, w0, w1, w2, w3);
}

/** True when both addresses are of the same family and equal. Allocation-free. */
export function addressEquals(a: Address, b: Address): boolean {
  return a.family === b.family && a.w3 === b.w3 && a.w2 === b.w2 && a.w1 === b.w1 && a.w0 === b.w0;
}

/** Total order: every IPv4 address sorts before every IPv6 address, then by value. Allocation-free. */
export function compareAddress(a: Address, b: Address): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.w0 !== b.w0) return a.w0 < b.w0 ? -1 : 1;
  if (a.w1 !== b.w1) return a.w1 < b.w1 ? -1 : 1;
  if (a.w2 !== b.w2) return a.w2 < b.w2 ? -1 : 1;
  if (a.w3 !== b.w3) return a.w3 < b.w3 ? -1 : 1;
  return 0;
}

/** True when `a` lies inside `range`. Allocation-free. */
export function cidrContains(range: CidrRange, a: Address): boolean {
  return compareAddress(range.first, a) <= 0 && compareAddress(a, range.last) <= 0;
}

/** The unspecified IPv4 address, 0.0.0.0 — the initial value of a fresh `Packet`. */
export const UNSPECIFIED_V4: Address = parseAddress('0.0.0.0');

export type Protocol = 'tcp' | 'udp' | 'icmp';
export type PacketDirection = 'in' | 'out';

/**
 * A mutable packet header that callers fill and reuse for every message, so the hot path allocates nothing.
 * `direction` is seen from the filter's point of view: 'in' travels towards the protected VM/subnet, 'out' leaves it.
 * ICMP has no ports; fill 0 for both.
 */
export class Packet {
  proto: Protocol = 'tcp';
  src: Address = UNSPECIFIED_V4;
  /** 0–65535. */
  srcPort = 0;
  dst: Address = UNSPECIFIED_V4;
  /** 0–65535. */
  dstPort = 0;
  direction: PacketDirection = 'in';
  /**
   * TCP only: true on the packet that opens a connection (SYN without ACK). Stateful filters check only opening
   * packets against their rules; a later packet passes on the flow it belongs to. Ignored for UDP and ICMP.
   * Defaults to true so that a caller who does not model TCP handshakes gets rule checks on every unknown flow.
   */
  syn = true;

  /** Fills every field in one call and returns `this` (no allocation). */
  set(
    proto: Protocol,
    src: Address,
    srcPort: number,
    dst: Address,
    dstPort: number,
    direction: PacketDirection,
    syn = true,
  ): this {
    this.proto = proto;
    this.src = src;
    this.srcPort = srcPort;
    this.dst = dst;
    this.dstPort = dstPort;
    this.direction = direction;
    this.syn = syn;
    return this;
  }
}
