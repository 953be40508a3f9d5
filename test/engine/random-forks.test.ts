/** `Random.forks`: many children of one stream seeded at once must draw exactly what `fork` draws, salted or not. */
import { describe, expect, it } from 'vitest';
import { Random } from '../../sim/engine/random.js';

const draws = (r: Random, n: number): number[] => Array.from({ length: n }, () => r.next());

// Names of mixed lengths, with more than four of some lengths (the lock-step path) and single ones (the plain path).
const NAMES = [
  ...Array.from({ length: 11 }, (_, i) => `svc-${i}.web.${i % 3}`),
  ...Array.from({ length: 6 }, (_, i) => `c${i}-r${i * 7}-n${i * 13}`),
  'x',
  'é∑ 名前|two',
  'y'.repeat(200),
  'a',
];

describe('Random.forks', () => {
  it('each child draws what fork(name) draws, through draw() then stream(), for several seeds and parents', () => {
    for (const seed of [0, 2026, -7.5, 'a|b', '']) {
      for (const parentPath of ['', 'faults', 'faults/0-node.hardware', 'p'.repeat(90)]) {
        const parent = (root: Random) => parentPath.split('/').reduce((r, n) => (n === '' ? r : r.fork(n)), root);
        const forks = parent(Random.root(seed)).forks(NAMES);
        const ref = parent(Random.root(seed));
        expect(forks.size).toBe(NAMES.length);
        NAMES.forEach((name, i) => {
          const want = draws(ref.fork(name), 8);
          const first = forks.draw(i, (r) => [r.next(), r.next()]);
          const second = forks.draw(i, (r) => [r.next(), r.next(), r.next()]);
          expect([...first, ...second, ...draws(forks.stream(i), 3)]).toEqual(want);
        });
      }
    }
  });

  it('continues the sequence across draws of one number, of none, and a stream made after one draw', () => {
    // A child's second and third seeds are hashed only at its second draw: every way of reaching that draw (within
    // one call, in the next call, through stream()) must give the same numbers as fork(name).
    for (const seed of [1, 'x']) {
      const ref = Random.root(seed).fork('faults');
      const want = NAMES.map((name) => draws(ref.fork(name), 6));
      const byOnes = Random.root(seed).fork('faults').forks(NAMES);
      const oneThenStream = Random.root(seed).fork('faults').forks(NAMES);
      const noneThenTwo = Random.root(seed).fork('faults').forks(NAMES);
      NAMES.forEach((_, i) => {
        const got = Array.from({ length: 6 }, () => byOnes.draw(i, (r) => r.next()));
        expect(got).toEqual(want[i]);
        const first = oneThenStream.draw(i, (r) => r.next());
        expect([first, ...draws(oneThenStream.stream(i), 5)]).toEqual(want[i]);
        expect(noneThenTwo.draw(i, () => 'nothing drawn')).toBe('nothing drawn');
        expect(noneThenTwo.draw(i, (r) => [r.next(), r.next53()])).toEqual([
          want[i]![0],
          want[i]![1]! + ((want[i]![2]! * 0x200000) | 0) * 2 ** -53,
        ]);
        expect(noneThenTwo.draw(i, (r) => draws(r, 3))).toEqual(want[i]!.slice(3, 6));
      });
    }
  });

  it('a child that is never drawn or made first through stream() starts its sequence at the beginning', () => {
    const forks = Random.root(9).forks(NAMES);
    expect(draws(forks.stream(3), 4)).toEqual(draws(Random.root(9).fork(NAMES[3]!), 4));
    expect(forks.stream(3)).toBe(forks.stream(3));
    expect(forks.draw(3, (r) => r.next())).toBe(draws(Random.root(9).fork(NAMES[3]!), 5)[4]);
  });

  it('follows a salt: set before forks() or after some draws, children draw what salted forks draw', () => {
    const salted = Random.root(5);
    salted.resalt('s1');
    const ref = Random.root(5);
    ref.resalt('s1');
    const forks = salted.forks(NAMES);
    NAMES.forEach((name, i) => {
      expect(forks.draw(i, (r) => draws(r, 3))).toEqual(draws(ref.fork(name), 3));
    });

    const late = Random.root(5);
    const lateForks = late.forks(NAMES);
    for (let i = 0; i < NAMES.length; i++) lateForks.draw(i, (r) => r.next());
    lateForks.stream(2);
    late.resalt('s2');
    const ref2 = Random.root(5);
    ref2.resalt('s2');
    NAMES.forEach((name, i) => {
      expect(lateForks.draw(i, (r) => draws(r, 3))).toEqual(draws(ref2.fork(name), 3));
    });
  });

  it('refuses bad names and children out of range', () => {
    const r = Random.root(1);
    expect(() => r.forks(['a', ''])).toThrow(RangeError);
    expect(() => r.forks(['a/b'])).toThrow(/without '\/'/);
    const forks = r.forks(['a']);
    expect(() => forks.draw(1, (x) => x.next())).toThrow(RangeError);
    expect(() => forks.draw(-1, (x) => x.next())).toThrow(RangeError);
  });
});
