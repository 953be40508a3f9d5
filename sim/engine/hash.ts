/**
 * A running 64-bit FNV-1a hash of a run's trace, used to check that two runs were the same, byte for byte.
 *
 * Strings are hashed as their UTF-8 bytes (a lone surrogate as U+FFFD, as TextEncoder does), so digests match any
 * standard FNV-1a 64 implementation: "" → cbf29ce484222325, "a" → af63dc4c8601ec8c. The 64-bit state is kept as
 * two unsigned 32-bit halves; no BigInt, no allocation per update.
 *
 * The hash sees one stream of bytes: update('ab'); update('c') equals update('abc'). Callers that hash fields
 * should put a separator between them.
 */

// FNV-1a 64: offset basis 0xcbf29ce484222325, prime 2^40 + 0x1b3.
// The state's halves are kept as signed 32-bit integers (the same bits): no conversion to unsigned per byte.
const OFFSET_HI = 0xcbf29ce4 | 0;
const OFFSET_LO = 0x84222325 | 0;
const PRIME_LO = 0x1b3;

// Scratch space for updateNumber; little-endian on every platform via DataView.
const scratch = new DataView(new ArrayBuffer(8));
// Scratch space for updateDecimal: the ASCII digits of a safe integer (writeDecimal).
const digits = new Uint8Array(16);

export class TraceHash {
  private hi = OFFSET_HI;
  private lo = OFFSET_LO;

  /** Hashes one byte (0–255). */
  byte(b: number): void {
    // (hi·2^32 + lo) · (2^40 + 0x1b3) mod 2^64 in 32-bit integer steps: lo · 0x1b3 gives the new low word and a carry
    // into the high word (computed in 16-bit halves, as lo · 0x1b3 < 2^41); lo · 2^40 only reaches the high word, as
    // lo << 8.
    const x = this.lo ^ b;
    const carry = ((x >>> 16) * PRIME_LO + (((x & 0xffff) * PRIME_LO) >>> 16)) >>> 16;
    this.lo = Math.imul(x, PRIME_LO);
    this.hi = (Math.imul(this.hi, PRIME_LO) + carry + (x << 8)) | 0;
  }

