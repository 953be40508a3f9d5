/**
 * Timeline events in columns: the encoding of timeline format version 2 (docs/timeline.md), and the form in which
 * the viewer's loader hands a parsed timeline from its worker to the page.
 *
 * Each field of the events is one list of numbers (times as deltas, causes as distances back, every string as an
 * index into a string table that grows in order of first use), so a million events parse as a few long lists of
 * small integers instead of a million objects — smaller on disk, faster to parse, and transferable between threads
 * as typed arrays. `ColumnEncoder` fills the columns from events a block at a time; `decodeColumns` rebuilds the
 * very same event objects (same fields, same key order), checking as it goes that the columns are whole.
 *
 * Version 3 holds the same columns packed into one string per block (`packColumns`, read back by `joinColumns`):
 * varints in base64, which is smaller than JSON's lists of numbers and several times faster to read than parsing them.
 */
import { fromBase64, toBase64 } from './base64.js';
import { TimelineError } from './error.js';
import type { Deadline, MessageInfo, Patch, TimelineEvent } from './event.js';

/** A list of numbers: a plain array in a file, a typed array between threads. */
export type NumberColumn = ArrayLike<number>;

/**
 * Events in columns. `n` events; per event: `t` (µs since the previous event, the first since 0), `k`, `s`, `x`
 * (string ids), `c` (0 = no cause, else the event's id minus its cause's), `r`, `tp`, `i` (0 = none, else string id + 1;
 * `i` is left out of a block in which no event has an intent, so runs without scripted traffic are written as before),
 * `p`, `d` (0 = none, else the number of patches / deadlines + 1), `m` (0 = none, 1 = lost or refused, 2 =
 * delivered). Per patch: `po` (0 replace, 1 add, 2 remove; +3 when the patch has no value), `pl` (path length),
 * `pv` (the values of the patches that have one); per path segment `ps` (an index ≥ 0, or −(string id + 1)). Per
 * message: `mf`, `mt` (string ids), `ma` (arrival − t). Per deadline: `dt` (time − event time), `dk`, `ds`.
 * `str`: the strings this block adds to the table, in id order.
 */
export interface EventColumns<C extends NumberColumn = NumberColumn> {
  readonly n: number;
  readonly str: readonly string[];
  readonly t: C;
  readonly k: C;
  readonly s: C;
  readonly c: C;
  readonly x: C;
  readonly r: C;
  readonly tp: C;
  /** Absent when no event of the block has an intent. */
  readonly i?: C;
  readonly p: C;
  readonly po: C;
  readonly pl: C;
  readonly ps: C;
  readonly pv: readonly unknown[];
  readonly m: C;
  readonly mf: C;
  readonly mt: C;
  readonly ma: C;
  readonly d: C;
  readonly dt: C;
  readonly dk: C;
  readonly ds: C;
}

/** The numeric columns' names, in the order a block writes them. */
export const NUMBER_COLUMNS = [
  't',
  'k',
  's',
  'c',
  'x',
  'r',
  'tp',
  'i',
  'p',
  'po',
  'pl',
  'ps',
  'm',
  'mf',
  'mt',
  'ma',
  'd',
  'dt',
  'dk',
  'ds',
] as const;
export type NumberColumnName = (typeof NUMBER_COLUMNS)[number];

/** Columns whose values are not string ids or counts (deltas of time), kept as doubles in typed arrays. */
const TIME_COLUMNS: ReadonlySet<NumberColumnName> = new Set(['t', 'ma', 'dt']);

const OPS = ['replace', 'add', 'remove'] as const;

/** Placeholders of one-element lists made by a literal, overwritten before the list is handed out. */
const NO_PATCH: Patch = { op: 'remove', path: [] };
const NO_DEADLINE: Deadline = { t: 0, k: '', s: '' };

type Mutable = { -readonly [K in NumberColumnName]: number[] } & { n: number; str: string[]; pv: unknown[] };

function emptyColumns(): Mutable {
  const cols = { n: 0, str: [], pv: [] } as unknown as Mutable;
  for (const name of NUMBER_COLUMNS) cols[name] = [];
  return cols;
}

