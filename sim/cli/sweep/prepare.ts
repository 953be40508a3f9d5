/**
 * Everything a sweep checks before it runs anything: its flags, the scenario and the files it extends, the `--set`
 * parameters (against the schema), every combination's scenario (loaded and validated as `fabricsim run` would),
 * the plan and its fingerprinted header. Then the plan printout, with every combination's resolved values.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { DEFAULTS } from '../../spec/index.js';
import {
  type Combination,
  combinations,
  formatValue,
  makePlan,
  type ParamValue,
  type PathSegment,
  parseIntFlag,
  parseSets,
  type ResolvedShard,
  resolveShard,
  type SetSpec,
  type SweepPlan,
  shardRuns,
  UserError,
} from '../../sweep/index.js';
import { readExtendsFromDisk } from '../files.js';
import { parseFlags, SWEEP_FLAGS, SWEEP_USAGE } from './args.js';
import { makeHeader, type SweepHeader, shardText } from './header.js';
import type { ProgressSink } from './progress.js';
import { isScenarioError, type ReadExtends, type Runner } from './runner.js';
import {
  applyParams,
  type ExtendsFile,
  readScenarioSource,
  recordedExtendsReader,
  type ScenarioSource,
  scenarioHash,
} from './scenario-source.js';

/** Seeds start here unless --seed-start says otherwise. */
export const DEFAULT_SEED_START = 1;
/** The largest seed a scenario accepts (2^32 − 1). */
export const MAX_SEED = 0xffffffff;

export interface SweepOptions {
  readonly help: boolean;
  readonly file: string;
  readonly seedStart: number;
  readonly seedCount: number;
  readonly sets: readonly string[];
  readonly workers: number;
  readonly out: string | undefined;
  readonly report: string | undefined;
  readonly json: boolean;
  readonly shard: ResolvedShard | null;
}

/** Reads the flags of `fabricsim sweep`; a mistake is a UserError (with the usage where it helps). */
export function parseSweepArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SweepOptions {
  const args = parseFlags(argv, SWEEP_FLAGS);
  const help = args.booleans.has('help');
  if (help) {
    return {
      help,
      file: '',
      seedStart: 0,
      seedCount: 0,
      sets: [],
      workers: 1,
      out: undefined,
      report: undefined,
      json: false,
      shard: null,
    };
  }
  if (args.positionals.length !== 1) {
    throw new UserError(
      `${args.positionals.length === 0 ? 'missing the scenario FILE' : `one scenario FILE expected, got ${args.positionals.length}: ${args.positionals.join(' ')}`}\n${SWEEP_USAGE}`,
    );
  }
  const seedsText = args.strings.get('seeds');
  if (seedsText === undefined) {
    throw new UserError(`--seeds N is required (how many seeds per combination)\n${SWEEP_USAGE}`);
  }
  const seedCount = parseIntFlag('seeds', seedsText, 1, MAX_SEED + 1);
  const seedStartText = args.strings.get('seed-start');
  const seedStart =
    seedStartText === undefined ? DEFAULT_SEED_START : parseIntFlag('seed-start', seedStartText, 0, MAX_SEED);
  if (seedStart + seedCount - 1 > MAX_SEED) {
    throw new UserError(`seeds ${seedStart}…${seedStart + seedCount - 1} go past the largest seed ${MAX_SEED}`);
  }
  const workersText = args.strings.get('workers');
  const out = args.strings.get('out');
  const report = args.strings.get('report');
  const shard = resolveShard(args.strings.get('shard'), args.strings.get('shards'), env);
  if (shard !== null && out === undefined) {
    throw new UserError('a shard needs --out: `fabricsim merge` combines the shards’ results files');
  }
  if (shard !== null && report !== undefined) {
    throw new UserError('--report needs the whole sweep: give it to `fabricsim merge` instead of a shard');
  }
  return {
    help,
    file: args.positionals[0]!,
    seedStart,
    seedCount,
    sets: args.lists.get('set') ?? [],
    workers: workersText === undefined ? availableParallelism() : parseIntFlag('workers', workersText, 1, 1024),
    out,
    report,
    json: args.booleans.has('json'),
    shard,
  };
}

/**
 * Reads `extends` bases from disk as the command line does (relative to the file that names them), with paths
 * taken from `cwd`, and records what it read so that the hash covers it and the workers replay the same texts.
 */
function diskExtendsReader(cwd: string, seen: ExtendsFile[]): ReadExtends {
  return (name, from) => {
    const base = readExtendsFromDisk(name, isAbsolute(from) ? from : join(cwd, from));
    const shown = relative(cwd, base.fileName);
    const fileName = shown.startsWith('..') || isAbsolute(shown) ? base.fileName : shown;
    seen.push({ name, from, text: base.text, fileName });
    return { text: base.text, fileName };
  };
}

