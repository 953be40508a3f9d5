import { describe, expect, it } from 'vitest';
import { Random } from '../../sim/engine/random.js';

const draws = (r: Random, n: number): number[] => Array.from({ length: n }, () => r.next());

describe('Random.resalt (branching for importance splitting)', () => {
  it('a family never resalted draws what it always drew', () => {
    const a = Random.root(42).fork('faults');
    expect(a.salt).toBe('');
    // Golden values after a fixed seed: resalting support must not move an unsalted stream.
    expect(draws(a, 3)).toEqual(draws(Random.root(42).fork('faults'), 3));
  });

  it('resalting switches every stream of the family, made before or after, to a fresh sequence', () => {
    const root = Random.root(7);
    const before = root.fork('a');
    draws(before, 5);
    root.resalt('branch-1');
    const after = root.fork('b');
    const x = draws(before, 4);
    const y = draws(after, 4);
    const again = Random.root(7);
    const b2 = again.fork('a');
    again.resalt('branch-1');
    const c2 = again.fork('b');
    // The sequence after a resalt depends only on (seed, path, salt), not on what was drawn before.
    expect(draws(b2, 4)).toEqual(x);
    expect(draws(c2, 4)).toEqual(y);
    expect(x).not.toEqual(draws(Random.root(7).fork('a'), 4));
  });

  it('different salts give different sequences; another family is untouched', () => {
    const one = Random.root(1);
    const other = Random.root(1);
    const s1 = one.fork('x');
    const s2 = other.fork('x');
    one.resalt('p');
    const p = draws(s1, 3);
    one.resalt('q');
    const q = draws(s1, 3);
    expect(p).not.toEqual(q);
    expect(draws(s2, 3)).toEqual(draws(Random.root(1).fork('x'), 3));
    for (const v of [...p, ...q]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      expect(Number.isInteger(v * 2 ** 32)).toBe(true);
    }
  });

  it('the streams of a salted family are distinct', () => {
    const root = Random.root(1);
    root.resalt('x');
    const seqs = [root.fork('ab'), root.fork('a').fork('b'), root.fork('b').fork('a'), root].map((r) =>
      draws(r, 3).join(),
    );
    expect(new Set(seqs).size).toBe(4);
    expect(() => Random.root(1).resalt('')).toThrow(RangeError);
  });

  it('salted draws are uniform (mean and variance of 100,000 draws)', () => {
    const r = Random.root(3);
    r.resalt('u');
    const s = r.fork('u');
    let sum = 0;
    let sq = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const v = s.next();
      sum += v;
      sq += v * v;
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
  });
});
