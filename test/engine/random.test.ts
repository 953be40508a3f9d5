import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { hashString32, hashUniform, Random, streamKey } from '../../sim/engine/random.js';
import { ksCritical, ksStatistic } from './stats.js';

function draws(r: Random, n: number): number[] {
  return Array.from({ length: n }, () => r.next());
}

describe('Random', () => {
  it('root(12345) draws pinned golden values', () => {
    expect(draws(Random.root(12345), 4)).toEqual([
      0.9879941616673023, 0.6482895018998533, 0.3772031345870346, 0.12075644871219993,
    ]);
  });

  it("draws exactly what seedrandom's alea draws for the same key (the in-house generator is bit-identical)", () => {
    const paths = ['', 'faults', 'faults/0-node.hardware/c-3|n-17', 'phases/guest', 'é∑ unicode/名前', 'x'.repeat(300)];
    for (const seed of [0, 1, 2026, -7.5, 'a|b', '']) {
      for (const path of paths) {
        const ours =
          path === '' ? Random.root(seed) : path.split('/').reduce((r, name) => r.fork(name), Random.root(seed));
        const theirs = seedrandom.alea(streamKey(String(seed), path));
        for (let i = 0; i < 200; i++) expect(ours.next()).toBe(theirs());
      }
    }
  });

  it('a stream is seeded on its first draw: the order forks are made and drawn in changes nothing', () => {
    const a = Random.root(9);
    const x = a.fork('x');
    const y = a.fork('y');
    const yFirst = [y.next(), y.next()];
    const xAfter = [x.next(), x.next()];
    const b = Random.root(9);
    const x2 = b.fork('x');
    expect([x2.next(), x2.next()]).toEqual(xAfter);
    const y2 = b.fork('y');
    expect([y2.next(), y2.next()]).toEqual(yFirst);
    expect(xAfter).not.toEqual(yFirst);
  });

  it('forks draw pinned golden values', () => {
    expect(draws(Random.root(12345).fork('faults'), 3)).toEqual([
      0.8923191169742495, 0.8535039031412452, 0.04583073523826897,
    ]);
    expect(draws(Random.root(12345).fork('faults').fork('node-3'), 3)).toEqual([
      0.25308492174372077, 0.523379861144349, 0.7501810151152313,
    ]);
  });

  it('pins the first draws of each method', () => {
    const r = Random.root(12345);
    expect([
      r.int(1, 6),
      r.int(1, 6),
      r.int(0, 2 ** 40),
      r.exponential(10),
      r.normal(0, 1),
      r.lognormal(5, 0.5),
      r.weibull(1.5, 3),
      r.uniform(-1, 1),
    ]).toEqual([
      6, 4, 414739232543, 9.312659482243538, 1.4096035996796632, 5.5459620477704785, 4.380475000155139,
      -0.32116895308718085,
    ]);
  });

  it('has path "" at the root and slash-joined names below', () => {
    const root = Random.root(1);
    expect(root.path).toBe('');
    expect(root.fork('faults').path).toBe('faults');
    expect(root.fork('faults').fork('node-3').path).toBe('faults/node-3');
  });

  it('treats numeric and string seeds alike, and different seeds differently', () => {
    expect(draws(Random.root(42), 5)).toEqual(draws(Random.root('42'), 5));
    expect(draws(Random.root(42), 5)).not.toEqual(draws(Random.root(43), 5));
  });

  it('fork streams do not depend on fork creation order', () => {
    const r1 = Random.root(7);
    const a1 = r1.fork('a');
    const b1 = r1.fork('b');
    const r2 = Random.root(7);
    const b2 = r2.fork('b');
    const a2 = r2.fork('a');
    expect(draws(a1, 10)).toEqual(draws(a2, 10));
    expect(draws(b1, 10)).toEqual(draws(b2, 10));
  });

  it("fork streams do not depend on other streams' draw counts", () => {
    const fresh = draws(Random.root(7).fork('network').fork('link-1'), 10);
    const root = Random.root(7);
    draws(root, 1000);
    const faults = root.fork('faults');
    draws(faults, 123);
    const network = root.fork('network');
    draws(network, 77);
    expect(draws(network.fork('link-1'), 10)).toEqual(fresh);
  });

  it('forking the same name twice gives the same stream; different names give different streams', () => {
    const root = Random.root(7);
    expect(draws(root.fork('x'), 5)).toEqual(draws(root.fork('x'), 5));
    expect(draws(root.fork('x'), 5)).not.toEqual(draws(root.fork('y'), 5));
    expect(draws(root.fork('x'), 5)).not.toEqual(draws(root, 5));
  });

  it('keeps seed and path apart unambiguously', () => {
    expect(streamKey('a|b', '')).not.toBe(streamKey('a', 'b'));
    expect(draws(Random.root('2:42|x'), 3)).not.toEqual(draws(Random.root(42).fork('x'), 3));
  });

  it('refuses bad seeds and fork names', () => {
    expect(() => Random.root(Number.NaN)).toThrow(RangeError);
    expect(() => Random.root(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => Random.root({} as unknown as string)).toThrow(TypeError);
    const r = Random.root(1);
    expect(() => r.fork('')).toThrow(/non-empty string without '\/'/);
    expect(() => r.fork('a/b')).toThrow(RangeError);
  });

  it('next() is uniform on [0, 1) (Kolmogorov–Smirnov, 20,000 draws)', () => {
    const xs = draws(Random.root(2024).fork('ks'), 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(ksStatistic(xs, (x) => x)).toBeLessThan(ksCritical(xs.length));
  });

  it('next53() is uniform on [0, 1) with more than 32 bits', () => {
    const r = Random.root(5);
    const xs = Array.from({ length: 20_000 }, () => r.next53());
    expect(ksStatistic(xs, (x) => x)).toBeLessThan(ksCritical(xs.length));
    expect(xs.some((x) => (x * 2 ** 32) % 1 !== 0)).toBe(true);
  });

  describe('int(min, maxInclusive)', () => {
    it('covers the inclusive range with equal frequencies', () => {
      const r = Random.root(99);
      const counts = new Array<number>(6).fill(0);
      const n = 60_000;
      for (let i = 0; i < n; i++) {
        const v = r.int(1, 6);
        expect(Number.isInteger(v) && v >= 1 && v <= 6).toBe(true);
        counts[v - 1]!++;
      }
      // Each face within 5 binomial standard deviations of n/6.
      const sd = Math.sqrt((n * (1 / 6) * 5) / 6);
      for (const c of counts) expect(Math.abs(c - n / 6)).toBeLessThan(5 * sd);
    });

    it('handles a single value, negative bounds and ranges wider than 2^32', () => {
      const r = Random.root(3);
      expect(r.int(5, 5)).toBe(5);
      for (let i = 0; i < 100; i++) {
        const v = r.int(-3, -1);
        expect(v >= -3 && v <= -1).toBe(true);
      }
      const wide = Array.from({ length: 2000 }, () => r.int(0, 2 ** 50));
      expect(wide.every((v) => Number.isInteger(v) && v >= 0 && v <= 2 ** 50)).toBe(true);
      expect(Math.max(...wide)).toBeGreaterThan(2 ** 49);
      expect(wide.some((v) => v % 2 === 1)).toBe(true);
    });

    it('refuses reversed or non-integer bounds', () => {
      const r = Random.root(3);
      expect(() => r.int(2, 1)).toThrow(RangeError);
      expect(() => r.int(0.5, 3)).toThrow(RangeError);
      expect(() => r.int(0, Number.NaN)).toThrow(RangeError);
    });
  });

  describe('choice and shuffle', () => {
    it('choice picks each item about equally often and throws on an empty array', () => {
      const r = Random.root(11);
      const items = ['a', 'b', 'c', 'd'] as const;
      const counts: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };
      const n = 40_000;
      for (let i = 0; i < n; i++) counts[r.choice(items)]!++;
      const sd = Math.sqrt(n * 0.25 * 0.75);
      for (const k of items) expect(Math.abs(counts[k]! - n / 4)).toBeLessThan(5 * sd);
      expect(() => r.choice([])).toThrow(/no items/);
    });

    it('shuffle permutes in place, returns its argument, and is deterministic per seed', () => {
      const a = Array.from({ length: 50 }, (_, i) => i);
      const out = Random.root(8).shuffle(a);
      expect(out).toBe(a);
      expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
      const b = Array.from({ length: 50 }, (_, i) => i);
      Random.root(8).shuffle(b);
      expect(b).toEqual(a);
      expect(Random.root(8).shuffle([])).toEqual([]);
      expect(Random.root(8).shuffle([1])).toEqual([1]);
    });

    it('shuffle puts each item in each position about equally often', () => {
      const r = Random.root(12);
      const n = 24_000;
      const counts = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
      for (let i = 0; i < n; i++) {
        const p = r.shuffle([0, 1, 2, 3]);
        p.forEach((item, pos) => {
          counts[item]![pos]!++;
        });
      }
      const sd = Math.sqrt(n * 0.25 * 0.75);
      for (const row of counts) for (const c of row) expect(Math.abs(c - n / 4)).toBeLessThan(5 * sd);
    });
  });

  it('chance(p) is true with probability p', () => {
    const r = Random.root(13);
    let hits = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) if (r.chance(0.2)) hits++;
    expect(Math.abs(hits - 0.2 * n)).toBeLessThan(5 * Math.sqrt(n * 0.2 * 0.8));
    expect(r.chance(0)).toBe(false);
    expect(r.chance(1)).toBe(true);
  });
});

