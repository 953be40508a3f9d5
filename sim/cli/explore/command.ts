/**
 * `fabricsim explore FILE [--runs N | --time T] [--workers K] [--seed S] [--out DIR] [--shard i/N] [--json]`, and
 * the explore half of `fabricsim merge`.
 *
 * Runs the scenario many times, each time with a fault schedule drawn from its `explore:` section added to its own
 * faults, checking its expectations and the model's invariants (sim/explore). Records go to
 * DIR/NAME.explore.jsonl (a header line, then one line per run) as they finish, so the same command resumes an
 * interrupted exploration; `--shard i/N` runs every N-th lane into DIR/NAME.explore-shard-i-of-N.jsonl and `merge`
 * combines the shards into exactly the unsharded result. At the end each distinct failure (by fingerprint) is
 * shrunk and written as DIR/NAME.counterexample-K.yaml, with the command that opens it in the viewer.
 *
 * Exit codes: 0 no failure within the budget; 1 a failure was found; 2 a user's mistake; 130 interrupted.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DurationError, parseDuration } from '../../engine/index.js';
import {
  ExploreConfigError,
  exploreConfig,
  exploreOutcome,
  formatCoverage,
  type RunRecord,
  scenarioWith,
} from '../../explore/index.js';
import type { PluginModules } from '../../model/index.js';
import type { ScenarioFile } from '../../scenario/index.js';
import { resolveScenario } from '../../scenario/index.js';
import { resolveShard, UserError } from '../../sweep/index.js';
import { VERSION } from '../../version.js';
import { expectPositionals, HELP_OPTION, parseFlags, parseSeed } from '../args.js';
import { CliError, EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import { type CliIO, processIO } from '../io.js';
import { loadPluginModules, pluginFiles, withPlugins } from '../plugins.js';
import { loadScenarioFile, withScenarioErrors } from '../scenario.js';
import { Interrupt, ResultsWriter, type WorkerSpec } from '../sweep/index.js';
import { EXPLORE_HELP, usageLine } from '../usage.js';
import { viewerCommand } from '../viewer.js';
import { type LanesInit, runLanes } from './lanes.js';
import { failingMoment, shrinkToText } from './shrink-command.js';

const OPTIONS = {
  ...HELP_OPTION,
  runs: { type: 'string' },
  time: { type: 'string' },
  workers: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  shard: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const EXIT_INTERRUPTED = 130;
/** Lane loops stop at this run index when the budget is time. */
const UNBOUNDED = 1_000_000_000;

/** The first line of a results file: what was explored, so that resume and merge refuse someone else's runs. */
export interface ExploreHeader {
  readonly format: 'fabricsim-explore';
  readonly version: 1;
  readonly fabricsim: string;
  readonly scenario: string;
  readonly source: string;
  readonly scenarioHash: string;
  readonly exploreSeed: number;
  readonly runSeed: number;
  readonly strategy: string;
  readonly lanes: number;
  /** The run budget, or null for a time budget. */
  readonly runs: number | null;
  readonly shard: { readonly index: number; readonly count: number } | null;
  /** The merged scenario file (self-contained: merge and shrink need nothing else). */
  readonly file: ScenarioFile;
}

export interface ExploreDeps {
  /** Worker threads to start (default the compiled worker), or 'inProcess'. */
  readonly worker?: WorkerSpec | 'inProcess';
  readonly interrupt?: Interrupt;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function intFlag(name: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= max)) {
    throw new UsageError(
      `--${name}: expected a whole number from ${min} to ${max}, found ${JSON.stringify(text)}`,
      usageLine(EXPLORE_HELP),
    );
  }
  return n;
}

function resultsPath(dir: string, name: string, shard: ExploreHeader['shard']): string {
  return join(
    dir,
    shard === null ? `${name}.explore.jsonl` : `${name}.explore-shard-${shard.index}-of-${shard.count}.jsonl`,
  );
}

/** Reads a results file: header and records; a cut last line is dropped. Null when the file does not exist. */
export function readExploreResults(
  path: string,
): { header: ExploreHeader; records: RunRecord[]; validBytes: number } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const whole = text.slice(0, text.lastIndexOf('\n') + 1);
  if (whole === '') return null;
  const lines = whole.slice(0, -1).split('\n');
  let header: ExploreHeader;
  try {
    header = JSON.parse(lines[0]!) as ExploreHeader;
  } catch {
    throw new CliError(`${path}:1: not a fabricsim explore results file`);
  }
  if (header?.format !== 'fabricsim-explore') throw new CliError(`${path}:1: not a fabricsim explore results file`);
  const records: RunRecord[] = [];
  const seen = new Set<number>();
  for (let i = 1; i < lines.length; i++) {
    let r: RunRecord;
    try {
      r = JSON.parse(lines[i]!) as RunRecord;
    } catch {
      throw new CliError(`${path}:${i + 1}: damaged line; only the last line of a results file may be cut`);
    }
    if (seen.has(r.run)) throw new CliError(`${path}:${i + 1}: run ${r.run} is recorded twice`);
    seen.add(r.run);
    records.push(r);
  }
  return { header, records, validBytes: Buffer.byteLength(whole) };
}