/**
 * Loads one scenario text through the runner; a scenario error is prefixed with the combination it belongs to.
 * Returns the loaded scenario's content hash when the runner gives one (a hash of the merged, validated file).
 */
function validate(
  runner: Runner,
  text: string,
  fileName: string,
  readExtends: ReadExtends,
  what: string,
): string | null {
  try {
    const scenario = runner.loadScenario(text, { fileName, readExtends }) as { hash?: unknown } | null;
    return scenario !== null && typeof scenario === 'object' && typeof scenario.hash === 'string'
      ? scenario.hash
      : null;
  } catch (err) {
    if (isScenarioError(err) || err instanceof UserError) throw new UserError(`${what}: ${(err as Error).message}`);
    throw err;
  }
}

export interface PreparedSweep {
  readonly source: ScenarioSource;
  readonly extendsFiles: readonly ExtendsFile[];
  readonly sets: readonly SetSpec[];
  readonly combos: readonly Combination[];
  /** Each combination's scenario text, by combination index. */
  readonly texts: readonly string[];
  readonly plan: SweepPlan;
  readonly header: SweepHeader;
  /** This process's runs (the shard's, or all), ascending. */
  readonly mine: readonly number[];
}

/** Reads, checks and plans the sweep. Every mistake surfaces here, before a results file is touched. */
export function prepareSweep(o: SweepOptions, runner: Runner, cwd: string): PreparedSweep {
  const source = readScenarioSource(o.file, cwd);
  const extendsFiles: ExtendsFile[] = [];
  const loadedHash = validate(runner, source.text, o.file, diskExtendsReader(cwd, extendsFiles), o.file);
  const sets = parseSets(o.sets, source.doc);
  const segmentsOf = new Map(sets.map((s) => [s.path, s.segments]));
  const combos = combinations(sets);
  const replay = recordedExtendsReader(extendsFiles);
  const texts = combos.map((c) => {
    const text = applyParams(source, c.params, (p) => segmentsOf.get(p)!);
    validate(runner, text, o.file, replay, `${c.id} (${assignments(c.params).join(' ')})`);
    return text;
  });
  const plan = makePlan(combos, o.seedStart, o.seedCount);
  const header = makeHeader({
    fabricsim: runner.VERSION,
    scenario: source.name,
    scenarioHash: loadedHash ?? scenarioHash(source.text, extendsFiles),
    parameters: sets.map((s) => ({ path: s.path, values: s.values })),
    seeds: { start: o.seedStart, count: o.seedCount },
    runs: plan.runs,
    shard: o.shard === null ? null : { index: o.shard.index, count: o.shard.count },
  });
  return { source, extendsFiles, sets, combos, texts, plan, header, mine: shardRuns(plan, o.shard) };
}

function assignments(params: Readonly<Record<string, ParamValue>>): string[] {
  return Object.entries(params).map(([k, v]) => `${k}=${formatValue(v)}`);
}

/** The value a parameter has without --set: in the file, else the policy default. */
function baseValue(doc: unknown, segments: readonly PathSegment[]): string {
  let node: unknown = doc;
  for (const s of segments) {
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[s] : undefined;
  }
  if (node !== undefined) return `${formatValue(node as ParamValue)} in the scenario`;
  const [a, section, key] = segments;
  if (a === 'policies' && segments.length === 3 && typeof section === 'string' && typeof key === 'string') {
    const entry = (DEFAULTS as Record<string, Record<string, { value: unknown }> | undefined>)[section]?.[key];
    if (entry !== undefined) return `${formatValue(entry.value as ParamValue)} by default`;
  }
  return 'not set in the scenario';
}

/** The plan on stderr: the scenario and sweep ids, each parameter's base value, every combination's values. */
export function printPlan(p: PreparedSweep, o: SweepOptions, stderr: ProgressSink): void {
  const h = p.header;
  stderr.write(`sweep: ${o.file} (scenario ${h.scenarioHash}, sweep ${h.fingerprint}, fabricsim ${h.fabricsim})\n`);
  for (const s of p.sets) {
    stderr.write(
      `  ${s.path}: ${baseValue(p.source.doc, s.segments)}; swept over ${s.values.map(formatValue).join(', ')}\n`,
    );
  }
  for (const c of p.combos) {
    const values = assignments(c.params);
    stderr.write(`  ${c.id}  ${values.length === 0 ? '(the scenario as written)' : values.join('  ')}\n`);
  }
  const n = p.combos.length;
  const shard =
    o.shard === null
      ? ''
      : `; ${shardText(o.shard)} (${o.shard.source === 'flag' ? '--shard' : o.shard.source}): ${p.mine.length} runs`;
  stderr.write(
    `  ${n} combination${n === 1 ? '' : 's'} × ${o.seedCount} seeds (${o.seedStart}…${o.seedStart + o.seedCount - 1}) = ${p.plan.runs} runs${shard}\n`,
  );
}
