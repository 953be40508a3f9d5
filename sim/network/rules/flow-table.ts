/**
 * Connection tracking for stateful filters: remembers allowed flows by 5-tuple so that later packets of the flow, and
 * its replies, pass without consulting the rules.
 *
 * A flow is keyed by the tuple of the packet that opened it (protocol, source address and port, destination address
 * and port). A packet with the same tuple travels the flow forward; a packet with source and destination swapped is a
 * reply. Each flow has an idle timeout: every packet that hits it pushes its expiry to `nowUs + idleTimeoutUs`; at or
 * after its expiry the flow is gone.
 *
 * Storage is an open-addressing hash table (linear probing, power-of-two capacity) over parallel typed arrays, so
 * looking up a packet — known flow or not — allocates nothing. Opening a flow may grow the arrays (allocation is
 * allowed when a flow is created); expired flows are swept before growing.
 *
 * Time is simulated µs passed in by the caller and must never decrease.
 */
import type { Address, Packet, Protocol } from '../address.js';

/** How a packet relates to the tracked flows. */
export const FLOW_NONE = 0;
/** Same tuple as the packet that opened the flow. */
export const FLOW_FORWARD = 1;
/** Source and destination swapped: a reply on the flow. */
export const FLOW_REPLY = 2;
export type FlowMatch = typeof FLOW_NONE | typeof FLOW_FORWARD | typeof FLOW_REPLY;

/** Idle timeouts of tracked flows by protocol, µs. */
export interface FlowTimeouts {
  readonly tcpIdleUs: number;
  readonly udpIdleUs: number;
  readonly icmpIdleUs: number;
}

/**
 * Inferred defaults (the sources publish none for filter flow records): TCP 4 min, the platform's usual TCP idle
 * timeout; UDP and ICMP 30 s.
 */
export const DEFAULT_FLOW_TIMEOUTS: FlowTimeouts = Object.freeze({
  tcpIdleUs: 4 * 60_000_000,
  udpIdleUs: 30_000_000,
  icmpIdleUs: 30_000_000,
});

/** The idle timeout `timeouts` gives `proto`. */
export function idleTimeoutFor(timeouts: FlowTimeouts, proto: Protocol): number {
  return proto === 'tcp' ? timeouts.tcpIdleUs : proto === 'udp' ? timeouts.udpIdleUs : timeouts.icmpIdleUs;
}

const EMPTY = 0;
const LIVE = 1;
const TOMBSTONE = 2;

function protoCode(p: Protocol): number {
  return p === 'tcp' ? 6 : p === 'udp' ? 17 : 1;
}

