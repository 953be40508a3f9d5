/**
 * Loading a scenario file: YAML or JSON text → a validated `ScenarioFile`, following `extends`, with every mistake
 * reported as a one-line `ScenarioError` at the file, line and column where it was written.
 *
 * Pure: no file system, no process. Reading the files that `extends` names is the caller's job (`readExtends`): the
 * command line reads the disk, the browser its bundled files.
 *
 * JSON files are parsed by the YAML parser too (JSON is YAML), so positions work the same for both; a `.json` file is
 * first checked with `JSON.parse` so that YAML-only syntax in it is refused.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import { TraceHash } from '../engine/index.js';
import {
  type DocPath,
  describeValue,
  explainZodIssues,
  ScenarioError,
  type ScenarioIssue,
  type SourceLocation,
} from './errors.js';
import { type ScenarioFile, ScenarioSpec } from './schema.js';

export interface LoadOptions {
  /** The file's name, for messages and for resolving `extends`; default "<scenario>". */
  fileName?: string;
  /**
   * Reads the file that an `extends` names, relative to the file that names it. Throw (any Error) when it cannot be
   * read: the loader reports the error's message at the `extends` line. `fileName` is what messages show for the
   * base and what cycle detection compares, so return the same name for the same file.
   */
  readExtends?: (name: string, fromFile: string) => { text: string; fileName: string };
}

/** One parsed source file: the scenario itself or one of the bases it extends. */
export interface ScenarioSource {
  readonly fileName: string;
  readonly text: string;
  readonly doc: ReturnType<typeof parseDocument>;
  readonly lines: LineCounter;
}

/** A loaded scenario, with what is needed to point at any path of it in its source files. */
export interface ParsedScenario {
  /** The validated file, after merging the bases it extends (`extends` itself removed). */
  readonly file: ScenarioFile;
  readonly fileName: string;
  /** The file itself, then its base, then the base's base… */
  readonly sources: readonly ScenarioSource[];
  /** `scenarioHash(file)`. */
  readonly hash: string;
  /** Where `path` (a path in `file`) was written; `key` points at the key instead of the value. */
  locate(path: DocPath, opts?: { key?: boolean }): SourceLocation;
  /** The located, one-line error for a problem the resolver found. */
  error(issue: ScenarioIssue): ScenarioError;
}

/** `extends` chains deeper than this are refused (a chain this long is a mistake, not a design). */
export const MAX_EXTENDS_DEPTH = 16;

/**
 * Parses, merges and validates a scenario. Throws ScenarioError (one line, located) on any mistake: YAML or JSON
 * syntax, a missing or cyclic `extends`, a value that does not fit the schema.
 */
export function parseScenario(text: string, opts: LoadOptions = {}): ParsedScenario {
  const fileName = opts.fileName ?? '<scenario>';
  const sources: ScenarioSource[] = [];
  const merged = readChain(text, fileName, opts, sources, []) as Record<string, unknown>;
  delete merged.extends;
  const locateRanked = (path: DocPath, key: boolean) => locateInChain(sources, path, key);
  const result = ScenarioSpec.safeParse(merged);
  if (!result.success) {
    throw explainZodIssues(result.error.issues, {
      schema: ScenarioSpec,
      input: merged,
      locate: locateRanked,
      sourceOf: (path) => sourceTextAt(sources, path),
    });
  }
  const file = result.data;
  const locate = (path: DocPath, o?: { key?: boolean }): SourceLocation => {
    const { file: f, line, column } = locateRanked(path, o?.key ?? false);
    return { file: f, line, column };
  };
  return {
    file,
    fileName,
    sources,
    hash: scenarioHash(file),
    locate,
    error: (issue) => new ScenarioError(locate(issue.path), issue.path, issue.message, issue),
  };
}

