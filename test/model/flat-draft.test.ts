/**
 * The flat drafter (sim/model/flat-draft.ts) against immer: for any sequence of assignments to a flat record, the
 * same result and the same patches as immer's produceWithPatches.
 */
import fc from 'fast-check';
import { enablePatches, Immer } from 'immer';
import { describe, expect, it } from 'vitest';
import { FlatDrafter } from '../../sim/model/flat-draft.js';
import type { Patch } from '../../sim/trace/index.js';

type R = { id: string; n: number; s: string; b: boolean; u: number | undefined };

enablePatches();
const immer = new Immer({ autoFreeze: false });
const base = (): R => ({ id: 'x', n: 0, s: 'Ready', b: false, u: undefined });

/** Runs `fn` on a draft of `base`: the new record and the patches `draftFields` stands for, under `prefix`. */
function produce<T extends object>(
  d: FlatDrafter<T>,
  base: T,
  fn: (draft: T) => void,
  prefix: readonly (string | number)[],
): [T, Patch[]] {
  const n = d.draftFields(base, fn);
  const patches: Patch[] = [];
  for (let i = 0; i < n; i++)
    patches.push({ op: 'replace', path: [...prefix, d.changedKeys[i]!], value: d.changedValues[i] });
  return [d.result, patches];
}

function same(rec: R, steps: readonly [keyof R, unknown][]): void {
  const apply = (d: R): void => {
    for (const [k, v] of steps) (d as Record<string, unknown>)[k] = v;
  };
  const [want, wantPatches] = immer.produceWithPatches(rec, apply);
  const [got, gotPatches] = produce(new FlatDrafter(base()), rec, apply, ['p', 3]);
  expect(gotPatches).toEqual(wantPatches.map((p) => ({ ...p, path: ['p', 3, ...p.path] })));
  expect(JSON.stringify(gotPatches)).toBe(
    JSON.stringify(wantPatches.map((p) => ({ ...p, path: ['p', 3, ...p.path] }))),
  );
  expect(Object.is(got, rec)).toBe(Object.is(want, rec));
  expect(got).toEqual(want);
  expect(Object.keys(got)).toEqual(Object.keys(want));
  expect(rec).toEqual(base());
}

describe('FlatDrafter', () => {
  it('gives the patches and result immer gives, in immer order, for any assignments', () => {
    const value = fc.oneof(
      fc.constantFrom(0, -0, 1, Number.NaN, -1, 'Ready', 'Busy', '', true, false, undefined),
      fc.integer(),
    );
    const step = fc.tuple(fc.constantFrom<keyof R>('n', 's', 'b', 'u'), value);
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), (steps) => same(base(), steps)),
      { numRuns: 2000 },
    );
  });

  it('covers the cases where order and equality matter', () => {
    same(base(), [
      ['b', true],
      ['n', 5],
      ['b', false],
    ]); // changed back: no patch for b
    same(base(), [
      ['s', 'Busy'],
      ['n', 2],
      ['s', 'Ready'],
      ['s', 'Busy'],
    ]); // s keeps its first place
    same(base(), [['n', -0]]); // Object.is differs, === does not: a copy, no patch
    same(base(), [
      ['n', Number.NaN],
      ['n', Number.NaN],
    ]);
    same(base(), [['u', undefined]]);
    same(base(), []);
  });

  it('reads through the draft what was assigned, and refuses a field the record lacks', () => {
    const d = new FlatDrafter(base());
    const [got] = produce(
      d,
      base(),
      (r) => {
        r.n = 3;
        r.n = r.n + 1;
        expect(r.n).toBe(4);
        expect(r.id).toBe('x');
        expect(() => {
          (r as unknown as Record<string, unknown>).extra = 1;
        }).toThrow(TypeError);
      },
      [],
    );
    expect(got.n).toBe(4);
  });

  it('fits only records with exactly its fields, all primitives', () => {
    const d = new FlatDrafter(base());
    expect(d.fits(base())).toBe(true);
    expect(d.fits({ ...base(), n: [1] as unknown as number })).toBe(false);
    expect(d.fits({ n: 0, id: 'x', s: 'Ready', b: false, u: undefined })).toBe(false);
    expect(d.fits({ id: 'x', n: 0, s: 'Ready', b: false } as R)).toBe(false);
  });
});