/**
 * Fills columns from events, in order. The string table and the last time carry over from one block to the next,
 * so that a file's blocks read back in order give the whole timeline.
 */
export class ColumnEncoder {
  private readonly ids = new Map<string, number>();
  private cols = emptyColumns();
  private lastT = 0;
  private count = 0;

  /** Events added to the block being filled. */
  get pending(): number {
    return this.cols.n;
  }

  private id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
      this.cols.str.push(s);
    }
    return id;
  }

  add(e: TimelineEvent): void {
    const c = this.cols;
    const i = this.count++;
    if (!Number.isSafeInteger(e.t) || e.t < this.lastT) {
      throw new Error(`event ${i}: time ${e.t} is not a whole number of µs at or after the previous event's`);
    }
    c.t.push(e.t - this.lastT);
    this.lastT = e.t;
    c.k.push(this.id(e.k));
    c.s.push(this.id(e.s));
    c.c.push(e.c < 0 ? 0 : i - e.c);
    c.x.push(this.id(e.x));
    c.r.push(e.r === undefined ? 0 : this.id(e.r) + 1);
    c.tp.push(e.tp === undefined ? 0 : this.id(e.tp) + 1);
    c.i.push(e.i === undefined ? 0 : this.id(e.i) + 1);
    const p = e.p;
    c.p.push(p === undefined ? 0 : p.length + 1);
    if (p !== undefined) {
      for (const patch of p) {
        const op = OPS.indexOf(patch.op);
        if (op < 0) throw new Error(`event ${i}: unknown patch op ${JSON.stringify(patch.op)}`);
        const hasValue = 'value' in patch && patch.value !== undefined;
        c.po.push(hasValue ? op : op + 3);
        c.pl.push(patch.path.length);
        for (const seg of patch.path) {
          if (typeof seg === 'string') c.ps.push(-(this.id(seg) + 1));
          else if (Number.isSafeInteger(seg) && seg >= 0) c.ps.push(seg);
          else throw new Error(`event ${i}: patch path segment ${seg} is not a name or an index`);
        }
        if (hasValue) c.pv.push(patch.value);
      }
    }
    const m = e.m;
    c.m.push(m === undefined ? 0 : m.ok ? 2 : 1);
    if (m !== undefined) {
      c.mf.push(this.id(m.from));
      c.mt.push(this.id(m.to));
      c.ma.push(m.at - e.t);
    }
    const d = e.d;
    c.d.push(d === undefined ? 0 : d.length + 1);
    if (d !== undefined) {
      for (const dl of d) {
        c.dt.push(dl.t - e.t);
        c.dk.push(this.id(dl.k));
        c.ds.push(this.id(dl.s));
      }
    }
    c.n++;
  }

  /** The block filled since the last call (with the strings it added), and starts the next one. */
  flush(): EventColumns<number[]> {
    const block: Partial<Mutable> = this.cols;
    this.cols = emptyColumns();
    if (block.i!.every((v) => v === 0)) delete block.i;
    return block as EventColumns<number[]>;
  }
}

/** Every event of `events` in one block of columns. */
export function encodeColumns(events: readonly TimelineEvent[]): EventColumns<number[]> {
  const enc = new ColumnEncoder();
  for (const e of events) enc.add(e);
  return enc.flush();
}

/**
 * Joins blocks, read in order, into one block whose numeric columns are typed arrays (to transfer between threads
 * without a copy). Checks that each block is a block: of version 2 (its columns as lists of numbers) unless
 * `version` is 3 (its columns packed, see `packColumns`).
 */