/** Parses, merges and validates a scenario file; see `parseScenario` (which also keeps the source positions). */
export function parseScenarioFile(text: string, opts?: LoadOptions): ScenarioFile {
  return parseScenario(text, opts).file;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading one file and its bases

function isJsonName(fileName: string): boolean {
  return /\.json$/i.test(fileName);
}

/** Line and column (1-based) of a character offset, from the text itself. */
function positionInText(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(0, offset), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Refuses text that is not strict JSON (trailing commas, comments, unquoted keys), at the position JSON.parse names. */
function checkStrictJson(text: string, fileName: string): void {
  try {
    JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const m = /at position (\d+)/.exec(message);
    const at = positionInText(text, m ? Number(m[1]) : text.length);
    const reason = message
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/^JSON\.parse: /, '');
    throw new ScenarioError({ file: fileName, ...at }, '', `invalid JSON: ${reason}`);
  }
}

function parseSource(text: string, fileName: string): ScenarioSource {
  if (isJsonName(fileName)) checkStrictJson(text, fileName);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = lines.linePos(firstError.pos[0]);
    const reason = (firstError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new ScenarioError({ file: fileName, line: pos.line, column: pos.col }, '', `invalid YAML: ${reason}`);
  }
  const source = { fileName, text, doc, lines };
  if (!isMap(doc.contents)) {
    const at = locateInSource(source, [], false);
    const found = doc.contents === null ? 'an empty file' : describeValue(doc.toJS());
    throw new ScenarioError(
      at,
      '',
      `expected a scenario (a mapping with version, duration, topology…), found ${found}`,
      {
        expected: 'a scenario',
        found,
      },
    );
  }
  return source;
}

function readChain(
  text: string,
  fileName: string,
  opts: LoadOptions,
  sources: ScenarioSource[],
  chain: readonly string[],
): unknown {
  const source = parseSource(text, fileName);
  sources.push(source);
  // maxAliasCount bounds "billion laughs" documents (aliases of aliases), as the yaml package recommends.
  const value = source.doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  if (!Object.hasOwn(value, 'extends') || value.extends === undefined) return value;
  const name = value.extends;
  const at = locateInSource(source, ['extends'], false);
  if (typeof name !== 'string' || name === '') {
    const found = describeValue(name, sourceTextAt([source], ['extends']));
    throw new ScenarioError(at, ['extends'], `expected the name of a scenario file, found ${found}`, {
      expected: 'the name of a scenario file',
      found,
    });
  }
  if (!opts.readExtends) {
    throw new ScenarioError(at, ['extends'], `cannot read base scenario ${JSON.stringify(name)} here (no file reader)`);
  }
  if (chain.length + 1 > MAX_EXTENDS_DEPTH) {
    throw new ScenarioError(at, ['extends'], `too many levels of extends (at most ${MAX_EXTENDS_DEPTH})`);
  }
  let base: { text: string; fileName: string };
  try {
    base = opts.readExtends(name, fileName);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ScenarioError(at, ['extends'], `cannot read base scenario ${JSON.stringify(name)}: ${reason}`, {
      expected: 'a readable scenario file',
      found: JSON.stringify(name),
    });
  }
  const seen = [...chain, fileName];
  if (seen.includes(base.fileName)) {
    const cycle = [...seen.slice(seen.indexOf(base.fileName)), base.fileName].join(' → ');
    throw new ScenarioError(at, ['extends'], `cycle: ${cycle}`);
  }
  const baseValue = readChain(base.text, base.fileName, opts, sources, seen);
  return deepMerge(baseValue, value);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `over` laid onto `base`: mappings merge key by key (recursively), lists and scalars replace. Neither input is
 * changed. Keys are defined as own properties, so a key named "__proto__" stays an ordinary (unknown) key.
 */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = {};
  const define = (k: string, v: unknown) =>
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(base)) define(k, v);
  for (const [k, v] of Object.entries(over)) define(k, Object.hasOwn(base, k) ? deepMerge(base[k], v) : v);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Positions

function resolveAlias(source: ScenarioSource, node: unknown): unknown {
  // An alias (*name) stands for its anchored node; a few hops at most, but bounded anyway.
  for (let i = 0; i < 8 && isAlias(node); i++) node = node.resolve(source.doc) ?? null;
  return node;
}

/** The pair of `map` whose key is `key` (compared as text, as toJS does). */
function pairOf(map: YAMLMap, key: string) {
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    const k = isScalar(pair.key) ? pair.key.value : pair.key;
    if (String(k) === key) return pair;
  }
  return undefined;
}

interface Step {
  readonly source: ScenarioSource;
  /** The value node (null for a key written without a value). */
  readonly node: unknown;
  /** The key node, when the value sits under a key. */
  readonly key: unknown;
}

