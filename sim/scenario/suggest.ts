/**
 * "Did you mean …?": edit distance between words, and the words the scenario schema allows at a place in a document.
 *
 * Used for unknown keys, unknown enum values (fault kinds) and unknown command-line flags and commands. Pure.
 */
import type { z } from 'zod';

/**
 * The optimal-string-alignment Damerau–Levenshtein distance: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1. O(|a|·|b|) time, three rows of memory.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
}

/** The words of an identifier: camelCase humps, and parts separated by ".", "-", "_" or spaces; lower-cased. */
function wordsOf(id: string): string[] {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s._-]+/)
    .filter((w) => w.length > 0);
}

/**
 * The candidate closest to `word`, or undefined when none is close enough to be a likely typo.
 *
 * Close enough: a case-insensitive edit distance of at most 2, or at most a quarter of the longer word's length
 * (so long names tolerate more slips). Failing that, the candidate whose words (camelCase humps, dotted parts) of
 * four letters or more overlap most with the word's, by Jaccard index ("hearbeatInterval" → "pollInterval" rather
 * than "leaseRenewInterval"). Ties go to the smaller edit distance, then to the earlier candidate.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const list = [...candidates].filter((c) => c !== word);
  for (const c of list) {
    const d = editDistance(lower, c.toLowerCase());
    const limit = Math.max(2, Math.floor(Math.max(word.length, c.length) / 4));
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  const mine = new Set(wordsOf(word));
  let bestOverlap = 0;
  for (const c of list) {
    const theirs = new Set(wordsOf(c));
    let shared = 0;
    for (const w of theirs) if (w.length >= 4 && mine.has(w)) shared++;
    if (shared === 0) continue;
    const overlap = shared / (mine.size + theirs.size - shared);
    const d = editDistance(lower, c.toLowerCase());
    if (overlap > bestOverlap || (overlap === bestOverlap && d < bestDistance)) {
      best = c;
      bestOverlap = overlap;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)`, or "" when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>, quote = '"'): string {
  const s = suggest(word, candidates);
  return s === undefined ? '' : ` (did you mean ${quote}${s}${quote}?)`;
}

// ---------------------------------------------------------------------------------------------------------------
// Zod introspection. Zod 4 keeps each schema's definition in `_zod.def`; only the fields read here are typed.

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly in?: z.ZodType;
  readonly getter?: () => z.ZodType;
}

/** The definition of a zod schema (its kind and children). */
export function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);

/** `schema` without optional/default/… wrappers, pipes and lazies: the schema that decides the value's shape. */
export function unwrap(schema: z.ZodType): z.ZodType {
  for (let i = 0; i < 64; i++) {
    const def = defOf(schema);
    if (WRAPPERS.has(def.type) && def.innerType) schema = def.innerType;
    else if (def.type === 'pipe' && def.in) schema = def.in;
    else if (def.type === 'lazy' && def.getter) schema = def.getter();
    else return schema;
  }
  return schema;
}

/** `schema` unwrapped, with unions flattened into their options (recursively). */
function alternatives(schema: z.ZodType, out: z.ZodType[] = []): z.ZodType[] {
  const s = unwrap(schema);
  const def = defOf(s);
  if (def.type === 'union' && def.options) for (const o of def.options) alternatives(o, out);
  else out.push(s);
  return out;
}

/**
 * Every schema that may apply at `path` under `root`, through optional wrappers and every branch of a union (so a
 * path inside a fault finds the field in both the scripted and the random fault). Unions are flattened: the result
 * holds no union. Empty when no schema has that path.
 */
export function schemasAt(root: z.ZodType, path: readonly (string | number)[]): z.ZodType[] {
  let current = alternatives(root);
  for (const segment of path) {
    const next: z.ZodType[] = [];
    for (const s of current) {
      const def = defOf(s);
      if (def.type === 'object' && def.shape && typeof segment === 'string' && Object.hasOwn(def.shape, segment)) {
        alternatives(def.shape[segment]!, next);
      } else if (def.type === 'array' && def.element && typeof segment === 'number') {
        alternatives(def.element, next);
      }
    }
    current = next;
  }
  return current;
}

/** The keys that the schema allows in the mapping at `path` (the union of all branches' keys), in schema order. */
export function allowedKeys(root: z.ZodType, path: readonly (string | number)[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(root, path)) {
    const def = defOf(s);
    if (def.type === 'object' && def.shape) for (const k of Object.keys(def.shape)) keys.add(k);
  }
  return [...keys];
}
