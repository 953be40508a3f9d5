/**
 * `fabricsim sweep` and `fabricsim merge`.
 *
 * sweep: checks the `--set` parameters against the schema, validates every combination's scenario, prints the
 * grid, then runs (combination × seed) on worker threads — or this process's shard of them — appending one JSON
 * line per run to `--out` (after a header line that fingerprints the sweep). Running the same command again
 * resumes. At the end it prints the summary (a table, or one JSON object with --json) and writes `--report`.
 *
 * merge: reads the results files of a sharded sweep, refuses files of different sweeps and missing or duplicated
 * runs, and prints exactly the summary that one unsharded run prints.
 *
 * Exit codes: 0 done (failed expectations included: they are results); 2 a user's mistake (one line on stderr); 3 a
 * bug (an internal error, or runs that threw: the summary lists them); 130 interrupted (SIGINT).
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { DEFAULTS } from '../../scenario/defaults.js';
import { fsReason, readExtendsFromDisk } from '../files.js';
import type { CliIO } from '../io.js';
import { gather, summarizeSweep, toJson } from './aggregate.js';
import { MERGE_FLAGS, MERGE_USAGE, parseFlags, parseIntFlag, SWEEP_FLAGS, SWEEP_USAGE } from './args.js';
import { EXIT_BUG, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UserError } from './errors.js';
import type { WorkerInit } from './execute.js';
import { describeDifference, makeHeader, type SweepHeader, shardText } from './header.js';
import { combinations, formatValue, type ParamValue, type PathSegment, parseSets } from './params.js';
import { inShard, makePlan, type Shard, type SweepPlan, shardRuns, taskOf } from './plan.js';
import { Interrupt, runPool, type WorkerSpec } from './pool.js';
import { createProgress, type ProgressSink } from './progress.js';
import type { RunRecord } from './record.js';
import { writeReport } from './report.js';
import { type ResultsContent, ResultsWriter, readResults } from './results-file.js';
import { isScenarioError, loadRunner, type ReadExtends, type Runner } from './runner.js';
import {
  applyParams,
  type ExtendsFile,
  readScenarioSource,
  recordedExtendsReader,
  scenarioHash,
} from './scenario-source.js';
import { resolveShard } from './shard.js';
import { renderSummary } from './table.js';

/** Where a command reads and writes; every field defaults to the process's own. Tests pass their own. */
export interface CommandIo {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly stdout?: ProgressSink;
  readonly stderr?: ProgressSink;
  /** Default: a fresh Interrupt fed by SIGINT while the command runs. */
  readonly interrupt?: Interrupt;
  /** Module exporting loadScenario / runScenario / VERSION (default sim/index.js). */
  readonly runnerUrl?: string;
  /** Worker threads to start (default the compiled worker.js next to this file), or `inProcess` for none. */
  readonly worker?: WorkerSpec | 'inProcess';
  /** Force the progress bar on or off (default: on when stderr is a TTY). */
  readonly tty?: boolean;
  /** Plain progress lines at most this often (default 10 s). */
  readonly progressIntervalMs?: number;
}

const DEFAULT_SEED_START = 1;
const MAX_SEED = 0xffffffff;

function defaultWorker(): WorkerSpec {
  return { url: new URL('./worker.js', import.meta.url) };
}

/**
 * The command line's CliIO (`out`, `err`) as a CommandIo. The progress bar needs a real terminal stream, so on a
 * TTY it draws on process.stderr directly.
 */
function asCommandIo(io: CommandIo | CliIO): CommandIo {
  if (!('out' in io) || typeof io.out !== 'function') return io as CommandIo;
  const cli = io as CliIO;
  return {
    stdout: { write: (t: string) => cli.out(t), isTTY: false },
    stderr: process.stderr.isTTY ? process.stderr : { write: (t: string) => cli.err(t), isTTY: false },
  };
}

/** Runs `body`, turning user errors into one line and exit 2, and anything else into a bug report and exit 3. */
async function guarded(command: string, io: CommandIo, body: () => Promise<number>): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  try {
    return await body();
  } catch (err) {
    if (err instanceof UserError || isScenarioError(err)) {
      stderr.write(`fabricsim ${command}: ${(err as Error).message}\n`);
      return EXIT_USAGE;
    }
    stderr.write(
      `fabricsim ${command}: internal error: ${err instanceof Error ? err.message : String(err)}\n` +
        'this is a bug in fabricsim; please report it with the command line and the scenario file\n' +
        `${err instanceof Error ? (err.stack ?? '') : ''}\n`,
    );
    return EXIT_BUG;
  }
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

