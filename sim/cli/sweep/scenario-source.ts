/**
 * The scenario a sweep varies: its file text, every file it `extends` (read once, here, so that the hash covers
 * them and the workers read exactly these texts), the parsed document that `--set` edits, and the scenario text of
 * each combination.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { ParamValue, PathSegment } from '../../sweep/index.js';
import { UserError } from '../../sweep/index.js';
import type { ReadExtends } from './runner.js';

export interface ExtendsFile {
  readonly name: string;
  readonly from: string;
  readonly text: string;
  readonly fileName: string;
}

export interface ScenarioSource {
  /** As given on the command line. */
  readonly fileName: string;
  readonly text: string;
  /** The parsed document (plain data). */
  readonly doc: unknown;
  /** The scenario's `name`, else the file's base name. */
  readonly name: string;
}

/** Reads and parses the scenario file. A missing file or a YAML syntax error is a UserError. */
export function readScenarioSource(fileName: string, cwd: string): ScenarioSource {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, fileName), 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${fileName}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const parsed = parseDocument(text, { prettyErrors: false });
  const first = parsed.errors[0];
  if (first !== undefined) {
    const pos = first.linePos?.[0];
    throw new UserError(`${fileName}${pos ? `:${pos.line}:${pos.col}` : ''}: ${first.message.split('\n')[0]}`);
  }
  const doc = parsed.toJS() as unknown;
  const declared =
    doc !== null && typeof doc === 'object' && typeof (doc as { name?: unknown }).name === 'string'
      ? (doc as { name: string }).name
      : basename(fileName);
  return { fileName, text, doc, name: declared };
}

/** A `readExtends` that serves the texts recorded by `diskExtendsReader` (for workers: no disk, the same bytes). */
export function recordedExtendsReader(files: readonly ExtendsFile[]): ReadExtends {
  return (name, from) => {
    const hit = files.find((f) => f.name === name && f.from === from);
    if (hit === undefined) throw new Error(`extends ${JSON.stringify(name)} from ${from} was not read ahead`);
    return { text: hit.text, fileName: hit.fileName };
  };
}

/**
 * A scenario hash for the sweep's fingerprint when the runner gives none: SHA-256 over the scenario text and the
 * texts it extends (not their paths, so the same files in another folder or on another machine hash the same),
 * first 16 hex digits.
 */
export function scenarioHash(text: string, extendsFiles: readonly ExtendsFile[]): string {
  const h = createHash('sha256');
  h.update(`scenario ${Buffer.byteLength(text)}\n`);
  h.update(text);
  for (const f of extendsFiles) {
    h.update(`\nextends ${JSON.stringify(f.name)} ${Buffer.byteLength(f.text)}\n`);
    h.update(f.text);
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * The scenario text with `params` set (path → value). YAML keeps its comments and layout (so the loader's line
 * numbers still point near the user's lines); a `.json` file is re-serialised as JSON.
 */
export function applyParams(
  source: ScenarioSource,
  params: Readonly<Record<string, ParamValue>>,
  segmentsOf: (path: string) => readonly PathSegment[],
): string {
  const paths = Object.keys(params);
  if (paths.length === 0) return source.text;
  const doc = parseDocument(source.text);
  for (const path of paths) doc.setIn([...segmentsOf(path)], params[path]);
  if (/\.json$/i.test(source.fileName)) return JSON.stringify(doc.toJS(), null, 2) + '\n';
  return String(doc);
}
