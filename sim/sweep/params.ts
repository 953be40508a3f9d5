/**
 * Sweep parameters: `--set path=v1,v2,…` flags, checked against the scenario schema (an unknown path is a
 * UserError with "did you mean …"), their values typed by what the schema accepts there, and the cartesian product
 * of all of them (the first flag varies slowest, the last fastest).
 */
import type { z } from 'zod';
import { ScenarioSpec } from '../scenario/index.js';
import { UserError } from './errors.js';
import { closest } from './suggest.js';

/** A parameter value as it goes into the scenario document. */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };

export type PathSegment = string | number;

export interface SetSpec {
  /** Normalised path text: `policies.fc.missedPolls`, `faults[0].every`. */
  readonly path: string;
  readonly segments: readonly PathSegment[];
  /** In the order given on the command line; never empty. */
  readonly values: readonly ParamValue[];
}

/** One point of the parameter grid. */
export interface Combination {
  /** 0-based, in grid order. */
  readonly index: number;
  /** "c0", "c1", … */
  readonly id: string;
  /** Path → value, in --set order. */
  readonly params: Readonly<Record<string, ParamValue>>;
}

// ---------------------------------------------------------------------------------------------------------------
// Paths

/** Parses `a.b[0].c` (or `a.b.0.c`) into segments. */
export function parsePath(text: string): PathSegment[] {
  if (text.length === 0)
    throw new UserError('--set needs a parameter path before "=", e.g. policies.fc.missedPolls=2,4');
  const segments: PathSegment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|(\.)/gy;
  let expectKey = true;
  let m: RegExpExecArray | null;
  let last = 0;
  re.lastIndex = 0;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    last = re.lastIndex;
    if (m[1] !== undefined) {
      if (!expectKey) throw badPath(text);
      segments.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
      expectKey = false;
    } else if (m[2] !== undefined) {
      if (expectKey) throw badPath(text);
      segments.push(Number(m[2]));
    } else {
      if (expectKey) throw badPath(text);
      expectKey = true;
    }
  }
  if (last !== text.length || expectKey) throw badPath(text);
  return segments;
}

function badPath(text: string): UserError {
  return new UserError(
    `bad parameter path ${JSON.stringify(text)}: expected keys separated by dots, e.g. policies.fc.missedPolls or faults[0].every`,
  );
}

/** `policies.fc.missedPolls`, `faults[0].every`. */
export function formatSegments(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** Splits `v1,v2,…` at commas outside brackets and quotes (so `uniform(1m, 5m)` stays one value). */
export function splitValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The schema, walked through zod's definitions

type AnySchema = z.ZodType;
type Def = { type: string; [key: string]: unknown };

function defOf(schema: AnySchema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema with wrappers (optional, nullable, default, readonly, pipe) removed, unions flattened. */
function alternatives(schema: AnySchema): AnySchema[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
    case 'catch':
      return alternatives(def.innerType as AnySchema);
    case 'pipe':
      return alternatives(def.in as AnySchema);
    case 'lazy':
      return alternatives((def.getter as () => AnySchema)());
    case 'union':
      return (def.options as AnySchema[]).flatMap(alternatives);
    default:
      return [schema];
  }
}

/** What a position in the document accepts: its object keys and the kinds of scalar. */
interface Accepts {
  readonly children: Map<string, AnySchema[]>;
  readonly element: AnySchema[];
  readonly kinds: Set<'string' | 'number' | 'boolean' | 'object' | 'array'>;
}

function accepts(schemas: readonly AnySchema[]): Accepts {
  const out: Accepts = { children: new Map(), element: [], kinds: new Set() };
  for (const s of schemas.flatMap(alternatives)) {
    const def = defOf(s);
    switch (def.type) {
      case 'object':
        out.kinds.add('object');
        for (const [key, child] of Object.entries(def.shape as Record<string, AnySchema>)) {
          const list = out.children.get(key) ?? [];
          list.push(child);
          out.children.set(key, list);
        }
        break;
      case 'array':
        out.kinds.add('array');
        out.element.push(def.element as AnySchema);
        break;
      case 'string':
      case 'template_literal':
        out.kinds.add('string');
        break;
      case 'number':
      case 'int':
        out.kinds.add('number');
        break;
      case 'boolean':
        out.kinds.add('boolean');
        break;
      case 'enum':
        for (const v of Object.values(def.entries as Record<string, unknown>)) addLiteral(out, v);
        break;
      case 'literal':
        for (const v of def.values as unknown[]) addLiteral(out, v);
        break;
      default:
        // any / unknown / record: take a value of any kind.
        for (const k of ['string', 'number', 'boolean', 'object', 'array'] as const) out.kinds.add(k);
    }
  }
  return out;
}

function addLiteral(out: Accepts, v: unknown): void {
  if (typeof v === 'string') out.kinds.add('string');
  else if (typeof v === 'number') out.kinds.add('number');
  else if (typeof v === 'boolean') out.kinds.add('boolean');
}

/** Every path the schema knows, arrays written `[]` (for suggestions). */
function schemaPaths(schemas: readonly AnySchema[], prefix: string, out: string[], depth: number): void {
  if (depth > 8) return;
  const a = accepts(schemas);
  for (const [key, child] of a.children) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    out.push(path);
    schemaPaths(child, path, out, depth + 1);
  }
  if (a.element.length > 0) schemaPaths(a.element, `${prefix}[]`, out, depth + 1);
}

