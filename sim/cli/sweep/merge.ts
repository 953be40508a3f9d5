/**
 * `fabricsim merge`: reads the results files of a sharded sweep, refuses files of different sweeps and missing or
 * duplicated runs (naming the files and shards), and prints exactly the summary of one unsharded run.
 */
import { resolve } from 'node:path';
import type { RunRecord } from '../../sweep/index.js';
import { combinations, EXIT_OK, inShard, makePlan, type SweepPlan, shardRuns, UserError } from '../../sweep/index.js';
import { MERGE_FLAGS, MERGE_USAGE, parseFlags } from './args.js';
import type { CommandIo } from './command-io.js';
import { finishSummary } from './finish.js';
import { describeDifference, type SweepHeader, shardText } from './header.js';
import { type ResultsContent, readResults } from './results-file.js';
import { recordProblem } from './resume.js';

function planFromHeader(h: SweepHeader): SweepPlan {
  const combos = combinations(h.parameters.map((p) => ({ path: p.path, segments: [], values: p.values })));
  return makePlan(combos, h.seeds.start, h.seeds.count);
}

function listRuns(runs: readonly number[]): string {
  const shown = runs.slice(0, 8).join(', ');
  return runs.length > 8 ? `${shown} … (${runs.length} in all)` : shown;
}

/** Runs `fabricsim merge` (argv without "merge"); user mistakes throw UserError (see command-io.ts). */
export function merge(argv: readonly string[], io: CommandIo): number {
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