/** The value a parameter has without --set: in the file, else the policy default, for the plan printout. */
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

/** Runs a file write; a file-system failure (no such folder, read-only…) is the user's: exit 2 naming the file. */
function writable<T>(fileName: string, write: () => T): T {
  try {
    return write();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new UserError(`cannot write ${fileName}: ${fsReason(err)}`);
    throw err;
  }
}

function sameShard(a: Shard | null, b: Shard | null): boolean {
  return a === null || b === null ? a === b : a.index === b.index && a.count === b.count;
}

/** Checks that a record belongs to `plan` (and to `shard`); returns a problem or null. */
function recordProblem(rec: RunRecord, plan: SweepPlan, shard: Shard | null): string | null {
  if (!(rec.run >= 0 && rec.run < plan.runs)) return `run ${rec.run} is outside the sweep's ${plan.runs} runs`;
  const t = taskOf(plan, rec.run);
  if (t.combo !== rec.combo || t.seed !== rec.seed) {
    return `run ${rec.run} should be c${t.combo} seed ${t.seed}, the line says c${rec.combo} seed ${rec.seed}`;
  }
  if (!inShard(rec.run, shard)) return `run ${rec.run} does not belong to ${shardText(shard)}`;
  return null;
}

function planFromHeader(h: SweepHeader): SweepPlan {
  const combos = combinations(h.parameters.map((p) => ({ path: p.path, segments: [], values: p.values })));
  return makePlan(combos, h.seeds.start, h.seeds.count);
}

// ---------------------------------------------------------------------------------------------------------------
// sweep

/** `fabricsim sweep …` (argv without "sweep"). Accepts the command line's CliIO or a CommandIo; never throws. */
export async function sweepCommand(argv: readonly string[], io: CommandIo | CliIO = {}): Promise<number> {
  const cio = asCommandIo(io);
  return guarded('sweep', cio, () => sweep(argv, cio));
}