let allPathsCache: string[] | null = null;
function allSchemaPaths(): string[] {
  if (allPathsCache === null) {
    allPathsCache = [];
    schemaPaths([ScenarioSpec], '', allPathsCache, 0);
  }
  return allPathsCache;
}

/** Paths that a sweep must not set: the seed is swept by --seeds; `extends` and `version` change the file's kind. */
const RESERVED: Readonly<Record<string, string>> = {
  seed: 'the seed is what --seeds and --seed-start sweep',
  extends: 'a sweep varies values inside one scenario; sweep the other file separately',
  version: 'the format version is not a parameter',
  $schema: 'not a parameter',
};

/**
 * Checks `segments` against the scenario schema and the document (array indices must exist in it), and returns
 * the kinds of value the schema accepts at the end of the path. Throws a UserError naming the first unknown key,
 * with the closest known path.
 */
export function checkPath(segments: readonly PathSegment[], doc: unknown): Accepts {
  const first = segments[0];
  if (typeof first === 'string' && Object.hasOwn(RESERVED, first)) {
    throw new UserError(`--set ${first}: cannot be swept (${RESERVED[first]})`);
  }
  let here: AnySchema[] = [ScenarioSpec];
  let node: unknown = doc;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const a = accepts(here);
    const at = formatSegments(segments.slice(0, i)) || '(document)';
    if (typeof seg === 'number') {
      if (a.element.length === 0) {
        throw unknownPath(segments, `${at} is not a list`);
      }
      const length = Array.isArray(node) ? node.length : 0;
      if (seg >= length) {
        throw new UserError(
          `--set ${formatSegments(segments)}: ${at} has ${length} item${length === 1 ? '' : 's'} in the scenario; only existing items can be swept`,
        );
      }
      here = a.element;
      node = (node as unknown[])[seg];
    } else {
      const child = a.children.get(seg);
      if (child === undefined) {
        const reason = a.children.size === 0 ? `${at} has no keys` : `no key ${JSON.stringify(seg)} in ${at}`;
        throw unknownPath(segments, reason);
      }
      here = child;
      node =
        node !== null && typeof node === 'object' && !Array.isArray(node)
          ? (node as Record<string, unknown>)[seg]
          : undefined;
    }
  }
  return accepts(here);
}

