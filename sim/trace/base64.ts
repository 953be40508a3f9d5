/**
 * Base64 (RFC 4648, standard alphabet, with padding), for the packed columns of timeline version 3 (columns.ts): by
 * the engine where it can (Node's Buffer; `Uint8Array.fromBase64` / `toBase64` in Chromium), else by a table — in
 * Node, in the browser and in its workers alike. Decoding is strict: anything that is not base64 gives null.
 */
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** A character code's 6 bits in base64, or 255. */
const B64_VALUE = (() => {
  const table = new Uint8Array(128).fill(255);
  for (let i = 0; i < 64; i++) table[B64.charCodeAt(i)] = i;
  return table;
})();

type Base64Host = {
  Buffer?: {
    from(
      data: ArrayBufferLike | string,
      offsetOrEncoding?: number | string,
      length?: number,
    ): Uint8Array & { toString(enc: string): string };
  };
};
const nodeBuffer = (globalThis as Base64Host).Buffer;
const uint8FromBase64 = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64?.bind(
  Uint8Array,
);
const uint8ToBase64 = (Uint8Array.prototype as unknown as { toBase64?: (this: Uint8Array) => string }).toBase64;

/** Bytes in base64, with padding: by Node's Buffer where there is one, else the engine's `toBase64`, else a table. */
export function toBase64(bytes: Uint8Array): string {
  if (nodeBuffer !== undefined) {
    return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  }
  if (uint8ToBase64 !== undefined) return uint8ToBase64.call(bytes);
  return toBase64ByTable(bytes);
}

/** `toBase64` by a table, for engines without a built-in encoder. */
export function toBase64ByTable(bytes: Uint8Array): string {
  const parts: string[] = [];
  const codes = new Array<number>(0x3000);
  let k = 0;
  const n = bytes.length;
  let i = 0;
  const flush = () => {
    parts.push(String.fromCharCode.apply(null, codes.slice(0, k)));
    k = 0;
  };
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    codes[k++] = B64.charCodeAt(v >>> 18);
    codes[k++] = B64.charCodeAt((v >>> 12) & 63);
    codes[k++] = B64.charCodeAt((v >>> 6) & 63);
    codes[k++] = B64.charCodeAt(v & 63);
    if (k >= codes.length - 4) flush();
  }
  if (i < n) {
    const v = (bytes[i]! << 16) | (i + 1 < n ? bytes[i + 1]! << 8 : 0);
    codes[k++] = B64.charCodeAt(v >>> 18);
    codes[k++] = B64.charCodeAt((v >>> 12) & 63);
    codes[k++] = i + 1 < n ? B64.charCodeAt((v >>> 6) & 63) : 61;
    codes[k++] = 61;
  }
  flush();
  return parts.join('');
}

/**
 * The bytes a base64 text (with padding) holds, or null when it is not base64: by `Uint8Array.fromBase64` where the
 * engine has it (Chromium), else Node's Buffer (whose lenient decoding is checked by the length it gives), else a
 * table.
 */
export function fromBase64(s: string): Uint8Array | null {
  if (s.length % 4 !== 0) return null;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const size = (s.length / 4) * 3 - pad;
  if (uint8FromBase64 !== undefined) {
    try {
      const bytes = uint8FromBase64(s);
      // It skips white space: fewer bytes than the length promises.
      return bytes.length === size ? bytes : null;
    } catch {
      return null;
    }
  }
  if (nodeBuffer !== undefined) {
    const bytes = nodeBuffer.from(s, 'base64');
    // Buffer skips what is not base64: fewer bytes than the length promises. It also takes the URL alphabet's - and _.
    if (bytes.length !== size || s.includes('-') || s.includes('_')) return null;
    return bytes;
  }
  return fromBase64ByTable(s);
}

/** `fromBase64` by a table, for engines without a built-in decoder. */
export function fromBase64ByTable(s: string): Uint8Array | null {
  if (s.length % 4 !== 0) return null;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const size = (s.length / 4) * 3 - pad;
  const out = new Uint8Array(size);
  let o = 0;
  const n = s.length - pad;
  for (let i = 0; i < n; i += 4) {
    const a = B64_VALUE[s.charCodeAt(i)] ?? 255;
    const b = B64_VALUE[s.charCodeAt(i + 1)] ?? 255;
    const c = i + 2 < n ? (B64_VALUE[s.charCodeAt(i + 2)] ?? 255) : 0;
    const d = i + 3 < n ? (B64_VALUE[s.charCodeAt(i + 3)] ?? 255) : 0;
    if ((a | b | c | d) > 63) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    if (o < size) out[o++] = (v >>> 8) & 255;
    if (o < size) out[o++] = v & 255;
  }
  return out;
}