function sameExploration(a: ExploreHeader, b: ExploreHeader): boolean {
  const strip = (h: ExploreHeader) => JSON.stringify({ ...h, shard: null, source: '' });
  return strip(a) === strip(b);
}

export async function exploreCommand(argv: readonly string[], io: CliIO, deps: ExploreDeps = {}): Promise<number> {
  const { values, positionals } = parseFlags(argv, OPTIONS, EXPLORE_HELP);
  if (values.help) {
    io.out(EXPLORE_HELP);
    return EXIT_OK;
  }
  const [file] = expectPositionals(positionals, ['FILE'], EXPLORE_HELP) as [string];
  if (values.runs !== undefined && values.time !== undefined) {
    throw new UsageError('give either --runs N or --time T, not both', usageLine(EXPLORE_HELP));
  }
  const scenario = loadScenarioFile(file);
  // A policy module that does not load is a mistake found before any run (the workers load their own copies).
  const { plugins } = await withPlugins(scenario);
  const config = withScenarioErrors(file, () => {
    try {
      return exploreConfig(scenario.file, scenario.resolved);
    } catch (e) {
      if (e instanceof ExploreConfigError || e instanceof DurationError) throw new CliError(`${file}: ${e.message}`);
      throw e;
    }
  });
  const runs = typeof values.runs === 'string' ? intFlag('runs', values.runs, 1, 10_000_000) : null;
  let timeMs: number | null = null;
  if (typeof values.time === 'string') {
    try {
      timeMs = parseDuration(values.time) / 1000;
    } catch {
      throw new UsageError(
        `--time: expected a duration such as "30s" or "10m", found ${JSON.stringify(values.time)}`,
        usageLine(EXPLORE_HELP),
      );
    }
  }
  const workers = typeof values.workers === 'string' ? intFlag('workers', values.workers, 1, 256) : defaultWorkers();
  const exploreSeed = typeof values.seed === 'string' ? parseSeed(values.seed, EXPLORE_HELP) : scenario.seed;
  let shard: ExploreHeader['shard'] = null;
  try {
    const s = resolveShard(
      typeof values.shard === 'string' ? values.shard : undefined,
      undefined,
      deps.env ?? process.env,
    );
    shard = s === null ? null : { index: s.index, count: s.count };
  } catch (e) {
    if (e instanceof UserError) throw new CliError(e.message);
    throw e;
  }
  if (shard !== null && shard.count > config.lanes) {
    throw new CliError(
      `--shard ${shard.index}/${shard.count}: at most ${config.lanes} shards (the scenario's explore.lanes)`,
    );
  }
  const dir = typeof values.out === 'string' ? values.out : `${scenario.name}.explore`;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new CliError(`cannot create ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const budget = runs ?? (timeMs === null ? config.runs : null);
  const header: ExploreHeader = {
    format: 'fabricsim-explore',
    version: 1,
    fabricsim: VERSION,
    scenario: scenario.name,
    source: file,
    scenarioHash: scenario.hash,
    exploreSeed,
    runSeed: scenario.seed,
    strategy: config.strategy,
    lanes: config.lanes,
    runs: budget,
    shard,
    file: scenario.file,
  };

  // Resume: the runs already in the results file are not run again.
  const path = resultsPath(dir, scenario.name, shard);
  const previous = readExploreResults(path);
  if (previous !== null && !sameExploration(previous.header, header)) {
    throw new CliError(
      `${path} holds another exploration (a different scenario, seed, strategy, lanes or budget): remove it or choose another --out`,
    );
  }
  const done = new Map<number, RunRecord>((previous?.records ?? []).map((r) => [r.run, r]));
  const writer =
    previous === null ? ResultsWriter.create(path, header as never) : ResultsWriter.resume(path, previous.validBytes);
  const lanes = Array.from({ length: config.lanes }, (_, l) => l).filter(
    (l) => shard === null || l % shard.count === shard.index,
  );
  const init: LanesInit = {
    file: scenario.file,
    name: scenario.name,
    runSeed: scenario.seed,
    exploreSeed,
    total: budget ?? UNBOUNDED,
    deadline: timeMs === null ? null : Date.now() + timeMs,
    fileName: file,
    cwd: process.cwd(),
  };
  const interrupt = deps.interrupt ?? new Interrupt();
  const onSigint = (): void => interrupt.request();
  if (deps.interrupt === undefined) process.on('SIGINT', onSigint);
  const tty = io === processIO && process.stderr.isTTY === true;
  const planned =
    budget === null ? null : lanes.reduce((n, l) => n + Math.max(0, Math.ceil((budget - l) / config.lanes)), 0);
  io.err(
    `explore: ${file}, strategy ${config.strategy}, ${plural(config.lanes, 'lane')}${shard === null ? '' : ` (shard ${shard.index}/${shard.count}: ${plural(lanes.length, 'lane')})`}, ` +
      `${budget === null ? `for ${values.time}` : plural(planned ?? 0, 'run')}${done.size > 0 ? `, ${done.size} already done` : ''}\n`,
  );
  let fresh = 0;
  let failing = [...done.values()].filter((r) => r.failures.length > 0).length;
  let lastDraw = 0;
  let outcome: { interrupted: boolean };
  try {
    outcome = await runLanes({
      init,
      lanes,
      done,
      workers: Math.max(1, Math.min(workers, lanes.length)),
      worker: deps.worker ?? { url: new URL('../explore/worker.js', import.meta.url) },
      interrupt,
      onRecord: (line) => {
        writer.append(line);
        const r = JSON.parse(line) as RunRecord;
        done.set(r.run, r);
        fresh++;
        if (r.failures.length > 0) failing++;
        if (tty && io.now() - lastDraw > 100) {
          lastDraw = io.now();
          io.err(`\rexplore: ${done.size}${planned === null ? '' : `/${planned}`} runs, ${failing} failing   `);
        }
      },
    });
  } finally {
    if (deps.interrupt === undefined) process.off('SIGINT', onSigint);
    writer.close();
    if (tty) io.err('\r\x1b[K');
  }
  if (outcome.interrupted) {
    io.err(`explore: interrupted: ${done.size} runs are in ${path}; run the same command again to resume\n`);
    return EXIT_INTERRUPTED;
  }
  if (shard !== null) {
    const line = `shard ${shard.index}/${shard.count}: ${done.size} runs (${fresh} new) in ${path}, ${failing} failing; combine all ${shard.count} shards with \`fabricsim merge\`\n`;
    io.out(values.json ? `${JSON.stringify({ shard, runs: done.size, failing, out: path })}\n` : line);
    return EXIT_OK;
  }
  return finishExploration(header, [...done.values()], {
    dir,
    json: values.json === true,
    io,
    ...(plugins === undefined ? {} : { plugins }),
  });
}