function unknownPath(segments: readonly PathSegment[], reason: string): UserError {
  const text = formatSegments(segments);
  // Compare with array indices written as [] (as the schema paths are), then put the user's indices back.
  const indices = segments.filter((s): s is number => typeof s === 'number');
  const pattern = formatSegments(segments.map((s) => (typeof s === 'number' ? -1 : s))).replaceAll('[-1]', '[]');
  let best = closest(pattern, allSchemaPaths());
  if (best !== null) {
    let k = 0;
    best = best.replaceAll('[]', () => `[${indices[k++] ?? 0}]`);
  }
  return new UserError(
    `--set ${text}: unknown parameter (${reason})${best === null ? '; parameters are paths in the scenario file, e.g. policies.fc.missedPolls or duration' : ` — did you mean ${best}?`}`,
  );
}

/**
 * Types one value by what the schema accepts: a number where numbers are accepted and the text is one, `true` /
 * `false` where booleans are, a YAML/JSON flow collection (`{…}`, `[…]`) where objects or lists are, otherwise the
 * text. Values the schema would refuse are left for the scenario's own validation to report, with its position.
 */
export function typeValue(raw: string, kinds: Accepts['kinds'], path: string): ParamValue {
  if (raw === '') throw new UserError(`--set ${path}: empty value`);
  if (kinds.has('number') && /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return Number(raw);
  if (kinds.has('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  if ((kinds.has('object') && raw.startsWith('{')) || (kinds.has('array') && raw.startsWith('['))) {
    try {
      return JSON.parse(raw) as ParamValue;
    } catch {
      throw new UserError(`--set ${path}: cannot read ${raw} as JSON`);
    }
  }
  if (!kinds.has('string') && kinds.has('number')) {
    throw new UserError(`--set ${path}: expects a number, got ${JSON.stringify(raw)}`);
  }
  if (!kinds.has('string') && kinds.has('boolean')) {
    throw new UserError(`--set ${path}: expects true or false, got ${JSON.stringify(raw)}`);
  }
  return raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.endsWith(raw[0]) ? raw.slice(1, -1) : raw;
}

/** Parses and checks every `--set` flag against the scenario document `doc` (its parsed YAML/JSON). */
export function parseSets(flags: readonly string[], doc: unknown): SetSpec[] {
  const out: SetSpec[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq < 0) throw new UserError(`--set ${flag}: expected path=value[,value…], e.g. policies.fc.missedPolls=2,4`);
    const segments = parsePath(flag.slice(0, eq).trim());
    const path = formatSegments(segments);
    if (out.some((s) => s.path === path))
      throw new UserError(`--set ${path} given twice; list all its values in one flag`);
    const kinds = checkPath(segments, doc).kinds;
    const raws = splitValues(flag.slice(eq + 1));
    const values = raws.map((r) => typeValue(r, kinds, path));
    const seen = new Set<string>();
    for (const v of values) {
      const key = JSON.stringify(v);
      if (seen.has(key)) throw new UserError(`--set ${path}: value ${key} listed twice`);
      seen.add(key);
    }
    out.push({ path, segments, values });
  }
  return out;
}

/** The cartesian product of the sets' values, first set slowest. With no sets, one combination with no params. */
export function combinations(sets: readonly SetSpec[]): Combination[] {
  let rows: Record<string, ParamValue>[] = [{}];
  for (const set of sets) {
    const next: Record<string, ParamValue>[] = [];
    for (const row of rows) for (const v of set.values) next.push({ ...row, [set.path]: v });
    rows = next;
  }
  return rows.map((params, index) => ({ index, id: `c${index}`, params }));
}

/** `missedPolls=2 pollInterval=5s`: the last path segment where that is unambiguous among the sets. */
export function paramsLabel(params: Readonly<Record<string, ParamValue>>): string {
  const paths = Object.keys(params);
  if (paths.length === 0) return '(scenario as written)';
  const short = (p: string): string => p.split('.').pop() ?? p;
  const ambiguous = new Set(paths.map(short).filter((s, i, all) => all.indexOf(s) !== i));
  return paths.map((p) => `${ambiguous.has(short(p)) ? p : short(p)}=${formatValue(params[p]!)}`).join(' ');
}

export function formatValue(v: ParamValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
