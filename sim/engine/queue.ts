/**
 * The pending-event set: a binary min-heap over parallel typed arrays, ordered by (time, sequence).
 *
 * - `sequence` is a counter that increases with every push, so events at the same time always come out in the order
 *   they were pushed (ties are broken explicitly, never by heap layout).
 * - Every pending event occupies a *slot*: a small integer that stays the same while the event moves about the heap.
 *   Slot-indexed arrays hold the event's payload (one number), its heap position and its generation. A caller may
 *   keep its own slot-indexed arrays (the Scheduler keeps the handler functions there).
 * - A handle is `generation * 2^24 + slot`. Firing or cancelling an event bumps its slot's generation, so an old
 *   handle no longer matches and cancelling it is a safe no-op. Generations run from 1 to 2^29 − 1 and then wrap
 *   to 1: a stale handle could only be confused with a live one after its slot had been reused a multiple of 2^29 − 1
 *   times. Handles are never 0, so 0 can mean "no event".
 * - Memory grows by doubling and is never handed back; push, pop and cancel allocate nothing once the arrays are
 *   big enough. Costs: push and pop O(log n) (hole sifting), cancel O(log n) via the slot → position index,
 *   peekTime O(1).
 * - Binary, not 4-ary: measured on PHOLD (10,000 pending events) a 4-ary heap was no faster, and the binary
 *   sift-down can pick the smaller child without a branch (see siftDown), which was worth 5–10 %.
 * - Two heaps, near and far: an event more than FAR_US after the latest popped time goes to the far heap. A model
 *   keeps many events far ahead (a region's ~200,000 next-fault events, days away) and a few hundred near ones (its
 *   polls and timers) that come and go all the time: those sift through a small heap that stays in cache instead of
 *   an 18-level one. pop takes the earlier of the two tops by (time, sequence), so the order is exactly one heap's;
 *   where an event goes only changes the cost.
 */

export type EventHandle = number & { readonly __brand: 'EventHandle' };

/** At most 2^24 (16.7 M) events can be pending at once. */
export const MAX_PENDING = 2 ** 24;
const SLOT_SPAN = 2 ** 24;
const MAX_GENERATION = 2 ** 29 - 1;
/** Events due more than this after the latest popped time go to the far heap (2^32 µs: about 72 minutes). */
const FAR_US = 2 ** 32;

/** One binary min-heap of slots by (time, the slot's sequence number), grown on demand. */
class Heap {
  time: Float64Array;
  slot: Int32Array;
  n = 0;
  constructor(cap: number) {
    this.time = new Float64Array(cap);
    this.slot = new Int32Array(cap);
  }
  grow(): void {
    const cap = Math.min(MAX_PENDING, this.time.length * 2);
    this.time = growF64(this.time, cap);
    this.slot = growI32(this.slot, cap, 0);
  }
}

export class EventQueue {
  // The near heap, in fields of its own (the hot path: one load fewer per access than through a Heap).
  private heapTime: Float64Array;
  private heapSlot: Int32Array;
  private n = 0;
  private readonly far: Heap;
  // Slot-indexed. The sequence number lives with the slot, not in the heap: it is written once per push and read
  // only to break ties, so sifting moves two values per level (time, slot) rather than three.
  private slotSeq: Float64Array;
  private slotPos: Int32Array; // heap position while pending, −1 when free
  private slotFar: Uint8Array; // 1 while pending in the far heap
  private slotGen: Uint32Array; // current generation, 1 … 2^29 − 1
  private slotPayload: Float64Array;
  // Stack of free slots below `slotsUsed`.
  private freeSlots: Int32Array;
  private freeCount = 0;
  /** Slots ever handed out; slot numbers are allocated densely from 0. */
  private slotsUsed = 0;
  private capacity: number;
  private seq = 0;
  private pushedSlot = -1;
  /** Pushes at or after this time go to the far heap: the latest popped time + FAR_US. */
  private farFrom = FAR_US;

  constructor(initialCapacity = 64) {
    const cap = Math.max(4, Math.min(MAX_PENDING, Math.floor(initialCapacity) || 4));
    this.capacity = cap;
    this.heapTime = new Float64Array(cap);
    this.heapSlot = new Int32Array(cap);
    this.far = new Heap(4);
    this.slotSeq = new Float64Array(cap);
    this.slotPos = new Int32Array(cap).fill(-1);
    this.slotFar = new Uint8Array(cap);
    this.slotGen = new Uint32Array(cap).fill(1);
    this.slotPayload = new Float64Array(cap);
    this.freeSlots = new Int32Array(cap);
  }

  /** Number of pending events. */
  get size(): number {
    return this.n + this.far.n;
  }

  /** The number of sequence numbers handed out so far (pushes ever made). */
  get pushes(): number {
    return this.seq;
  }

  /** Slot of the most recent push, −1 before the first. */
  get lastSlot(): number {
    return this.pushedSlot;
  }