async function sweep(argv: readonly string[], io: CommandIo): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const cwd = io.cwd ?? process.cwd();
  const args = parseFlags(argv, SWEEP_FLAGS);
  if (args.booleans.has('help')) {
    stdout.write(SWEEP_USAGE + '\n');
    return EXIT_OK;
  }
  if (args.positionals.length !== 1) {
    throw new UserError(
      `${args.positionals.length === 0 ? 'missing the scenario FILE' : `one scenario FILE expected, got ${args.positionals.length}: ${args.positionals.join(' ')}`}\n${SWEEP_USAGE}`,
    );
  }
  const file = args.positionals[0]!;
  const seedsText = args.strings.get('seeds');
  if (seedsText === undefined)
    throw new UserError(`--seeds N is required (how many seeds per combination)\n${SWEEP_USAGE}`);
  const seedCount = parseIntFlag('seeds', seedsText, 1, MAX_SEED + 1);
  const seedStartText = args.strings.get('seed-start');
  const seedStart =
    seedStartText === undefined ? DEFAULT_SEED_START : parseIntFlag('seed-start', seedStartText, 0, MAX_SEED);
  if (seedStart + seedCount - 1 > MAX_SEED) {
    throw new UserError(`seeds ${seedStart}…${seedStart + seedCount - 1} go past the largest seed ${MAX_SEED}`);
  }
  const workersText = args.strings.get('workers');
  const workers = workersText === undefined ? availableParallelism() : parseIntFlag('workers', workersText, 1, 1024);
  const out = args.strings.get('out');
  const reportPath = args.strings.get('report');
  const json = args.booleans.has('json');
  const shard = resolveShard(args.strings.get('shard'), args.strings.get('shards'), io.env ?? process.env);
  if (shard !== null && out === undefined) {
    throw new UserError('a shard needs --out: `fabricsim merge` combines the shards’ results files');
  }
  if (shard !== null && reportPath !== undefined) {
    throw new UserError('--report needs the whole sweep: give it to `fabricsim merge` instead of a shard');
  }

  // The scenario, its extends, the parameters and every combination, all checked before anything runs.
  const runner = await loadRunner(io.runnerUrl);
  const source = readScenarioSource(file, cwd);
  const extendsFiles: ExtendsFile[] = [];
  const loadedHash = validate(runner, source.text, file, diskExtendsReader(cwd, extendsFiles), file);
  const sets = parseSets(args.lists.get('set') ?? [], source.doc);
  const segmentsOf = new Map(sets.map((s) => [s.path, s.segments]));
  const combos = combinations(sets);
  const replay = recordedExtendsReader(extendsFiles);
  const texts = combos.map((c) => {
    const text = applyParams(source, c.params, (p) => segmentsOf.get(p)!);
    const what = `${c.id} (${Object.entries(c.params)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(' ')})`;
    validate(runner, text, file, replay, what);
    return text;
  });
  const plan = makePlan(combos, seedStart, seedCount);
  const header = makeHeader({
    fabricsim: runner.VERSION,
    scenario: source.name,
    scenarioHash: loadedHash ?? scenarioHash(source.text, extendsFiles),
    parameters: sets.map((s) => ({ path: s.path, values: s.values })),
    seeds: { start: seedStart, count: seedCount },
    runs: plan.runs,
    shard,
  });
  const mine = shardRuns(plan, shard);

  // The plan, with every combination's resolved values.
  stderr.write(
    `sweep: ${file} (scenario ${header.scenarioHash}, sweep ${header.fingerprint}, fabricsim ${header.fabricsim})\n`,
  );
  for (const s of sets) {
    stderr.write(
      `  ${s.path}: ${baseValue(source.doc, s.segments)}; swept over ${s.values.map(formatValue).join(', ')}\n`,
    );
  }
  for (const c of combos) {
    const values = Object.entries(c.params).map(([k, v]) => `${k}=${formatValue(v)}`);
    stderr.write(`  ${c.id}  ${values.length === 0 ? '(the scenario as written)' : values.join('  ')}\n`);
  }
  stderr.write(
    `  ${combos.length} combination${combos.length === 1 ? '' : 's'} × ${seedCount} seeds (${seedStart}…${seedStart + seedCount - 1}) = ${plan.runs} runs` +
      (shard === null
        ? ''
        : `; ${shardText(shard)} (${shard.source === 'flag' ? '--shard' : shard.source}): ${mine.length} runs`) +
      '\n',
  );

  // Resume from the results file, or start it.
  const done = new Map<number, RunRecord>();
  let writer: ResultsWriter | null = null;
  if (out !== undefined) {
    const path = resolve(cwd, out);
    const existing: ResultsContent | null = readResults(path, out);
    if (existing !== null) {
      const diff = describeDifference(existing.header, header);
      if (diff !== null) {
        throw new UserError(
          `${out} holds the results of a different sweep (it differs in ${diff}); give another --out, or delete ${out} to start over`,
        );
      }
      if (!sameShard(existing.header.shard, shard)) {
        throw new UserError(
          `${out} holds ${shardText(existing.header.shard)} but this command runs ${shardText(shard)}; give another --out`,
        );
      }
      for (const rec of existing.records) {
        const problem = recordProblem(rec, plan, shard);
        if (problem !== null) throw new UserError(`${out}: ${problem}`);
        done.set(rec.run, rec);
      }
      if (existing.discarded !== null) {
        stderr.write(`sweep: discarded the cut-off last line of ${out} (that run is done again)\n`);
      }
      writer = writable(out, () => ResultsWriter.resume(path, existing.validBytes));
      stderr.write(`sweep: resuming: ${done.size} of ${mine.length} runs already in ${out}\n`);
    } else {
      writer = writable(out, () => ResultsWriter.create(path, header));
    }
  }

  const tasks = mine.filter((r) => !done.has(r)).map((r) => taskOf(plan, r));
  const init: WorkerInit = {
    runnerUrl: io.runnerUrl ?? new URL('../../index.js', import.meta.url).href,
    combos: combos.map((c, i) => ({ text: texts[i]!, fileName: file, params: c.params })),
    extendsFiles,
  };
  const threads = Math.max(1, Math.min(workers, tasks.length));
  if (tasks.length > 0) {
    stderr.write(
      `sweep: ${tasks.length} runs to do on ${io.worker === 'inProcess' ? 'this thread' : `${threads} worker thread${threads === 1 ? '' : 's'}`}, recording off\n`,
    );
  }

  const interrupt = io.interrupt ?? new Interrupt();
  const onSigint = (): void => interrupt.request();
  if (io.interrupt === undefined) process.on('SIGINT', onSigint);
  const progress = createProgress({
    total: tasks.length,
    resumed: done.size,
    stream: stderr,
    tty: io.tty,
    intervalMs: io.progressIntervalMs,
  });
  let outcome: Awaited<ReturnType<typeof runPool>>;
  try {
    outcome = await runPool({
      tasks,
      workers: threads,
      init,
      worker: io.worker === 'inProcess' ? { inProcess: runner } : (io.worker ?? defaultWorker()),
      interrupt,
      onResult: (task, line) => {
        writer?.append(line);
        done.set(task.run, JSON.parse(line) as RunRecord);
        progress.tick();
      },
      onDraining: (inFlight) => {
        stderr.write(
          `\nsweep: interrupted; ${inFlight > 0 ? `finishing ${inFlight} run${inFlight === 1 ? '' : 's'} in flight (Ctrl-C again to abandon ${inFlight === 1 ? 'it' : 'them'})` : 'stopping'}\n`,
        );
      },
    });
  } finally {
    if (io.interrupt === undefined) process.off('SIGINT', onSigint);
    progress.stop();
    writer?.close();
  }

  if (outcome.interrupted) {
    const where =
      out === undefined
        ? 'the results were not kept (give --out to be able to resume)'
        : `${done.size} of ${mine.length} runs are in ${out}; run the same command again to resume`;
    stderr.write(
      `sweep: interrupted${outcome.abandoned > 0 ? ` (abandoned ${outcome.abandoned} run${outcome.abandoned === 1 ? '' : 's'} in flight)` : ''}: ${where}\n`,
    );
    return EXIT_INTERRUPTED;
  }

  const records = [...done.values()];
  const failed = records.filter((r) => r.error !== undefined).length;
  if (shard !== null) {
    const note = `${shardText(shard)}: ${records.length} runs in ${out}${failed > 0 ? `, ${failed} failed` : ''}; combine all ${shard.count} shards with \`fabricsim merge\``;
    if (json)
      stdout.write(
        toJson({
          shard: { index: shard.index, count: shard.count },
          runs: records.length,
          failed,
          out,
          fingerprint: header.fingerprint,
        }) + '\n',
      );
    else stdout.write(note + '\n');
    return failed > 0 ? EXIT_BUG : EXIT_OK;
  }
  return finishSummary(header, records, { json, reportPath, cwd, stdout, stderr });
}

