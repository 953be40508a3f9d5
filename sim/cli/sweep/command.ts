/**
 * `fabricsim sweep` and `fabricsim merge`.
 *
 * sweep: checks the `--set` parameters against the schema, validates every combination's scenario, prints the
 * grid, then runs (combination × seed) on worker threads — or this process's shard of them — appending one JSON
 * line per run to `--out` (after a header line that fingerprints the sweep). Running the same command again
 * resumes. At the end it prints the summary (a table, or one JSON object with --json) and writes `--report`.
 *
 * merge: see merge.ts.
 *
 * Exit codes: 0 done (failed expectations included: they are results); 2 a user's mistake (one line on stderr); 3 a
 * bug (an internal error, or runs that threw: the summary lists them); 130 interrupted (SIGINT).
 */

import type { RunRecord } from '../../sweep/index.js';
import { EXIT_BUG, EXIT_INTERRUPTED, EXIT_OK, taskOf, toJson } from '../../sweep/index.js';
import type { CliIO } from '../io.js';
import { SWEEP_USAGE } from './args.js';
import { asCommandIo, type CommandIo, guarded } from './command-io.js';
import type { WorkerInit } from './execute.js';
import { finishSummary } from './finish.js';
import { shardText } from './header.js';
import { merge } from './merge.js';
import { Interrupt, type PoolOutcome, runPool, type WorkerSpec } from './pool.js';
import { parseSweepArgs, prepareSweep, printPlan } from './prepare.js';
import { createProgress } from './progress.js';
import { openResults } from './resume.js';
import { DEFAULT_RUNNER_URL, loadRunner } from './runner.js';

export type { CommandIo } from './command-io.js';

function defaultWorker(): WorkerSpec {
  return { url: new URL('./worker.js', import.meta.url) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `fabricsim sweep …` (argv without "sweep"). Accepts the command line's CliIO or a CommandIo; never throws. */
export async function sweepCommand(argv: readonly string[], io: CommandIo | CliIO = {}): Promise<number> {
  const cio = asCommandIo(io);
  return guarded('sweep', cio, () => sweep(argv, cio));
}

/** `fabricsim merge …` (argv without "merge"). Accepts the command line's CliIO or a CommandIo; never throws. */
export async function mergeCommand(argv: readonly string[], io: CommandIo | CliIO = {}): Promise<number> {
  const cio = asCommandIo(io);
  return guarded('merge', cio, async () => merge(argv, cio));
}

async function sweep(argv: readonly string[], io: CommandIo): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const cwd = io.cwd ?? process.cwd();
  const o = parseSweepArgs(argv, io.env ?? process.env);
  if (o.help) {
    stdout.write(SWEEP_USAGE + '\n');
    return EXIT_OK;
  }
  const runner = await loadRunner(io.runnerUrl);
  const p = prepareSweep(o, runner, cwd);
  printPlan(p, o, stderr);
  const { done, writer } = openResults(o.out, cwd, p, o.shard, stderr);

  const tasks = p.mine.filter((r) => !done.has(r)).map((r) => taskOf(p.plan, r));
  const init: WorkerInit = {
    runnerUrl: io.runnerUrl ?? DEFAULT_RUNNER_URL,
    combos: p.combos.map((c, i) => ({ text: p.texts[i]!, fileName: o.file, params: c.params })),
    extendsFiles: p.extendsFiles,
  };
  const threads = Math.max(1, Math.min(o.workers, tasks.length));
  if (tasks.length > 0) {
    const where = io.worker === 'inProcess' ? 'this thread' : plural(threads, 'worker thread');
    stderr.write(`sweep: ${tasks.length} runs to do on ${where}, recording off\n`);
  }

  // Ctrl-C: the first lets the runs in flight finish, a second abandons them (see pool.ts).
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
  let outcome: PoolOutcome;
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
        const what =
          inFlight > 0
            ? `finishing ${plural(inFlight, 'run')} in flight (Ctrl-C again to abandon ${inFlight === 1 ? 'it' : 'them'})`
            : 'stopping';
        stderr.write(`\nsweep: interrupted; ${what}\n`);
      },
    });
  } finally {
    if (io.interrupt === undefined) process.off('SIGINT', onSigint);
    progress.stop();
    writer?.close();
  }

  if (outcome.interrupted) {
    const abandoned = outcome.abandoned > 0 ? ` (abandoned ${plural(outcome.abandoned, 'run')} in flight)` : '';
    const where =
      o.out === undefined
        ? 'the results were not kept (give --out to be able to resume)'
        : `${done.size} of ${p.mine.length} runs are in ${o.out}; run the same command again to resume`;
    stderr.write(`sweep: interrupted${abandoned}: ${where}\n`);
    return EXIT_INTERRUPTED;
  }

  const records = [...done.values()];
  if (o.shard !== null) {
    const failed = records.filter((r) => r.error !== undefined).length;
    const { index, count } = o.shard;
    if (o.json) {
      const line = {
        shard: { index, count },
        runs: records.length,
        failed,
        out: o.out,
        fingerprint: p.header.fingerprint,
      };
      stdout.write(toJson(line) + '\n');
    } else {
      const failures = failed > 0 ? `, ${failed} failed` : '';
      stdout.write(
        `${shardText(o.shard)}: ${records.length} runs in ${o.out}${failures}; combine all ${count} shards with \`fabricsim merge\`\n`,
      );
    }
    return failed > 0 ? EXIT_BUG : EXIT_OK;
  }
  return finishSummary(p.header, records, { json: o.json, reportPath: o.report, cwd, stdout, stderr });
}