function childStep(step: Step, segment: string | number): Step | undefined {
  const node = resolveAlias(step.source, step.node);
  if (isMap(node)) {
    const pair = pairOf(node, String(segment));
    return pair ? { source: step.source, node: pair.value, key: pair.key } : undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { source: step.source, node: item, key: undefined };
  }
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null)?.range;
  return range ? range[0] : undefined;
}

function stepLocation(step: Step, key: boolean): SourceLocation {
  const node = resolveAlias(step.source, step.node);
  // A key written without a value (`duration:`) has an empty scalar after the colon; point at the key instead.
  const emptyValue = node === null || (isScalar(node) && node.value === null && (node.source ?? '') === '');
  let offset = key || emptyValue ? rangeStart(step.key) : rangeStart(step.node);
  offset ??= rangeStart(step.node) ?? rangeStart(step.key) ?? 0;
  const pos = step.source.lines.linePos(offset);
  return { file: step.source.fileName, line: pos.line, column: pos.col };
}

function locateInSource(source: ScenarioSource, path: DocPath, key: boolean): SourceLocation {
  let step: Step = { source, node: source.doc.contents, key: undefined };
  for (const segment of path) {
    const next = childStep(step, segment);
    if (!next) return stepLocation(step, false);
    step = next;
  }
  return stepLocation(step, key);
}

/**
 * Where the value at `path` of the merged document was written, following the merge rules: a mapping present in
 * several files merges them, so a key is found in the first file (the scenario itself before its bases) that has
 * it; a list or scalar replaces whatever the bases had, so the bases below it no longer count. For a path that
 * exists nowhere (a missing key), the nearest ancestor that exists, in the first file that has it.
 *
 * `rank` is the index of the file in the chain: 0 for the scenario itself.
 */
function locateInChain(
  sources: readonly ScenarioSource[],
  path: DocPath,
  key: boolean,
): SourceLocation & { rank: number } {
  let candidates: Step[] = sources.map((source) => ({ source, node: source.doc.contents, key: undefined }));
  for (const segment of path) {
    const next: Step[] = [];
    for (const c of candidates) {
      const child = childStep(c, segment);
      if (!child) continue;
      next.push(child);
      // Only mappings merge: anything else replaces what the files further down the chain had here.
      if (!isMap(resolveAlias(child.source, child.node))) break;
    }
    if (next.length === 0) {
      const first = candidates[0]!;
      return { ...stepLocation(first, false), rank: sources.indexOf(first.source) };
    }
    candidates = next;
  }
  const first = candidates[0]!;
  return { ...stepLocation(first, key), rank: sources.indexOf(first.source) };
}

/**
 * Maps a path of a scenario document to where it was written: `positionOf([source], ["faults", 2, "at"])`.
 * With several sources (a scenario and its bases, first to last), follows the merge rules of `extends`.
 */
export function positionOf(
  sources: readonly ScenarioSource[],
  path: DocPath,
  opts?: { key?: boolean },
): SourceLocation {
  const { file, line, column } = locateInChain(sources, path, opts?.key ?? false);
  return { file, line, column };
}

/** The text of the scalar at `path` as written (e.g. ".inf", "1e999"), for messages. */
function sourceTextAt(sources: readonly ScenarioSource[], path: DocPath): string | undefined {
  for (const source of sources) {
    let step: Step | undefined = { source, node: source.doc.contents, key: undefined };
    for (const segment of path) {
      step = step && childStep(step, segment);
    }
    if (step) {
      const node = resolveAlias(source, step.node);
      return isScalar(node) ? node.source : undefined;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Hash

/** JSON with object keys sorted (recursively) and undefined members left out: the same data gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return value === undefined ? 'null' : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * A stable hash (16 hex digits, FNV-1a 64 over canonical JSON) of a scenario's content: a parsed `ScenarioFile`
 * after merging its bases, or a resolved scenario. Key order, comments, formatting, and the top-level `$schema` and
 * `extends` do not change it.
 */
export function scenarioHash(scenario: unknown): string {
  let content = scenario;
  if (isPlainObject(scenario) && ('$schema' in scenario || 'extends' in scenario)) {
    const { $schema: _schema, extends: _extends, ...rest } = scenario;
    content = rest;
  }
  const h = new TraceHash();
  h.update(canonicalJson(content));
  return h.digest();
}
