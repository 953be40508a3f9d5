/**
 * Base64 for timeline version 3's packed columns (sim/trace/base64.ts): the table-driven coder (for engines without a
 * built-in one) agrees with Node's Buffer on every length and byte, and decoding refuses what is not base64, by the
 * table and by the built-in path alike.
 */
import { describe, expect, it } from 'vitest';
import { fromBase64, fromBase64ByTable, toBase64, toBase64ByTable } from '../../sim/trace/base64.js';

/** Bytes of every value, in a deterministic order. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('base64', () => {
  it('encodes and decodes like Buffer, by the table and by the built-in path, at every length', () => {
    for (let n = 0; n < 70; n++) {
      const b = bytes(n, n + 1);
      const expected = Buffer.from(b).toString('base64');
      expect(toBase64ByTable(b)).toBe(expected);
      expect(toBase64(b)).toBe(expected);
      expect(fromBase64ByTable(expected)).toEqual(new Uint8Array(b));
      expect(Array.from(fromBase64(expected)!)).toEqual(Array.from(b));
    }
    // Longer than the table coder's chunk of output.
    const big = bytes(100_000, 7);
    expect(toBase64ByTable(big)).toBe(Buffer.from(big).toString('base64'));
    expect(fromBase64ByTable(toBase64ByTable(big))).toEqual(big);
  });

  it('refuses what is not base64', () => {
    for (const bad of ['A', 'AB=', 'AB!C', 'AB-_', 'A=BC', 'AB C', 'ABC\u00e9', '====', 'AAAA=AAA']) {
      expect(fromBase64ByTable(bad), bad).toBeNull();
      expect(fromBase64(bad), bad).toBeNull();
    }
  });
});