function finishSummary(
  header: SweepHeader,
  records: readonly RunRecord[],
  o: { json: boolean; reportPath: string | undefined; cwd: string; stdout: ProgressSink; stderr: ProgressSink },
): number {
  const summary = summarizeSweep(header, records);
  if (o.reportPath !== undefined) {
    const reportPath = o.reportPath;
    writable(reportPath, () => writeReport(resolve(o.cwd, reportPath), summary, gather(header, records)));
    o.stderr.write(`sweep: report written to ${o.reportPath}\n`);
  }
  o.stdout.write(o.json ? toJson(summary) + '\n' : renderSummary(summary));
  if (summary.failedRuns.length > 0) {
    o.stderr.write(`sweep: ${summary.failedRuns.length} runs threw an error (listed in the summary)\n`);
    return EXIT_BUG;
  }
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------------------------------
// merge

/** `fabricsim merge …` (argv without "merge"). Accepts the command line's CliIO or a CommandIo; never throws. */
export async function mergeCommand(argv: readonly string[], io: CommandIo | CliIO = {}): Promise<number> {
  const cio = asCommandIo(io);
  return guarded('merge', cio, async () => merge(argv, cio));
}

function listRuns(runs: readonly number[]): string {
  const shown = runs.slice(0, 8).join(', ');
  return runs.length > 8 ? `${shown} … (${runs.length} in all)` : shown;
}

function merge(argv: readonly string[], io: CommandIo): number {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const cwd = io.cwd ?? process.cwd();
  const args = parseFlags(argv, MERGE_FLAGS);
  if (args.booleans.has('help')) {
    stdout.write(MERGE_USAGE + '\n');
    return EXIT_OK;
  }
  const files = args.positionals;
  if (files.length === 0) throw new UserError(`no results files given\n${MERGE_USAGE}`);
  const seenPaths = new Set<string>();
  const contents: { file: string; content: ResultsContent }[] = [];
  for (const file of files) {
    const path = resolve(cwd, file);
    if (seenPaths.has(path)) throw new UserError(`${file} is given twice`);
    seenPaths.add(path);
    const content = readResults(path, file);
    if (content === null) throw new UserError(`${file}: missing, empty or without a whole header line`);
    if (content.discarded !== null) stderr.write(`merge: ${file}: discarded a cut-off last line\n`);
    contents.push({ file, content });
  }

  // One sweep only.
  const first = contents[0]!;
  const others = contents.filter((c) => c.content.header.fingerprint !== first.content.header.fingerprint);
  if (others.length > 0) {
    const same = contents
      .filter((c) => c.content.header.fingerprint === first.content.header.fingerprint)
      .map((c) => c.file);
    const lines = others.map(
      (o) =>
        `  ${o.file}: sweep ${o.content.header.fingerprint} (differs in ${describeDifference(o.content.header, first.content.header) ?? 'its fingerprint'})`,
    );
    throw new UserError(
      `the files belong to different sweeps: ${same.join(', ')} ${same.length === 1 ? 'is' : 'are'} sweep ${first.content.header.fingerprint}, but\n${lines.join('\n')}`,
    );
  }

  const header: SweepHeader = { ...first.content.header, shard: null };
  const plan = planFromHeader(header);
  const where = new Map<number, string>();
  const records: RunRecord[] = [];
  const duplicates = new Map<string, number[]>();
  for (const { file, content } of contents) {
    for (const rec of content.records) {
      const problem = recordProblem(rec, plan, content.header.shard);
      if (problem !== null) throw new UserError(`${file}: ${problem}`);
      const before = where.get(rec.run);
      if (before !== undefined) {
        const key = `${before} and ${file}`;
        duplicates.set(key, [...(duplicates.get(key) ?? []), rec.run]);
        continue;
      }
      where.set(rec.run, file);
      records.push(rec);
    }
  }
  if (duplicates.size > 0) {
    const lines = [...duplicates].map(
      ([files, runs]) => `  ${files} both hold run${runs.length === 1 ? '' : 's'} ${listRuns(runs)}`,
    );
    throw new UserError(`some runs appear more than once:\n${lines.join('\n')}`);
  }
  if (records.length < plan.runs) throw new UserError(missingMessage(plan, contents, where));
  return finishSummary(header, records, {
    json: args.booleans.has('json'),
    reportPath: args.strings.get('report'),
    cwd,
    stdout,
    stderr,
  });
}

/** Names what is missing: shards without a file, incomplete files, or plain run numbers. */
function missingMessage(
  plan: SweepPlan,
  contents: readonly { file: string; content: ResultsContent }[],
  where: ReadonlyMap<number, string>,
): string {
  const missing: number[] = [];
  for (let r = 0; r < plan.runs; r++) if (!where.has(r)) missing.push(r);
  const counts = new Set(contents.map((c) => c.content.header.shard?.count ?? 0));
  const lines: string[] = [];
  if (counts.size === 1 && !counts.has(0)) {
    const count = [...counts][0]!;
    for (let i = 0; i < count; i++) {
      const shard = { index: i, count };
      const theirs = missing.filter((r) => inShard(r, shard));
      if (theirs.length === 0) continue;
      const files = contents.filter((c) => c.content.header.shard?.index === i).map((c) => c.file);
      const total = shardRuns(plan, shard).length;
      lines.push(
        files.length === 0
          ? `  shard ${i}/${count}: no file given (${total} runs)`
          : `  shard ${i}/${count} (${files.join(', ')}): ${theirs.length} of ${total} runs missing — unfinished? run its command again to resume`,
      );
    }
  } else {
    for (const c of contents) {
      const theirs = missing.filter((r) => inShard(r, c.content.header.shard));
      if (theirs.length > 0)
        lines.push(`  ${c.file} (${shardText(c.content.header.shard)}): runs ${listRuns(theirs)} missing`);
    }
    if (lines.length === 0) lines.push(`  runs ${listRuns(missing)}: in no file`);
  }
  return `${missing.length} of ${plan.runs} runs are missing:\n${lines.join('\n')}`;
}
