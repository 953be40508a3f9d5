/**
 * Scenario errors: the located one-line error a user sees (`ScenarioError`), the unlocated problem the resolver
 * reports (`ScenarioIssue`), and the wording of zod's validation issues in the user's terms.
 *
 * Every message is one line: `file:line:column: path: expected X, found Y` (DESIGN: "a one-line error with file,
 * line, column, the path in the document and what was expected — never a stack trace").
 */
import type { z } from 'zod';
import { allowedKeys, defOf, didYouMean, schemasAt } from './suggest.js';

/** A path in a scenario document: keys of mappings and indices of lists, e.g. ["faults", 2, "target"]. */
export type DocPath = readonly (string | number)[];

/** Where something was written: the file's name as given, and 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** "faults[2].target"; "" for the document itself. Keys that are not plain names are quoted: `policies["a b"]`. */
export function formatPath(path: DocPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * A semantic problem found after validation (an unknown node id, a glob that matches nothing…), at a path of the
 * scenario file but not yet located in its text. The resolver throws it; `ParsedScenario.error(issue)` turns it into
 * a located ScenarioError. `message` is the part after the path, e.g. `no node matches "c9-*"`.
 */
export class ScenarioIssue extends Error {
  override name = 'ScenarioIssue';
  readonly path: DocPath;
  readonly expected: string | undefined;
  readonly found: string | undefined;
  constructor(path: DocPath, message: string, detail?: { expected?: string; found?: string }) {
    super(message);
    this.path = [...path];
    this.expected = detail?.expected;
    this.found = detail?.found;
  }
}

/** A user's mistake in a scenario file, located. `message` is the whole one-line text. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The path in the document, e.g. "faults[2].target"; "" for the document as a whole. */
  readonly path: string;
  /** The message after the path, e.g. `expected a duration …, found "ten minutes"`. */
  readonly detail: string;
  readonly expected: string | undefined;
  readonly found: string | undefined;

  constructor(
    at: SourceLocation,
    path: DocPath | string,
    detail: string,
    what?: { expected?: string | undefined; found?: string | undefined },
  ) {
    const pathText = typeof path === 'string' ? path : formatPath(path);
    const oneLine = detail.replace(/\s*[\r\n]+\s*/g, ' ').trim();
    super(`${at.file}:${at.line}:${at.column}: ${pathText === '' ? '' : `${pathText}: `}${oneLine}`);
    this.file = at.file;
    this.line = at.line;
    this.column = at.column;
    this.path = pathText;
    this.detail = oneLine;
    this.expected = what?.expected;
    this.found = what?.found;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Describing values and schemas in the user's words

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}…` : s);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A value as the user wrote it: strings quoted, numbers as written in the source when known (".inf", "1e999"),
 * "nothing" for a missing value, "an empty value" for a key with no value.
 */
export function describeValue(value: unknown, source?: string): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return source !== undefined && source !== '' ? source : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : `a list of ${plural(value.length, 'item')}`;
  if (isPlainObject(value)) return Object.keys(value).length === 0 ? 'an empty mapping' : 'a mapping';
  return String(value);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface NumberBounds {
  readonly minValue?: number | null;
  readonly maxValue?: number | null;
  readonly isInt?: boolean;
  readonly minLength?: number | null;
}

function bound(n: number | null | undefined): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER ? n : undefined;
}

/** What a (flattened, unwrapped) schema accepts, as the words after "expected". */
export function describeSchema(schema: z.ZodType): string {
  const def = defOf(schema);
  const s = schema as unknown as NumberBounds & z.ZodType;
  switch (def.type) {
    case 'string': {
      // A string with a pattern names the pattern in its message (schema.ts writes them as "a duration such as …").
      const probe = schema.safeParse('\u0000');
      const first = probe.success ? undefined : probe.error.issues[0];
      if (first?.code === 'invalid_format' && !first.message.startsWith('Invalid')) return first.message;
      return (s.minLength ?? 0) >= 1 ? 'a non-empty string' : 'a string';
    }
    case 'number': {
      const what = s.isInt ? 'a whole number' : 'a number';
      const min = bound(s.minValue);
      const max = bound(s.maxValue);
      if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
      if (min !== undefined) return `${what} ≥ ${min}`;
      if (max !== undefined) return `${what} ≤ ${max}`;
      return what;
    }
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'enum': {
      const entries = (def as unknown as { entries: Record<string, string | number> }).entries;
      return oneOf(Object.values(entries));
    }
    case 'literal':
      return oneOf((def as unknown as { values: readonly unknown[] }).values);
    default:
      return def.type;
  }
}

function oneOf(values: readonly unknown[]): string {
  const list = values.map((v) => JSON.stringify(v));
  return list.length === 1 ? list[0]! : `one of ${list.join(', ')}`;
}

/** "A", "A or B", "A, B or C", without repeats. */
function alternativesText(parts: readonly string[]): string {
  const unique = [...new Set(parts)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

/** A hint after a bad duration: the common slips. */
function durationHint(value: unknown): string {
  if (typeof value === 'number') return ' (write a number with a unit, e.g. "10s")';
  if (typeof value !== 'string') return '';
  if (value.trim().startsWith('-')) return ' (durations cannot be negative)';
  if (/^\d+(\.\d+)?$/.test(value.trim())) return ' (add a unit, e.g. "10s")';
  if (/\d\s+[a-zµμ]/i.test(value)) return ' (no spaces inside a duration)';
  return '';
}

// ---------------------------------------------------------------------------------------------------------------
// Explaining zod issues

/** The fields of a zod 4 issue that are read here. */
interface RawIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly expected?: string;
  readonly values?: readonly unknown[];
  readonly keys?: readonly string[];
  readonly errors?: readonly (readonly RawIssue[])[];
  readonly origin?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly divisor?: number | bigint;
  readonly format?: string;
}

/** What the loader knows about the document being validated. */
export interface ExplainContext {
  /** The schema the input was validated against. */
  readonly schema: z.ZodType;
  /** The validated input (the merged document, as plain data). */
  readonly input: unknown;
  /**
   * Where `path` was written (for a missing key: its nearest written ancestor); `key` asks for the key of the last
   * segment rather than its value. `rank` orders locations across files (0 = the file itself, 1 = its base…).
   */
  locate(path: DocPath, key: boolean): SourceLocation & { readonly rank: number };
  /** The source text of the scalar at `path`, e.g. ".inf", when there is one. */
  sourceOf(path: DocPath): string | undefined;
}

interface Explained {
  /** Where to point. */
  readonly path: DocPath;
  /** The path to show, when not `path` (an unknown key shows the mapping it is in). */
  readonly shownPath?: DocPath;
  /** Locate the key of the last segment (unknown keys) rather than its value. */
  readonly atKey: boolean;
  readonly detail: string;
  readonly expected?: string;
  readonly found?: string;
}

function hasPath(input: unknown, path: DocPath): boolean {
  let cur: unknown = input;
  for (const segment of path) {
    if (Array.isArray(cur) && typeof segment === 'number') {
      if (segment < 0 || segment >= cur.length) return false;
      cur = cur[segment];
    } else if (isPlainObject(cur) && typeof segment === 'string') {
      if (!Object.hasOwn(cur, segment)) return false;
      cur = cur[segment];
    } else return false;
  }
  return true;
}

function valueAt(input: unknown, path: DocPath): unknown {
  let cur: unknown = input;
  for (const segment of path) {
    if (Array.isArray(cur) && typeof segment === 'number') cur = cur[segment];
    else if (isPlainObject(cur) && typeof segment === 'string' && Object.hasOwn(cur, segment)) cur = cur[segment];
    else return undefined;
  }
  return cur;
}

function normalizePath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((p) => (typeof p === 'symbol' ? String(p) : p));
}

/**
 * Turns zod's issues for a document into the one located error to show: the first problem in document order (the
 * file itself before its bases), worded for a person. Unions report their most relevant branch: the one whose type
 * matches the value, that knows most of the value's keys, and that got furthest.
 */
export function explainZodIssues(issues: readonly RawIssue[], ctx: ExplainContext): ScenarioError {
  const all: Explained[] = [];
  explainAll(issues, [], ctx, all);
  if (all.length === 0) all.push({ path: [], atKey: false, detail: 'invalid scenario' });
  // Order: something written wrong before something missing (a misspelt key explains a missing one), then the
  // file itself before its bases, then line and column.
  const ranked = all.map((e) => {
    const at = ctx.locate(e.path, e.atKey);
    return { e, at, key: [e.found === 'nothing' ? 1 : 0, at.rank, at.line, at.column] };
  });
  let best = ranked[0]!;
  for (const r of ranked.slice(1)) if (better(best.key, r.key)) best = r;
  const { e, at } = best;
  return new ScenarioError(at, e.shownPath ?? e.path, e.detail, { expected: e.expected, found: e.found });
}

function explainAll(issues: readonly RawIssue[], base: DocPath, ctx: ExplainContext, out: Explained[]): void {
  for (const issue of issues) {
    const path = [...base, ...normalizePath(issue.path)];
    if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) explainUnion(issue, path, ctx, out);
    else explainOne(issue, path, ctx, out);
  }
}

/** True when the branch's issues say the value is not even of the branch's type. */
function typeMismatch(branch: readonly RawIssue[], value: unknown): boolean {
  return branch.some(
    (i) =>
      i.path.length === 0 &&
      (i.code === 'invalid_type' ||
        (i.code === 'invalid_value' && (i.values ?? []).every((v) => typeof v !== typeof value)) ||
        (i.code === 'invalid_union' && (i.errors ?? []).every((b) => typeMismatch(b, value)))),
  );
}

/** Lexicographic score of a union branch; higher is the more relevant branch. */
function branchScore(branch: readonly RawIssue[], value: unknown): number[] {
  const typeOk = typeMismatch(branch, value) ? 0 : 1;
  let recognized = 0;
  if (isPlainObject(value)) {
    const unknown = branch
      .filter((i) => i.path.length === 0 && i.code === 'unrecognized_keys')
      .reduce((n, i) => n + (i.keys?.length ?? 0), 0);
    recognized = Object.keys(value).length - unknown;
  }
  const valueOk = branch.some((i) => i.path.length === 0 && i.code === 'invalid_value') ? 0 : 1;
  const depth = Math.max(0, ...branch.map((i) => i.path.length));
  return [typeOk, recognized, valueOk, -branch.length, depth];
}

function better(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

function explainUnion(issue: RawIssue, path: DocPath, ctx: ExplainContext, out: Explained[]): void {
  const value = valueAt(ctx.input, path);
  const branches = issue.errors ?? [];
  let best = branches[0]!;
  let bestScore = branchScore(best, value);
  for (const b of branches.slice(1)) {
    const score = branchScore(b, value);
    if (better(score, bestScore)) {
      best = b;
      bestScore = score;
    }
  }
  const [typeOk, recognized] = bestScore;
  if (typeOk === 0 || !hasPath(ctx.input, path)) {
    out.push(mismatch(path, ctx));
    return;
  }
  if (isPlainObject(value) && recognized === 0 && Object.keys(value).length > 0) {
    // No branch knows any of the keys: say which key is unknown, suggesting from every branch's keys.
    const allowed = allowedKeys(ctx.schema, path);
    const before = out.length;
    for (const key of Object.keys(value)) if (!allowed.includes(key)) out.push(unknownKey(path, key, allowed));
    if (out.length > before) return;
  }
  explainAll(best, path, ctx, out);
}

function expectedAt(path: DocPath, ctx: ExplainContext, fallback?: string): string {
  const schemas = schemasAt(ctx.schema, path);
  if (schemas.length === 0) return fallback ?? 'something else';
  return alternativesText(schemas.map(describeSchema));
}

function mismatch(path: DocPath, ctx: ExplainContext, fallback?: string): Explained {
  const value = valueAt(ctx.input, path);
  const expected = expectedAt(path, ctx, fallback);
  if (!hasPath(ctx.input, path)) {
    return { path, atKey: false, detail: `required but missing; expected ${expected}`, expected, found: 'nothing' };
  }
  const found = describeValue(value, ctx.sourceOf(path));
  const hint = expected.startsWith('a duration') ? durationHint(value) : '';
  return { path, atKey: false, detail: `expected ${expected}, found ${found}${hint}`, expected, found };
}

function unknownKey(path: DocPath, key: string, allowed: readonly string[]): Explained {
  return {
    path: [...path, key],
    shownPath: path,
    atKey: true,
    detail: `unknown key ${JSON.stringify(key)}${didYouMean(key, allowed)}`,
    found: JSON.stringify(key),
  };
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

function explainOne(issue: RawIssue, path: DocPath, ctx: ExplainContext, out: Explained[]): void {
  if (!hasPath(ctx.input, path) && issue.code !== 'unrecognized_keys') {
    out.push(mismatch(path, ctx, TYPE_WORDS[issue.expected ?? ''] ?? issue.expected));
    return;
  }
  const value = valueAt(ctx.input, path);
  const found = describeValue(value, ctx.sourceOf(path));
  switch (issue.code) {
    case 'invalid_type':
    case 'invalid_union':
      out.push(mismatch(path, ctx, TYPE_WORDS[issue.expected ?? ''] ?? issue.expected));
      return;
    case 'invalid_value': {
      const values = issue.values ?? [];
      if (path.length === 1 && path[0] === 'version') {
        const expected = `version ${values.map((v) => JSON.stringify(v)).join(' or ')}`;
        out.push({ path, atKey: false, detail: `expected ${expected}, found ${found}`, expected, found });
        return;
      }
      const expected = oneOf(values);
      const strings = values.filter((v): v is string => typeof v === 'string');
      const hint = typeof value === 'string' ? didYouMean(value, strings) : '';
      out.push({ path, atKey: false, detail: `expected ${expected}, found ${found}${hint}`, expected, found });
      return;
    }
    case 'invalid_format': {
      const expected = issue.message.startsWith('Invalid') ? `a string in ${issue.format} format` : issue.message;
      const hint = expected.startsWith('a duration') ? durationHint(value) : '';
      out.push({ path, atKey: false, detail: `expected ${expected}, found ${found}${hint}`, expected, found });
      return;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = Number(small ? issue.minimum : issue.maximum);
      let expected: string;
      if (issue.origin === 'array' || issue.origin === 'set') {
        expected = `a list of ${small ? 'at least' : 'at most'} ${plural(limit, 'item')}`;
      } else if (issue.origin === 'string') {
        expected =
          small && limit === 1
            ? 'a non-empty string'
            : `${small ? 'at least' : 'at most'} ${plural(limit, 'character')}`;
      } else {
        expected = expectedAt(path, ctx, `a number ${small ? '≥' : '≤'} ${limit}`);
      }
      out.push({ path, atKey: false, detail: `expected ${expected}, found ${found}`, expected, found });
      return;
    }
    case 'not_multiple_of': {
      const expected = `a multiple of ${String(issue.divisor)}`;
      out.push({ path, atKey: false, detail: `expected ${expected}, found ${found}`, expected, found });
      return;
    }
    case 'unrecognized_keys': {
      const present = isPlainObject(value) ? Object.keys(value) : [];
      const allowed = allowedKeys(ctx.schema, path).filter((k) => !present.includes(k));
      for (const key of issue.keys ?? []) out.push(unknownKey(path, key, allowed));
      return;
    }
    default:
      out.push({ path, atKey: false, detail: issue.message });
  }
}