export function joinColumns(
  blocks: readonly unknown[],
  version: 2 | 3 = 2,
): EventColumns<Float64Array | Int32Array> & { i: Float64Array | Int32Array } {
  let n = 0;
  const lengths = Object.fromEntries(NUMBER_COLUMNS.map((c) => [c, 0])) as Record<NumberColumnName, number>;
  let pvLength = 0;
  /** Version 3: each block's packed bytes and where its values begin (after the counts). */
  const packed: Unpacked[] = [];
  for (let b = 0; b < blocks.length; b++) {
    if (version === 3) {
      const block = checkPackedBlock(blocks[b], b);
      const un = unpackCounts(block, b);
      packed.push(un);
      n += block.n;
      for (let ci = 0; ci < NUMBER_COLUMNS.length; ci++) {
        const name = NUMBER_COLUMNS[ci]!;
        // A block without intents holds none: zeros in the joined column.
        lengths[name] += name === 'i' && un.counts[ci] === 0 ? block.n : un.counts[ci]!;
      }
      pvLength += block.pv.length;
      continue;
    }
    const block = checkBlock(blocks[b], b);
    n += block.n;
    for (const name of NUMBER_COLUMNS) lengths[name] += block[name].length;
    pvLength += block.pv.length;
  }
  const out = {} as Record<NumberColumnName, Float64Array | Int32Array>;
  for (const name of NUMBER_COLUMNS) {
    out[name] = TIME_COLUMNS.has(name) ? new Float64Array(lengths[name]) : new Int32Array(lengths[name]);
  }
  const str: string[] = [];
  const pv: unknown[] = new Array(pvLength);
  const at = Object.fromEntries(NUMBER_COLUMNS.map((c) => [c, 0])) as Record<NumberColumnName, number>;
  let pvAt = 0;
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b] as WholeBlock; // checked (and its intent column filled in) above
    for (const s of block.str) str.push(s);
    if (version === 3) {
      unpackValues(packed[b]!, out, at, b);
    } else {
      for (const name of NUMBER_COLUMNS) {
        out[name].set(block[name], at[name]);
        at[name] += block[name].length;
      }
    }
    for (const v of block.pv) pv[pvAt++] = v;
  }
  return { n, str, pv, ...out } as EventColumns<Float64Array | Int32Array> & { i: Float64Array | Int32Array };
}

/**
 * Version 3: the numeric columns of a block in one string — for each column of `NUMBER_COLUMNS` in order its number
 * of values, then the values of each column in the same order, every number an unsigned LEB128 varint (7 bits a
 * byte, low bits first, the top bit set on every byte but the last); the columns that may be negative (`ps`, `ma`,
 * `dt`) zigzag-encoded (v ≥ 0 → 2v, v < 0 → −2v − 1); the bytes in base64 (RFC 4648, with padding). A block with no
 * intents gives the intent column 0 values. Throws on a value that is not a whole number a varint can hold.
 */