  /** Slot number of a handle (whether or not it is still pending). */
  static slotOf(h: EventHandle): number {
    return h % SLOT_SPAN;
  }

  /**
   * Adds an event at `timeUs` carrying `payload`, and returns its handle. The caller validates the time (the
   * Scheduler does); the queue only orders. The new event's slot is `lastSlot` until the next push.
   */
  push(timeUs: number, payload: number): EventHandle {
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount]!;
    } else {
      if (this.slotsUsed === this.capacity) this.grow();
      slot = this.slotsUsed++;
    }
    this.pushedSlot = slot;
    this.slotPayload[slot] = payload;
    this.slotSeq[slot] = this.seq++;
    if (timeUs < this.farFrom) {
      this.slotFar[slot] = 0;
      // The near heap has room for every slot (grow() keeps it so).
      const pos = this.n++;
      this.heapTime[pos] = timeUs;
      this.heapSlot[pos] = slot;
      this.siftUp(this.heapTime, this.heapSlot, pos, pos);
    } else {
      const far = this.far;
      this.slotFar[slot] = 1;
      if (far.n === far.time.length) far.grow();
      const pos = far.n++;
      far.time[pos] = timeUs;
      far.slot[pos] = slot;
      this.siftUp(far.time, far.slot, pos, pos);
    }
    return (this.slotGen[slot]! * SLOT_SPAN + slot) as EventHandle;
  }

  /** True when the far heap's top comes before the near heap's (false when either is empty). */
  private farFirst(): boolean {
    const far = this.far;
    if (far.n === 0 || this.n === 0) return far.n > 0;
    const tn = this.heapTime[0]!;
    const tf = far.time[0]!;
    return tf < tn || (tf === tn && this.slotSeq[far.slot[0]!]! < this.slotSeq[this.heapSlot[0]!]!);
  }

  /** Time of the earliest pending event, Infinity when empty. */
  peekTime(): number {
    if (this.farFirst()) return this.far.time[0]!;
    return this.n > 0 ? this.heapTime[0]! : Number.POSITIVE_INFINITY;
  }

  /** Slot of the earliest pending event, −1 when empty. */
  peekSlot(): number {
    if (this.farFirst()) return this.far.slot[0]!;
    return this.n > 0 ? this.heapSlot[0]! : -1;
  }

  /**
   * Removes the earliest event and returns its slot (−1 when empty). The slot is free again at once, but its
   * payload stays readable through `payloadOf` until the next push.
   */
  pop(): number {
    if (this.farFirst()) {
      const far = this.far;
      const slot = far.slot[0]!;
      this.farFrom = far.time[0]! + FAR_US;
      this.release(slot);
      const last = --far.n;
      if (last > 0) this.siftDown(far.time, far.slot, last, 0, last);
      return slot;
    }
    if (this.n === 0) return -1;
    const slot = this.heapSlot[0]!;
    this.farFrom = this.heapTime[0]! + FAR_US;
    this.release(slot);
    const last = --this.n;
    if (last > 0) this.siftDown(this.heapTime, this.heapSlot, last, 0, last);
    return slot;
  }

  /** The payload stored with the event in `slot`. */
  payloadOf(slot: number): number {
    return this.slotPayload[slot]!;
  }

  /** True while `h` names a pending event. */
  isPending(h: EventHandle): boolean {
    return this.posOf(h) >= 0;
  }

  /** Time of the pending event `h`, or undefined if it is not pending. */
  timeOf(h: EventHandle): number | undefined {
    const pos = this.posOf(h);
    if (pos < 0) return undefined;
    return this.slotFar[EventQueue.slotOf(h)] === 1 ? this.far.time[pos] : this.heapTime[pos];
  }

  /**
   * Removes the pending event `h`. Returns false, changing nothing, when `h` has already fired, was already
   * cancelled, or is not a handle of this queue.
   */
  cancel(h: EventHandle): boolean {
    const pos = this.posOf(h);
    if (pos < 0) return false;
    this.removeAt(h % SLOT_SPAN, pos);
    return true;
  }

  // The handle (a double beyond the small-integer range) is decoded above, in code small enough to be inlined
  // into the caller; the work below takes only small integers, so calling it does not box a number.
  /** Removes the event of `slot`, at position `pos` of its heap. */
  private removeAt(slot: number, pos: number): void {
    const isFar = this.slotFar[slot] === 1;
    const ht = isFar ? this.far.time : this.heapTime;
    const hl = isFar ? this.far.slot : this.heapSlot;
    this.release(slot);
    const last = isFar ? --this.far.n : --this.n;
    if (pos !== last) {
      // The last element fills the hole; it may belong above or below it.
      if (pos > 0 && this.before(ht, hl, last, (pos - 1) >> 1)) this.siftUp(ht, hl, pos, last);
      else this.siftDown(ht, hl, last, pos, last);
    }
  }

  /** Removes every pending event (their handles become stale). The sequence counter keeps counting. */
  clear(): void {
    while (this.n > 0) this.release(this.heapSlot[--this.n]!);
    const far = this.far;
    while (far.n > 0) this.release(far.slot[--far.n]!);
  }

  /** Heap position of a pending handle, −1 when `h` is not pending. */
  private posOf(h: EventHandle): number {
    if (!(h >= SLOT_SPAN && h <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(h)) return -1;
    const slot = h % SLOT_SPAN;
    if (slot >= this.slotsUsed) return -1;
    const gen = (h - slot) / SLOT_SPAN;
    if (this.slotGen[slot] !== gen) return -1;
    return this.slotPos[slot]!;
  }

  /** Marks `slot` free: its handle goes stale and the slot goes on the free stack. */
  private release(slot: number): void {
    const g = this.slotGen[slot]!;
    this.slotGen[slot] = g === MAX_GENERATION ? 1 : g + 1;
    this.slotPos[slot] = -1;
    this.freeSlots[this.freeCount++] = slot;
  }

  // The sifts take heap positions only, never a time: a time above 2^30 µs (18 minutes) is not a small integer, and
  // passing it to a function that is not inlined would allocate a boxed number on every call.

  /** True when the event at position `a` of heap (ht, hl) orders strictly before the one at `b`. */
  private before(ht: Float64Array, hl: Int32Array, a: number, b: number): boolean {
    const ta = ht[a]!;
    const tb = ht[b]!;
    return ta < tb || (ta === tb && this.slotSeq[hl[a]!]! < this.slotSeq[hl[b]!]!);
  }

  /**
   * Moves the event at position `src` (≥ pos) of heap (ht, hl) into the hole at `pos` and up until it fits. Positions
   * between are not disturbed: `src` is either `pos` itself or the just-vacated last position.
   */
  private siftUp(ht: Float64Array, hl: Int32Array, pos: number, src: number): void {
    const sp = this.slotPos;
    const seq = this.slotSeq;
    const t = ht[src]!;
    const slot = hl[src]!;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pt = ht[parent]!;
      if (pt < t) break;
      const ps = hl[parent]!;
      if (pt === t && seq[ps]! < seq[slot]!) break;
      ht[pos] = pt;
      hl[pos] = ps;
      sp[ps] = pos;
      pos = parent;
    }
    ht[pos] = t;
    hl[pos] = slot;
    sp[slot] = pos;
  }

  /**
   * Moves the event at position `src` into the hole at `pos` and down until it fits, within the heap's size `n`.
   * `src` is the just-vacated last position (≥ size), so sifting never overwrites it before it is read.
   */
  private siftDown(ht: Float64Array, hl: Int32Array, n: number, pos: number, src: number): void {
    const sp = this.slotPos;
    const seq = this.slotSeq;
    const t = ht[src]!;
    const slot = hl[src]!;
    const half = n >> 1;
    while (pos < half) {
      let c = 2 * pos + 1;
      const r = c + 1;
      if (r < n) {
        // Pick the smaller child. Which child wins is a coin flip the branch predictor cannot learn, so it is
        // computed without a branch (+(a < b) is 0 or 1); only equal times, which are rare, take a branch.
        const lt = ht[c]!;
        const rt = ht[r]!;
        if (rt === lt) {
          if (seq[hl[r]!]! < seq[hl[c]!]!) c = r;
        } else {
          c += +(rt < lt);
        }
      }
      const ct = ht[c]!;
      const cl = hl[c]!;
      if (t < ct || (t === ct && seq[slot]! < seq[cl]!)) break;
      ht[pos] = ct;
      hl[pos] = cl;
      sp[cl] = pos;
      pos = c;
    }
    ht[pos] = t;
    hl[pos] = slot;
    sp[slot] = pos;
  }

  private grow(): void {
    if (this.capacity >= MAX_PENDING) {
      throw new RangeError(`EventQueue: more than ${MAX_PENDING} events pending at once`);
    }
    const cap = Math.min(MAX_PENDING, this.capacity * 2);
    this.heapTime = growF64(this.heapTime, cap);
    this.heapSlot = growI32(this.heapSlot, cap, 0);
    this.slotSeq = growF64(this.slotSeq, cap);
    this.slotPos = growI32(this.slotPos, cap, -1);
    const far = new Uint8Array(cap);
    far.set(this.slotFar);
    this.slotFar = far;
    const gen = new Uint32Array(cap).fill(1);
    gen.set(this.slotGen);
    this.slotGen = gen;
    this.slotPayload = growF64(this.slotPayload, cap);
    this.freeSlots = growI32(this.freeSlots, cap, 0);
    this.capacity = cap;
  }
}

function growF64(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

function growI32(a: Int32Array, cap: number, fill: number): Int32Array {
  const b = new Int32Array(cap);
  if (fill !== 0) b.fill(fill);
  b.set(a);
  return b;
}
