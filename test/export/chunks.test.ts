/**
 * TextChunker: what goes in comes out as the same UTF-8 bytes, in order, in pieces no bigger than asked for (a
 * string longer than a piece goes out alone), and a piece handed out is never written to again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextChunker } from '../../sim/export/chunks.js';

describe('TextChunker', () => {
  it('passes on exactly the UTF-8 of what was pushed, in pieces of at most the size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 60 }),
        fc.integer({ min: 8, max: 64 }),
        (texts, size) => {
          const pieces: Uint8Array[] = [];
          const out = new TextChunker((c) => pieces.push(c as Uint8Array), size);
          for (const t of texts) out.push(t);
          out.flush();
          const joined = Buffer.concat(pieces.map((p) => Buffer.from(p)));
          expect(joined.equals(Buffer.from(texts.join(''), 'utf8'))).toBe(true);
          for (const p of pieces) expect(p.length > 0).toBe(true);
          const long = texts.some((t) => t.length * 3 > size);
          if (!long) for (const p of pieces) expect(p.length).toBeLessThanOrEqual(size);
        },
      ),
    );
  });

  it('never writes again to a piece it handed out (a Blob may keep it)', () => {
    const pieces: { piece: Uint8Array; copy: string }[] = [];
    const out = new TextChunker((c) => pieces.push({ piece: c as Uint8Array, copy: Buffer.from(c).toString() }), 8);
    for (const t of ['ab', 'cd', 'ef', 'gh', 'ij', 'kl']) out.push(t);
    out.flush();
    expect(pieces.length).toBeGreaterThan(1);
    for (const { piece, copy } of pieces) expect(Buffer.from(piece).toString()).toBe(copy);
    expect(pieces.map((p) => p.copy).join('')).toBe('abcdefghijkl');
  });
});