  /**
   * Hashes `buf[from]` … `buf[to − 1]`: the same as byte() on each in turn, with the state in locals. For bytes a
   * caller encoded once and hashes many times (a failed probe's fixed fragments).
   */
  bytes(buf: Uint8Array, from: number, to: number): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = from; i < to; i++) {
      const x = lo ^ buf[i]!;
      // As in byte(), inlined.
      const carry = ((x >>> 16) * PRIME_LO + (((x & 0xffff) * PRIME_LO) >>> 16)) >>> 16;
      lo = Math.imul(x, PRIME_LO);
      hi = (Math.imul(hi, PRIME_LO) + carry + (x << 8)) | 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** Hashes the UTF-8 bytes of `s`. */
  update(s: string): void {
    const n = s.length;
    // ASCII, the common case, with the state in locals; the first other character hands over to `updateFrom`.
    let hi = this.hi;
    let lo = this.lo;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      const x = lo ^ c;
      // As in byte(), inlined.
      const carry = ((x >>> 16) * PRIME_LO + (((x & 0xffff) * PRIME_LO) >>> 16)) >>> 16;
      lo = Math.imul(x, PRIME_LO);
      hi = (Math.imul(hi, PRIME_LO) + carry + (x << 8)) | 0;
    }
    this.hi = hi;
    this.lo = lo;
    if (i < n) this.updateFrom(s, i);
  }

  /** Hashes the UTF-8 bytes of `s` from code unit `start` on. */
  private updateFrom(s: string, start: number): void {
    const n = s.length;
    for (let i = start; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        this.byte(c);
        continue;
      }
      if (c < 0x800) {
        this.byte(0xc0 | (c >> 6));
        this.byte(0x80 | (c & 0x3f));
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const c2 = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && c2 >= 0xdc00 && c2 <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
          i++;
          this.byte(0xf0 | (cp >> 18));
          this.byte(0x80 | ((cp >> 12) & 0x3f));
          this.byte(0x80 | ((cp >> 6) & 0x3f));
          this.byte(0x80 | (cp & 0x3f));
          continue;
        }
        c = 0xfffd; // lone surrogate
      }
      this.byte(0xe0 | (c >> 12));
      this.byte(0x80 | ((c >> 6) & 0x3f));
      this.byte(0x80 | (c & 0x3f));
    }
  }

  /**
   * Hashes `String(n)` — the same bytes — without making the string: a safe integer's decimal digits (with a '-' when
   * negative; −0 is "0", as String gives), anything else through String. The recorder hashes times and event ids this
   * way, a few per event (converting a double such as a time in µs to text costs more than hashing it); the digits
   * come from writeDecimal.
   */
  updateDecimal(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.update(String(n));
      return;
    }
    let v = n;
    if (v < 0) {
      this.byte(0x2d);
      v = -v;
    }
    if (v < 10) {
      this.byte(0x30 + v);
      return;
    }
    this.bytes(digits, 0, writeDecimal(v, digits, 0));
  }

  /**
   * Hashes the bytes of `JSON.stringify(v)` without making the string, for `v` that JSON.stringify turns into text
   * (the recorder hashes each event's patches this way). Plain objects, arrays, strings, numbers, booleans and null
   * are walked here with JSON.stringify's rules (its escapes, its key order, undefined and functions dropped from
   * objects and written as null in arrays, non-finite numbers as null); any other object (one with a toJSON method,
   * a Date, a Map, a typed array…) is handed to JSON.stringify itself.
   */
  updateJson(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.jsonString(v);
        return;
      case 'number':
        if (Number.isFinite(v)) this.updateDecimal(v);
        else this.ascii('null');
        return;
      case 'boolean':
        this.ascii(v ? 'true' : 'false');
        return;
      case 'object':
        break;
      default: {
        // undefined, a function or a symbol (nothing at the top level: JSON.stringify returns undefined), or a
        // bigint (JSON.stringify throws).
        const s = JSON.stringify(v);
        if (s !== undefined) this.update(s);
        return;
      }
    }
    if (v === null) {
      this.ascii('null');
      return;
    }
    if (Array.isArray(v)) {
      this.byte(0x5b); // [
      for (let i = 0; i < v.length; i++) {
        if (i > 0) this.byte(0x2c); // ,
        const x: unknown = v[i];
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') this.ascii('null');
        else this.updateJson(x);
      }
      this.byte(0x5d); // ]
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      const s = JSON.stringify(v);
      if (s !== undefined) this.update(s);
      return;
    }
    const o = v as Record<string, unknown>;
    this.byte(0x7b); // {
    let first = true;
    for (const key in o) {
      if (!Object.hasOwn(o, key)) continue;
      const x = o[key];
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      if (!first) this.byte(0x2c);
      first = false;
      this.jsonString(key);
      this.byte(0x3a); // :
      this.updateJson(x);
    }
    this.byte(0x7d); // }
  }

  /** Hashes an ASCII literal (no check). */
  private ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
  }

  /** Hashes `JSON.stringify(s)` for a string `s`: quoted, with JSON.stringify's escapes. */
  private jsonString(s: string): void {
    const n = s.length;
    // The common case — ASCII that needs no escape — in one pass with the state in locals, up to the first character
    // that is not plain (non-ASCII, a control character, '"' or '\\').
    this.byte(0x22);
    let hi = this.hi;
    let lo = this.lo;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) break;
      const x = lo ^ c;
      // As in byte(), inlined.
      const carry = ((x >>> 16) * PRIME_LO + (((x & 0xffff) * PRIME_LO) >>> 16)) >>> 16;
      lo = Math.imul(x, PRIME_LO);
      hi = (Math.imul(hi, PRIME_LO) + carry + (x << 8)) | 0;
    }
    this.hi = hi;
    this.lo = lo;
    // The rest, from the first character that is not plain ASCII: JSON.stringify escapes code unit by code unit
    // (pairing surrogates), so the prefix hashed above cannot change how the rest is written.
    if (i < n) this.jsonRest(i === 0 ? s : s.slice(i));
    this.byte(0x22);
  }

  /** Hashes `JSON.stringify(s)` without its quotes. */
  private jsonRest(s: string): void {
    const n = s.length;
    let plain = true;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
        plain = false;
        break;
      }
    }
    if (plain) this.update(s);
    else this.update(JSON.stringify(s).slice(1, -1));
  }

  /**
   * Hashes the 8 bytes of `n` as an IEEE-754 double, little-endian. −0 is hashed as 0 and every NaN as the one
   * canonical quiet NaN, so the digest does not depend on how the platform produced them.
   */
  updateNumber(n: number): void {
    if (Number.isNaN(n)) {
      scratch.setUint32(0, 0, true);
      scratch.setUint32(4, 0x7ff80000, true);
    } else {
      scratch.setFloat64(0, n === 0 ? 0 : n, true);
    }
    for (let i = 0; i < 8; i++) this.byte(scratch.getUint8(i));
  }

  /** The hash so far: 16 lowercase hex digits. Does not change the state. */
  digest(): string {
    return (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0');
  }

  /** An independent copy with the same state. */
  clone(): TraceHash {
    const c = new TraceHash();
    c.hi = this.hi;
    c.lo = this.lo;
    return c;
  }
}

/**
 * Writes `String(n)` for a non-negative safe integer `n` into `buf` from index `at` (ASCII digits) and returns the
 * index after the last digit: what updateDecimal hashes, as bytes a caller can hash more than once. `buf` must have
 * room for 16 digits from `at`.
 */
export function writeDecimal(n: number, buf: Uint8Array, at: number): number {
  if (n < 1e8) return writeDigits(n, buf, at, 1);
  // Under 2^53 the high part is under 10^8 too.
  const high = Math.floor(n / 1e8);
  return writeDigits(n - high * 1e8, buf, writeDigits(high, buf, at, 1), 8);
}

/** Writes the digits of an integer `v` in [0, 10^8), zero-padded to at least `width`, into `buf` from `at`. */
function writeDigits(v: number, buf: Uint8Array, at: number, width: number): number {
  let x = v | 0;
  let len = 1;
  for (let p = 10; p <= x; p *= 10) len++;
  if (len < width) len = width;
  const end = at + len;
  for (let j = end - 1; j >= at; j--) {
    const q = (x / 10) | 0;
    buf[j] = 0x30 + x - q * 10;
    x = q;
  }
  return end;
}