export function packColumns(block: EventColumns<number[]>): string {
  let size = 0;
  for (const name of NUMBER_COLUMNS) size += block[name]?.length ?? 0;
  // At most 8 bytes a value (up to 2^56), and as many for each count.
  const need = (size + NUMBER_COLUMNS.length) * 8;
  if (packBuffer.length < need) packBuffer = new Uint8Array(Math.max(need, packBuffer.length * 2));
  const buf = packBuffer;
  let p = 0;
  const put = (v: number): void => {
    while (v > 0x7f) {
      buf[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[p++] = v;
  };
  for (const name of NUMBER_COLUMNS) put(block[name]?.length ?? 0);
  for (const name of NUMBER_COLUMNS) {
    const col = block[name];
    if (col === undefined) continue;
    const signed = SIGNED_COLUMNS.has(name);
    for (let j = 0; j < col.length; j++) {
      const raw = col[j]!;
      const v = signed ? (raw < 0 ? -2 * raw - 1 : 2 * raw) : raw;
      if (!(Number.isSafeInteger(v) && v >= 0)) {
        throw new Error(`column "${name}": ${raw} is not a whole number version 3 can hold`);
      }
      if (v < 0x80) buf[p++] = v;
      else put(v);
    }
  }
  return toBase64(buf.subarray(0, p));
}

/** Columns whose values may be negative: zigzag-encoded in version 3. */
const SIGNED_COLUMNS: ReadonlySet<NumberColumnName> = new Set(['ps', 'ma', 'dt']);
const SIGNED = NUMBER_COLUMNS.map((name) => SIGNED_COLUMNS.has(name));
/** Columns holding one value per event (the intent column: one per event, or none at all). */
const PER_EVENT: ReadonlySet<NumberColumnName> = new Set(['t', 'k', 's', 'c', 'x', 'r', 'tp', 'i', 'p', 'm', 'd']);
/** Reused between blocks by `packColumns`. */
let packBuffer = new Uint8Array(1 << 16);

/** A version-3 block: the version-2 block's `n`, `str` and `pv`, and its numeric columns packed in `b`. */
type PackedBlock = { n: number; str: string[]; pv: unknown[]; b: string };

/** A packed block's bytes, read as far as its counts. */
interface Unpacked {
  readonly bytes: Uint8Array;
  readonly counts: number[];
  /** Where the values begin. */
  readonly start: number;
  /** The block's number of events. */
  readonly n: number;
}

function checkPackedBlock(raw: unknown, b: number): PackedBlock {
  const block = raw as Partial<Record<string, unknown>> | null;
  if (!block || typeof block !== 'object' || !Number.isSafeInteger(block.n) || (block.n as number) < 0) {
    throw new TimelineError(`damaged timeline: block ${b} of events has no count`);
  }
  if (!Array.isArray(block.str) || !Array.isArray(block.pv)) {
    throw new TimelineError(`damaged timeline: block ${b} of events lacks its strings or patch values`);
  }
  if (typeof block.b !== 'string') throw new TimelineError(`damaged timeline: block ${b} lacks its packed columns "b"`);
  return block as unknown as PackedBlock;
}

/** Reads a varint at `p` of `u` (no further than `end`): [value, next position], or null when it runs past `end`. */
function varintAt(u: Uint8Array, p: number, end: number): [number, number] | null {
  let v = 0;
  let scale = 1;
  for (let len = 0; p < end && len < 8; len++) {
    const byte = u[p++]!;
    v += (byte & 0x7f) * scale;
    if (byte < 0x80) return [v, p];
    scale *= 128;
  }
  return null;
}

/** Decodes a packed block's base64 and reads its counts, checking them against its number of events and its bytes. */
function unpackCounts(block: PackedBlock, b: number): Unpacked {
  const bytes = fromBase64(block.b);
  if (bytes === null) throw new TimelineError(`damaged timeline: block ${b}'s packed columns are not valid base64`);
  const counts: number[] = [];
  let p = 0;
  let values = 0;
  for (const name of NUMBER_COLUMNS) {
    const got = varintAt(bytes, p, bytes.length);
    if (got === null) throw new TimelineError(`damaged timeline: block ${b}'s packed columns end in their counts`);
    const [count, next] = got;
    p = next;
    if (PER_EVENT.has(name) && count !== block.n && !(name === 'i' && count === 0)) {
      throw new TimelineError(
        `damaged timeline: column "${name}" of block ${b} has ${count} values for ${block.n} events`,
      );
    }
    counts.push(count);
    values += count;
  }
  // Every value takes at least a byte: more values than bytes left is a column running short (and is refused before
  // anything that large is allocated).
  if (values > bytes.length - p) {
    throw new TimelineError(
      `damaged timeline: block ${b}'s packed columns hold fewer values than their counts say (${values})`,
    );
  }
  return { bytes, counts, start: p, n: block.n };
}

/**
 * Reads a packed block's values into the joined columns at `at` (a block without intents leaves the zeros the
 * columns hold already), checking that the bytes hold exactly the values their counts say.
 */
function unpackValues(
  un: Unpacked,
  out: Record<NumberColumnName, Float64Array | Int32Array>,
  at: Record<NumberColumnName, number>,
  b: number,
): void {
  const u = un.bytes;
  const end = u.length;
  let p = un.start;
  for (let ci = 0; ci < NUMBER_COLUMNS.length; ci++) {
    const name = NUMBER_COLUMNS[ci]!;
    const count = un.counts[ci]!;
    const col = out[name];
    const from = at[name];
    at[name] += name === 'i' && count === 0 ? un.n : count;
    p =
      col instanceof Int32Array
        ? readInts(u, p, col, from, count, SIGNED[ci]!)
        : readDoubles(u, p, col, from, count, SIGNED[ci]!);
    if (p > end) p = -1;
    if (p < 0) {
      throw new TimelineError(
        p === -1
          ? `damaged timeline: block ${b}'s packed columns end before column "${name}" does`
          : `damaged timeline: block ${b}'s packed column "${name}" holds a value too large for it`,
      );
    }
  }
  if (p !== end) {
    throw new TimelineError(
      `damaged timeline: block ${b}'s packed columns run on ${end - p} bytes past their last value`,
    );
  }
}

/**
 * Reads `count` varints from `p` into `col` from `at`; returns the position after them, −1 when the bytes end first,
 * −2 for a value too large for the column (32 bits signed; zigzag: 32 bits unsigned before decoding; times: 2^53 − 1).
 *
 * Values of up to 4 bytes (28 bits: nearly all) are read by a branch each; longer ones, and any read past the end of
 * the bytes (which a typed array answers with undefined, failing every test below), by `varintSlow`.
 */
function readInts(u: Uint8Array, p: number, col: Int32Array, at: number, count: number, signed: boolean): number {
  for (let j = 0; j < count; j++) {
    let v: number;
    const b0 = u[p]!;
    if (b0 < 0x80) {
      v = b0;
      p += 1;
    } else {
      const b1 = u[p + 1]!;
      if (b1 < 0x80) {
        v = (b0 & 0x7f) | (b1 << 7);
        p += 2;
      } else {
        const b2 = u[p + 2]!;
        if (b2 < 0x80) {
          v = (b0 & 0x7f) | ((b1 & 0x7f) << 7) | (b2 << 14);
          p += 3;
        } else {
          const b3 = u[p + 3]!;
          if (b3 < 0x80) {
            v = (b0 & 0x7f) | ((b1 & 0x7f) << 7) | ((b2 & 0x7f) << 14) | (b3 << 21);
            p += 4;
          } else {
            v = varintSlow(u, p);
            p = slow.p;
            if (!(v <= (signed ? 0xffffffff : 0x7fffffff))) return p > u.length ? -1 : -2;
          }
        }
      }
    }
    col[at + j] = signed ? (v >>> 1) ^ -(v & 1) : v;
  }
  return p;
}

/** `readInts` for a column of times (doubles). */
function readDoubles(u: Uint8Array, p: number, col: Float64Array, at: number, count: number, signed: boolean): number {
  for (let j = 0; j < count; j++) {
    let v: number;
    const b0 = u[p]!;
    if (b0 < 0x80) {
      v = b0;
      p += 1;
    } else {
      const b1 = u[p + 1]!;
      if (b1 < 0x80) {
        v = (b0 & 0x7f) | (b1 << 7);
        p += 2;
      } else {
        const b2 = u[p + 2]!;
        if (b2 < 0x80) {
          v = (b0 & 0x7f) | ((b1 & 0x7f) << 7) | (b2 << 14);
          p += 3;
        } else {
          const b3 = u[p + 3]!;
          if (b3 < 0x80) {
            v = (b0 & 0x7f) | ((b1 & 0x7f) << 7) | ((b2 & 0x7f) << 14) | (b3 << 21);
            p += 4;
          } else {
            v = varintSlow(u, p);
            p = slow.p;
            if (!(v <= Number.MAX_SAFE_INTEGER)) return p > u.length ? -1 : -2;
            if (signed) v = v % 2 === 1 ? -(v + 1) / 2 : v / 2;
            col[at + j] = v;
            continue;
          }
        }
      }
    }
    // Up to 28 bits: zigzag by bits.
    col[at + j] = signed ? (v >>> 1) ^ -(v & 1) : v;
  }
  return p;
}

/** Where `varintSlow` stopped. */
const slow = { p: 0 };

/**
 * One varint at `p`, of any length up to 8 bytes (56 bits), its end in `slow.p`: NaN when the bytes end first or it
 * runs longer.
 */
function varintSlow(u: Uint8Array, p: number): number {
  let v = 0;
  let scale = 1;
  for (let len = 0; len < 8; len++) {
    const byte = u[p++];
    if (byte === undefined) break;
    v += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      slow.p = p;
      return v;
    }
    scale *= 128;
  }
  slow.p = p;
  return Number.NaN;
}

/** The typed arrays of joined columns, to list as transferables. */
export function columnBuffers(cols: EventColumns<Float64Array | Int32Array>): ArrayBuffer[] {
  return NUMBER_COLUMNS.flatMap((name) => {
    const col = cols[name];
    return col === undefined ? [] : [col.buffer as ArrayBuffer];
  });
}

/** A block with every column, the intent column included. */
type WholeBlock = EventColumns<number[]> & { i: number[] };

function checkBlock(raw: unknown, b: number): WholeBlock {
  const block = raw as Partial<Record<string, unknown>> | null;
  if (!block || typeof block !== 'object' || !Number.isSafeInteger(block.n) || (block.n as number) < 0) {
    throw new TimelineError(`damaged timeline: block ${b} of events has no count`);
  }
  if (!Array.isArray(block.str) || !Array.isArray(block.pv)) {
    throw new TimelineError(`damaged timeline: block ${b} of events lacks its strings or patch values`);
  }
  // A block without the intent column has no intents (none of its events had one, or it predates the column).
  if (block.i === undefined) block.i = new Array(block.n as number).fill(0);
  for (const name of NUMBER_COLUMNS) {
    if (!Array.isArray(block[name])) throw new TimelineError(`damaged timeline: block ${b} lacks column "${name}"`);
  }
  return block as unknown as WholeBlock;
}

/** Refuses a block whose per-event columns do not each hold one value per event (the intent column may be absent). */
export function checkColumnLengths(cols: EventColumns): void {
  const n = cols.n;
  for (const name of PER_EVENT_COLUMNS) {
    const col = cols[name];
    if (col.length !== n) {
      throw new TimelineError(`damaged timeline: column "${name}" has ${col.length} values for ${n} events`);
    }
  }
  const intent = cols.i;
  if (intent !== undefined && intent.length !== n) {
    throw new TimelineError(`damaged timeline: column "i" has ${intent.length} values for ${n} events`);
  }
}

/** The columns holding one value per event, in the order they are checked. */
const PER_EVENT_COLUMNS = ['t', 'k', 's', 'c', 'x', 'r', 'tp', 'p', 'm', 'd'] as const;

/**
 * Rebuilds the events of one block of columns (or of joined blocks) and appends them to `out`; `strings` is the table
 * so far, to which the block's strings are added. Refuses columns that do not add up, ids out of the table, time
 * going back and causes that are not before their event, saying where.
 */
export function decodeColumns(cols: EventColumns, strings: string[], out: TimelineEvent[]): void {
  for (const s of cols.str) strings.push(s);
  const n = cols.n;
  const base = out.length;
  const { t, k, s, c, x, r, tp, i: intent, p, po, pl, ps, pv, m, mf, mt, ma, d, dt, dk, ds } = cols;
  checkColumnLengths(cols);
  const nStr = strings.length;
  const str = (id: number, where: number): string => {
    if (!(id >= 0 && id < nStr)) {
      throw new TimelineError(`damaged timeline: event ${where} names string ${id}, not in the table`);
    }
    return strings[id]!;
  };
  const seg = (v: number, where: number): string | number => (v < 0 ? str(-v - 1, where) : v);
  let time = base > 0 ? out[base - 1]!.t : 0;
  let ip = 0;
  let is = 0;
  let iv = 0;
  let im = 0;
  let id = 0;
  for (let j = 0; j < n; j++) {
    const i = base + j;
    const dtime = t[j]!;
    if (!(dtime >= 0)) throw new TimelineError(`damaged timeline: event ${i} goes back in time`);
    time += dtime;
    const back = c[j]!;
    if (!(back >= 0 && back <= i && Number.isInteger(back))) {
      throw new TimelineError(`damaged timeline: event ${i} names a cause that is not before it`);
    }
    // One shape for every event (absent fields are undefined, which JSON.stringify leaves out): property reads
    // across a million events stay monomorphic.
    const rj = r[j]!;
    const tpj = tp[j]!;
    const ij = intent === undefined ? 0 : intent[j]!;
    const e: {
      t: number;
      k: string;
      s: string;
      c: number;
      x: string;
      r: string | undefined;
      tp: string | undefined;
      i: string | undefined;
      p: Patch[] | undefined;
      m: MessageInfo | undefined;
      d: Deadline[] | undefined;
    } = {
      t: time,
      k: str(k[j]!, i),
      s: str(s[j]!, i),
      c: back === 0 ? -1 : i - back,
      x: str(x[j]!, i),
      r: rj > 0 ? str(rj - 1, i) : undefined,
      tp: tpj > 0 ? str(tpj - 1, i) : undefined,
      i: ij > 0 ? str(ij - 1, i) : undefined,
      p: undefined,
      m: undefined,
      d: undefined,
    };
    const pj = p[j]!;
    if (pj > 0) {
      // Lists made by a literal for the common lengths, not by `new Array(n)`: a literal has an allocation site, by
      // which V8 learns that nearly all of them survive and allocates them in the old generation, sparing the young
      // generation's collections from copying them (for the million-event run, decoding took a quarter less).
      const patches: Patch[] = pj === 2 ? [NO_PATCH] : pj === 3 ? [NO_PATCH, NO_PATCH] : new Array(pj - 1);
      for (let q = 0; q < pj - 1; q++, ip++) {
        const code = po[ip];
        const len = pl[ip];
        if (code === undefined || len === undefined || !(code >= 0 && code < 6) || is + len > ps.length) {
          throw new TimelineError(`damaged timeline: event ${i} has patches the columns do not hold`);
        }
        let path: (string | number)[];
        if (len === 5) {
          path = [seg(ps[is]!, i), seg(ps[is + 1]!, i), seg(ps[is + 2]!, i), seg(ps[is + 3]!, i), seg(ps[is + 4]!, i)];
          is += 5;
        } else if (len === 4) {
          path = [seg(ps[is]!, i), seg(ps[is + 1]!, i), seg(ps[is + 2]!, i), seg(ps[is + 3]!, i)];
          is += 4;
        } else {
          path = new Array(len);
          for (let w = 0; w < len; w++, is++) path[w] = seg(ps[is]!, i);
        }
        const op = OPS[code % 3]!;
        if (code < 3) {
          if (iv >= pv.length) throw new TimelineError(`damaged timeline: event ${i} has a patch with no value`);
          patches[q] = { op, path, value: pv[iv++] };
        } else {
          patches[q] = { op, path };
        }
      }
      e.p = patches;
    }
    const mj = m[j]!;
    if (mj > 0) {
      if (im >= mf.length || im >= mt.length || im >= ma.length) {
        throw new TimelineError(`damaged timeline: event ${i} has a message the columns do not hold`);
      }
      e.m = { from: str(mf[im]!, i), to: str(mt[im]!, i), at: time + ma[im]!, ok: mj === 2 };
      im++;
    }
    const dj = d[j]!;
    if (dj > 0) {
      const deadlines: Deadline[] = dj === 2 ? [NO_DEADLINE] : new Array(dj - 1);
      for (let q = 0; q < dj - 1; q++, id++) {
        if (id >= dt.length || id >= dk.length || id >= ds.length) {
          throw new TimelineError(`damaged timeline: event ${i} has deadlines the columns do not hold`);
        }
        deadlines[q] = { t: time + dt[id]!, k: str(dk[id]!, i), s: str(ds[id]!, i) };
      }
      e.d = deadlines;
    }
    out.push(e as TimelineEvent);
  }
}