function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * The end of an exploration (or of a merge): distinct failures shrunk and written as counterexamples, the report
 * printed. Exit 1 when a failure was found.
 */
export function finishExploration(
  header: ExploreHeader,
  records: readonly RunRecord[],
  opts: { dir: string; json: boolean; io: CliIO; plugins?: PluginModules },
): number {
  const { io } = opts;
  const sc = resolveScenario(header.file, header.scenario);
  const config = exploreConfig(header.file, sc);
  const base = { ...header.file } as ScenarioFile & { explore?: unknown };
  delete base.explore;
  const outcome = exploreOutcome(records, config.sometimes);
  const byRun = new Map(records.map((r) => [r.run, r]));
  const found = outcome.failures.map((f) => {
    const rec = byRun.get(f.firstRun)!;
    const out = join(opts.dir, `${header.scenario}.counterexample-${f.k}.yaml`);
    const shrunk = shrinkToText(scenarioWith(base, rec.faults), {
      seed: header.runSeed,
      name: header.scenario,
      fingerprint: f.failure.key,
      from: `run ${rec.run} of fabricsim explore ${header.source} --seed ${header.exploreSeed}`,
      out,
      sourceFile: header.source,
      ...(opts.plugins === undefined ? {} : { plugins: opts.plugins }),
    });
    writeFileAtomic(out, shrunk.text);
    return { f, out, shrunk, view: viewerCommand(out, header.runSeed, failingMoment(shrunk.result)) };
  });
  if (opts.json) {
    io.out(
      `${JSON.stringify(
        {
          scenario: header.scenario,
          strategy: header.strategy,
          seed: header.exploreSeed,
          runs: outcome.runs,
          failing: outcome.failing,
          failures: found.map(({ f, out, shrunk, view }) => ({
            k: f.k,
            fingerprint: {
              key: f.failure.key,
              expectation: f.failure.what,
              target: f.failure.target,
              direction: f.failure.direction,
            },
            firstRun: f.firstRun,
            runs: f.runs,
            counterexample: out,
            faults: shrunk.result.file.faults ?? [],
            view,
          })),
          sometimes: outcome.sometimes,
          coverage: outcome.coverage,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const lines = [
      `explored ${header.source}: ${plural(outcome.runs, 'run')} (strategy ${header.strategy}, seed ${header.exploreSeed}), ${outcome.failing} failing, ${plural(found.length, 'distinct failure')}`,
    ];
    for (const { f, out, shrunk, view } of found) {
      const n = shrunk.result.file.faults?.length ?? 0;
      lines.push(
        `  ✗ ${f.k}. ${f.failure.what} — ${f.failure.direction} (${f.failure.target}): first in run ${f.firstRun}, ${plural(f.runs, 'run')}`,
        `       shrunk to ${plural(n, 'fault')}: ${out}`,
        `       view: ${view}`,
      );
    }
    for (const s of outcome.sometimes) {
      lines.push(
        s.covered
          ? `  ✓ sometimes ${s.event}: covered in ${plural(s.runs, 'run')} (first: run ${s.firstRun})`
          : `  ✗ sometimes ${s.event}: GAP — ${s.nearest}`,
      );
    }
    io.out(`${lines.join('\n')}\n\n${formatCoverage(outcome.coverage, config.space.kinds)}`);
  }
  return found.length > 0 ? EXIT_FAILED : EXIT_OK;
}

/** `fabricsim merge` for explore results: every shard present once, all of one exploration; then the same finish. */
export async function exploreMerge(
  files: readonly string[],
  opts: { out?: string; json: boolean; io: CliIO },
): Promise<number> {
  const read = files.map((f) => {
    const r = readExploreResults(f);
    if (r === null) throw new CliError(`${f}: empty or missing results file`);
    return { f, ...r };
  });
  const first = read[0]!;
  const count = first.header.shard?.count ?? 1;
  const seen = new Set<number>();
  for (const r of read) {
    if (!sameExploration(r.header, first.header))
      throw new CliError(`${r.f} is from another exploration than ${first.f}`);
    const s = r.header.shard;
    if ((s?.count ?? 1) !== count) throw new CliError(`${r.f}: shard count ${s?.count ?? 1}, expected ${count}`);
    if (seen.has(s?.index ?? 0)) throw new CliError(`${r.f}: shard ${s?.index ?? 0} given twice`);
    seen.add(s?.index ?? 0);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0)
    throw new CliError(`missing shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${count}`);
  const records = read.flatMap((r) => r.records);
  const header = { ...first.header, shard: null };
  const dir = opts.out ?? join(first.f, '..');
  // The shrinking runs need the scenario's policy modules, found beside the file explored (as the shards did).
  const resolved = resolveScenario(header.file, header.scenario);
  const sc = { fileName: header.source, resolved };
  const plugins = pluginFiles(sc).size > 0 ? await loadPluginModules(sc) : undefined;
  return finishExploration(header, records, {
    dir,
    json: opts.json,
    io: opts.io,
    ...(plugins === undefined ? {} : { plugins }),
  });
}

/** True when `file` starts with an explore results header (so `merge` hands it here). */
export function isExploreResults(file: string): boolean {
  try {
    const text = readFileSync(file, 'utf8');
    const first = text.slice(0, text.indexOf('\n'));
    return (JSON.parse(first) as { format?: unknown }).format === 'fabricsim-explore';
  } catch {
    return false;
  }
}

const MERGE_OPTIONS = { ...HELP_OPTION, out: { type: 'string' }, json: { type: 'boolean' } } as const;

/** `fabricsim merge …`: explore results files here, sweep results files to the sweep's merge. */
export async function mergeDispatch(argv: readonly string[], io: CliIO): Promise<number> {
  const firstFile = argv.find((a) => !a.startsWith('-'));
  if (firstFile === undefined || !isExploreResults(firstFile)) {
    return (await import('../sweep/index.js')).mergeCommand(argv, io);
  }
  const { values, positionals } = parseFlags(argv, MERGE_OPTIONS, EXPLORE_HELP);
  return exploreMerge(positionals, {
    ...(typeof values.out === 'string' ? { out: values.out } : {}),
    json: values.json === true,
    io,
  });
}
