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
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const PRIME_LO = 0x1b3;

// Scratch space for updateNumber; little-endian on every platform via DataView.
const scratch = new DataView(new ArrayBuffer(8));
// Scratch space for updateDecimal: the digits of a safe integer, least significant first.
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
    this.lo = Math.imul(x, PRIME_LO) >>> 0;
    this.hi = (Math.imul(this.hi, PRIME_LO) + carry + (x << 8)) >>> 0;
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
      lo = Math.imul(x, PRIME_LO) >>> 0;
      hi = (Math.imul(hi, PRIME_LO) + carry + (x << 8)) | 0;
    }
    this.hi = hi >>> 0;
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
   * way, a few per event (converting a double such as a time in µs to text costs more than hashing it).
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
    // Digits from the right into scratch, then hashed from the left; under 2^53 there are at most 16.
    const d = digits;
    let k = 0;
    while (v >= 10) {
      const q = Math.floor(v / 10);
      d[k++] = v - q * 10;
      v = q;
    }
    d[k] = v;
    let hi = this.hi;
    let lo = this.lo;
    for (; k >= 0; k--) {
      const x = lo ^ (0x30 + d[k]!);
      const carry = ((x >>> 16) * PRIME_LO + (((x & 0xffff) * PRIME_LO) >>> 16)) >>> 16;
      lo = Math.imul(x, PRIME_LO) >>> 0;
      hi = (Math.imul(hi, PRIME_LO) + carry + (x << 8)) | 0;
    }
    this.hi = hi >>> 0;
    this.lo = lo;
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
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }

  /** An independent copy with the same state. */
  clone(): TraceHash {
    const c = new TraceHash();
    c.hi = this.hi;
    c.lo = this.lo;
    return c;
  }
}