describe('hashUniform(key, a, b) (counter-based)', () => {
  it('is a pure function of its inputs, with pinned golden values', () => {
    expect(hashUniform(0, 0, 0)).toBe(0.1550392036652135);
    expect(hashUniform(1, 2, 3)).toBe(0.5846629749351067);
    expect(hashUniform(-1, 2 ** 40, 7)).toBe(0.11199147359125505);
    expect(hashUniform(1, 2, 3)).toBe(hashUniform(1, 2, 3));
  });

  it('changes when any one input changes, including the high 32 bits', () => {
    const base = hashUniform(10, 20, 30);
    expect(hashUniform(11, 20, 30)).not.toBe(base);
    expect(hashUniform(10, 21, 30)).not.toBe(base);
    expect(hashUniform(10, 20, 31)).not.toBe(base);
    expect(hashUniform(10 + 2 ** 32, 20, 30)).not.toBe(base);
    expect(hashUniform(10, 20 + 2 ** 40, 30)).not.toBe(base);
    expect(hashUniform(20, 10, 30)).not.toBe(base);
  });

  it('is uniform on [0, 1) over consecutive counters (Kolmogorov–Smirnov, 20,000 draws)', () => {
    const key = hashString32('network');
    const xs = Array.from({ length: 20_000 }, (_, a) => hashUniform(key, a, 0));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(ksStatistic(xs, (x) => x)).toBeLessThan(ksCritical(xs.length));
  });

  it('gives KS statistics distributed as for truly uniform draws, key after key', () => {
    // 100 keys × 5,000 counters. Under uniformity √n·D follows the Kolmogorov distribution: mean ≈ 0.869,
    // sd ≈ 0.26, and 5% of keys exceed 1.358. A structural flaw shifts both far beyond these bounds.
    const n = 5_000;
    let sum = 0;
    let over5pct = 0;
    for (let k = 0; k < 100; k++) {
      const key = k * 0x9e3779b1;
      const xs = Array.from({ length: n }, (_, a) => hashUniform(key, a, k));
      const d = ksStatistic(xs, (x) => x) * Math.sqrt(n);
      sum += d;
      if (d > 1.358) over5pct++;
    }
    expect(sum / 100).toBeGreaterThan(0.78);
    expect(sum / 100).toBeLessThan(0.96);
    expect(over5pct).toBeLessThanOrEqual(12);
  });

  it('shows no correlation between neighbouring counters', () => {
    const n = 20_000;
    const xs = Array.from({ length: n + 1 }, (_, a) => hashUniform(5, a, 0));
    let sum = 0;
    for (let i = 0; i < n; i++) sum += (xs[i]! - 0.5) * (xs[i + 1]! - 0.5);
    const corr = sum / n / (1 / 12);
    expect(Math.abs(corr)).toBeLessThan(5 / Math.sqrt(n));
  });
});

describe('hashString32(s)', () => {
  it('is a deterministic unsigned 32-bit hash with pinned values', () => {
    expect(hashString32('')).toBe(2872998923);
    expect(hashString32('a')).toBe(444641715);
    expect(hashString32('network')).toBe(3501969066);
    expect(hashString32('network')).toBe(hashString32('network'));
    expect(hashString32('network')).not.toBe(hashString32('networl'));
  });
});