/** Murmur3 finaliser step folding one 32-bit word into the hash. */
function mix(h: number, w: number): number {
  h = Math.imul(h ^ w, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  return Math.imul(h, 0x1b873593) >>> 0;
}

/** Hash of a flow tuple given as raw words; the single definition used both for lookups and for rehashing. */
function hashWords(
  proto: number,
  family: number,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  aPort: number,
  b0: number,
  b1: number,
  b2: number,
  b3: number,
  bPort: number,
): number {
  let h = mix(0x811c9dc5, proto | (family << 8));
  h = mix(h, a0);
  h = mix(h, a1);
  h = mix(h, a2);
  h = mix(h, a3);
  h = mix(h, (aPort << 16) | bPort);
  h = mix(h, b0);
  h = mix(h, b1);
  h = mix(h, b2);
  h = mix(h, b3);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

function hashTuple(proto: number, a: Address, aPort: number, b: Address, bPort: number): number {
  return hashWords(proto, a.family, a.w0, a.w1, a.w2, a.w3, aPort, b.w0, b.w1, b.w2, b.w3, bPort);
}

export class FlowTable {
  private capacity!: number;
  private mask!: number;
  private state!: Uint8Array;
  private family!: Uint8Array;
  private proto!: Uint8Array;
  private srcWords!: Uint32Array;
  private dstWords!: Uint32Array;
  private srcPort!: Uint16Array;
  private dstPort!: Uint16Array;
  private expiresAtUs!: Float64Array;
  private idleUs!: Float64Array;
  private live = 0;
  private tombstones = 0;
  private lastNowUs = 0;

  /** `initialCapacity` is rounded up to a power of two (minimum 16). */
  constructor(initialCapacity = 64) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.allocate(cap);
  }

  /** Flows held, including expired ones not yet noticed or swept. */
  get size(): number {
    return this.live;
  }

  private advance(nowUs: number): void {
    if (nowUs < this.lastNowUs) {
      throw new RangeError(`flow table: time went backwards (${nowUs} µs after ${this.lastNowUs} µs)`);
    }
    this.lastNowUs = nowUs;
  }

  /** Slot holding the tuple (a:aPort → b:bPort), or -1. Allocation-free. */
  private find(proto: number, a: Address, aPort: number, b: Address, bPort: number): number {
    let i = hashTuple(proto, a, aPort, b, bPort) & this.mask;
    for (let probes = 0; probes < this.capacity; probes++) {
      const s = this.state[i]!;
      if (s === EMPTY) return -1;
      if (s === LIVE && this.equals(i, proto, a, aPort, b, bPort)) return i;
      i = (i + 1) & this.mask;
    }
    return -1;
  }

  private equals(i: number, proto: number, a: Address, aPort: number, b: Address, bPort: number): boolean {
    const o = i * 4;
    const sw = this.srcWords;
    const dw = this.dstWords;
    return (
      this.proto[i] === proto &&
      this.family[i] === a.family &&
      this.srcPort[i] === aPort &&
      this.dstPort[i] === bPort &&
      sw[o + 3] === a.w3 &&
      dw[o + 3] === b.w3 &&
      sw[o + 2] === a.w2 &&
      dw[o + 2] === b.w2 &&
      sw[o + 1] === a.w1 &&
      dw[o + 1] === b.w1 &&
      sw[o] === a.w0 &&
      dw[o] === b.w0
    );
  }

  /** Removes the slot if its flow has expired at `nowUs`; returns true if it did. */
  private expireSlot(i: number, nowUs: number): boolean {
    if (nowUs < this.expiresAtUs[i]!) return false;
    this.state[i] = TOMBSTONE;
    this.live--;
    this.tombstones++;
    return true;
  }

  /**
   * Whether `p` belongs to a live flow, and which way. A hit refreshes the flow's idle timer. Allocation-free.
   * A packet whose addresses differ in family never matches.
   */
  match(p: Packet, nowUs: number): FlowMatch {
    this.advance(nowUs);
    if (this.live === 0 || p.src.family !== p.dst.family) return FLOW_NONE;
    const proto = protoCode(p.proto);
    let i = this.find(proto, p.src, p.srcPort, p.dst, p.dstPort);
    if (i >= 0 && !this.expireSlot(i, nowUs)) {
      this.expiresAtUs[i] = nowUs + this.idleUs[i]!;
      return FLOW_FORWARD;
    }
    i = this.find(proto, p.dst, p.dstPort, p.src, p.srcPort);
    if (i >= 0 && !this.expireSlot(i, nowUs)) {
      this.expiresAtUs[i] = nowUs + this.idleUs[i]!;
      return FLOW_REPLY;
    }
    return FLOW_NONE;
  }

  /**
   * Tracks the flow `p` opens, live until `nowUs + idleTimeoutUs` unless traffic refreshes it. If `p` already belongs
   * to a live flow (either way), that flow is refreshed instead. May allocate when the table grows.
   */
  open(p: Packet, nowUs: number, idleTimeoutUs: number): void {
    this.advance(nowUs);
    if (!(idleTimeoutUs > 0)) throw new RangeError(`flow table: idle timeout must be > 0 µs (got ${idleTimeoutUs})`);
    if (p.src.family !== p.dst.family) return;
    if (this.match(p, nowUs) !== FLOW_NONE) return;
    if ((this.live + this.tombstones + 1) * 2 > this.capacity) this.grow(nowUs);
    const proto = protoCode(p.proto);
    let i = hashTuple(proto, p.src, p.srcPort, p.dst, p.dstPort) & this.mask;
    while (this.state[i] === LIVE) i = (i + 1) & this.mask;
    if (this.state[i] === TOMBSTONE) this.tombstones--;
    this.state[i] = LIVE;
    this.live++;
    this.family[i] = p.src.family;
    this.proto[i] = proto;
    const o = i * 4;
    this.srcWords[o] = p.src.w0;
    this.srcWords[o + 1] = p.src.w1;
    this.srcWords[o + 2] = p.src.w2;
    this.srcWords[o + 3] = p.src.w3;
    this.dstWords[o] = p.dst.w0;
    this.dstWords[o + 1] = p.dst.w1;
    this.dstWords[o + 2] = p.dst.w2;
    this.dstWords[o + 3] = p.dst.w3;
    this.srcPort[i] = p.srcPort;
    this.dstPort[i] = p.dstPort;
    this.idleUs[i] = idleTimeoutUs;
    this.expiresAtUs[i] = nowUs + idleTimeoutUs;
  }

  /**
   * Forgets the flow `p` belongs to (either way), e.g. on a TCP FIN or RST. Returns true if an entry was removed
   * (possibly one that had already expired but was not yet swept).
   */
  close(p: Packet): boolean {
    const proto = protoCode(p.proto);
    let i = this.find(proto, p.src, p.srcPort, p.dst, p.dstPort);
    if (i < 0) i = this.find(proto, p.dst, p.dstPort, p.src, p.srcPort);
    if (i < 0) return false;
    this.state[i] = TOMBSTONE;
    this.live--;
    this.tombstones++;
    return true;
  }

  /** Drops every flow expired at `nowUs`; returns how many. */
  sweep(nowUs: number): number {
    this.advance(nowUs);
    let n = 0;
    for (let i = 0; i < this.capacity; i++) {
      if (this.state[i] === LIVE && this.expireSlot(i, nowUs)) n++;
    }
    return n;
  }

  /** Fresh, empty arrays for `cap` slots (a power of two). */
  private allocate(cap: number): void {
    this.capacity = cap;
    this.mask = cap - 1;
    this.state = new Uint8Array(cap);
    this.family = new Uint8Array(cap);
    this.proto = new Uint8Array(cap);
    this.srcWords = new Uint32Array(cap * 4);
    this.dstWords = new Uint32Array(cap * 4);
    this.srcPort = new Uint16Array(cap);
    this.dstPort = new Uint16Array(cap);
    this.expiresAtUs = new Float64Array(cap);
    this.idleUs = new Float64Array(cap);
  }

  /** Forgets every flow. */
  clear(): void {
    this.state.fill(EMPTY);
    this.live = 0;
    this.tombstones = 0;
  }

  /** Sweeps, then rehashes into arrays sized for the live flows (at most 25 % full afterwards). */
  private grow(nowUs: number): void {
    this.sweep(nowUs);
    let cap = this.capacity;
    while ((this.live + 1) * 4 > cap) cap *= 2;
    const old = {
      capacity: this.capacity,
      state: this.state,
      family: this.family,
      proto: this.proto,
      srcWords: this.srcWords,
      dstWords: this.dstWords,
      srcPort: this.srcPort,
      dstPort: this.dstPort,
      expiresAtUs: this.expiresAtUs,
      idleUs: this.idleUs,
    };
    this.allocate(cap);
    this.tombstones = 0;
    for (let j = 0; j < old.capacity; j++) {
      if (old.state[j] !== LIVE) continue;
      const o = j * 4;
      const ow = old.srcWords;
      const dw = old.dstWords;
      const h = hashWords(
        old.proto[j]!,
        old.family[j]!,
        ow[o]!,
        ow[o + 1]!,
        ow[o + 2]!,
        ow[o + 3]!,
        old.srcPort[j]!,
        dw[o]!,
        dw[o + 1]!,
        dw[o + 2]!,
        dw[o + 3]!,
        old.dstPort[j]!,
      );
      let i = h & this.mask;
      while (this.state[i] === LIVE) i = (i + 1) & this.mask;
      this.state[i] = LIVE;
      this.family[i] = old.family[j]!;
      this.proto[i] = old.proto[j]!;
      this.srcWords.set(ow.subarray(o, o + 4), i * 4);
      this.dstWords.set(dw.subarray(o, o + 4), i * 4);
      this.srcPort[i] = old.srcPort[j]!;
      this.dstPort[i] = old.dstPort[j]!;
      this.expiresAtUs[i] = old.expiresAtUs[j]!;
      this.idleUs[i] = old.idleUs[j]!;
    }
  }
}
