/**
 * `fabricsim estimate FILE --event EXPR [--method crude|splitting] [--relative-error R | --runs N] [--workers K]
 * [--seed S] [--shard i/N] [--out FILE] [--json]`, and `fabricsim estimate --merge PART…`: the probability that an
 * event happens within a run, with its interval and what it implies over time.
 *
 * A replication is the unit of work (one independent estimate: a fixed-effort splitting pass, or a batch of crude
 * runs); `--runs N` does replications 0 … N−1 (a shard does those ≡ i mod N), `--relative-error` adds replications
 * in order until the relative error is reached. Either way the result depends only on the seed and the replication
 * indices, not on the number of workers nor on the order in which they finish.
 */
import { normalize } from 'node:path';
import {
  type EstimateKey,
  type EstimateReport,
  ExprError,
  prepareEstimate,
  type ReplicationResult,
  reportOf,
} from '../../estimate/index.js';
import { expectPositionals, HELP_OPTION, parseFlags, parseSeed } from '../args.js';
import { CliError, EXIT_OK, UsageError } from '../errors.js';
import { checkWritable, readUserFile, writeFileAtomic } from '../files.js';
import { duration, groupDigits } from '../format.js';
import type { CliIO } from '../io.js';
import { withPlugins } from '../plugins.js';
import { loadScenarioFile, withScenarioErrors } from '../scenario.js';
import { ESTIMATE_HELP, usageLine } from '../usage.js';
import { runReplications } from './pool.js';

const OPTIONS = {
  ...HELP_OPTION,
  event: { type: 'string' },
  method: { type: 'string' },
  'relative-error': { type: 'string' },
  runs: { type: 'string' },
  effort: { type: 'string' },
  importance: { type: 'string' },
  levels: { type: 'string' },
  'max-events': { type: 'string' },
  workers: { type: 'string' },
  seed: { type: 'string' },
  shard: { type: 'string' },
  out: { type: 'string' },
  merge: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** The file a shard writes and `--merge` reads. */
interface EstimatePart {
  readonly format: 'fabricsim-estimate';
  readonly key: EstimateKey;
  readonly replications: readonly ReplicationResult[];
}

const usage = (): string => usageLine(ESTIMATE_HELP);

function positiveInt(name: string, text: string, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= max)) {
    throw new UsageError(
      `--${name}: expected a whole number from 1 to ${groupDigits(max)}, found ${JSON.stringify(text)}`,
      usage(),
    );
  }
  return n;
}

function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!(count >= 1 && index >= 0 && index < count)) {
    throw new UsageError(`--shard: expected i/N with 0 ≤ i < N, e.g. 0/4, found ${JSON.stringify(text)}`, usage());
  }
  return { index, count };
}

function parseLevels(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const out = parts.map(Number);
  if (parts.some((p) => p === '') || out.some((n) => !Number.isFinite(n))) {
    throw new UsageError(
      `--levels: expected increasing numbers separated by commas, found ${JSON.stringify(text)}`,
      usage(),
    );
  }
  return out;
}

export async function estimateCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, OPTIONS, ESTIMATE_HELP);
  if (v.help) {
    io.out(ESTIMATE_HELP);
    return EXIT_OK;
  }
  if (v.merge) return mergeParts(positionals, v.json === true, io);

  const [file] = expectPositionals(positionals, ['FILE'], ESTIMATE_HELP) as [string];
  if (typeof v.event !== 'string')
    throw new UsageError('missing --event EXPR, e.g. --event "replicasDown(db0) >= 3"', usage());
  const method = v.method ?? 'splitting';
  if (method !== 'crude' && method !== 'splitting') {
    throw new UsageError(`--method: expected crude or splitting, found ${JSON.stringify(method)}`, usage());
  }
  if (typeof v.runs === 'string' && typeof v['relative-error'] === 'string') {
    throw new UsageError('give --runs or --relative-error, not both', usage());
  }
  const runs = typeof v.runs === 'string' ? positiveInt('runs', v.runs, 1_000_000) : null;
  let relativeError = 0.1;
  if (typeof v['relative-error'] === 'string') {
    relativeError = Number(v['relative-error']);
    if (!(relativeError > 0 && relativeError < 10)) {
      throw new UsageError(
        `--relative-error: expected a number such as 0.1, found ${JSON.stringify(v['relative-error'])}`,
        usage(),
      );
    }
  }
  const effort = typeof v.effort === 'string' ? positiveInt('effort', v.effort, 10_000_000) : undefined;
  const maxEvents = typeof v['max-events'] === 'string' ? positiveInt('max-events', v['max-events'], 1e15) : 1e9;
  const workers = typeof v.workers === 'string' ? positiveInt('workers', v.workers, 256) : 1;
  const seed = typeof v.seed === 'string' ? parseSeed(v.seed, ESTIMATE_HELP) : undefined;
  const shard = typeof v.shard === 'string' ? parseShard(v.shard) : null;
  if (shard !== null && runs === null) {
    throw new UsageError('--shard needs --runs (a sequential --relative-error run cannot be split)', usage());
  }
  if (typeof v.importance === 'string' && typeof v.levels !== 'string') {
    throw new UsageError('--importance needs --levels, e.g. --levels 1,2', usage());
  }
  if (typeof v.levels === 'string' && typeof v.importance !== 'string') {
    throw new UsageError('--levels needs --importance', usage());
  }
  if (method === 'crude' && typeof v.importance === 'string') {
    throw new UsageError('--importance is for --method splitting', usage());
  }
  const out = typeof v.out === 'string' ? v.out : undefined;
  if (out !== undefined) checkWritable(out);

  const fileName = normalize(file);
  const scenario = await withPlugins(loadScenarioFile(fileName));
  const options = {
    event: v.event,
    method,
    ...(seed === undefined ? {} : { seed }),
    ...(typeof v.importance === 'string' ? { importance: v.importance, levels: parseLevels(v.levels as string) } : {}),
    ...(effort === undefined ? {} : { effort }),
  } as const;
  const { key } = withScenarioErrors(fileName, () => {
    try {
      return prepareEstimate(scenario.resolved, options, scenario.plugins);
    } catch (e) {
      if (e instanceof ExprError) {
        const flag =
          typeof v.importance === 'string' && !e.message.includes('event') ? '--event or --importance' : '--event';
        throw new CliError(`${flag}: ${e.message}`);
      }
      throw e;
    }
  });

  // Refuse up front what no machine could run (each trial run builds a simulation).
  const trialRuns = (runs ?? 1) * key.effort * (key.thresholds.length + 1);
  if (trialRuns > 1e10) {
    throw new UsageError(
      `${groupDigits(trialRuns)} trial runs (runs × effort × stages): more than any machine could run; lower --runs or --effort`,
      usage(),
    );
  }

  let reps: ReplicationResult[];
  let stoppedBy: 'runs' | 'relative-error' | 'budget' = 'runs';
  if (runs !== null) {
    const indices: number[] = [];
    for (let r = 0; r < runs; r++) if (shard === null || r % shard.count === shard.index) indices.push(r);
    reps = await runReplications({ fileName, options, workers, indices });
  } else {
    const min = method === 'crude' ? 1 : 10;
    const got = await runReplications({
      fileName,
      options,
      workers,
      indices: null,
      // Stop at the first prefix 0 … r that is good enough: the same answer whatever the number of workers.
      enough: (prefix) => {
        const report = reportOf(key, prefix);
        if (prefix.length >= min && report.relativeError <= relativeError) return 'relative-error';
        if (report.events >= maxEvents) return 'budget';
        return null;
      },
    });
    reps = got;
    stoppedBy =
      reportOf(key, reps).events >= maxEvents && reportOf(key, reps).relativeError > relativeError
        ? 'budget'
        : 'relative-error';
  }

  const report = reportOf(key, reps);
  const part: EstimatePart = { format: 'fabricsim-estimate', key, replications: reps };
  if (out !== undefined) writeFileAtomic(out, `${JSON.stringify(part)}\n`);
  if (v.json) {
    io.out(`${JSON.stringify({ ...jsonOf(report), stoppedBy, ...(shard ? { shard } : {}) }, null, 2)}\n`);
  } else {
    io.out(formatEstimate(report, stoppedBy, relativeError));
    if (shard !== null) {
      io.out(
        `shard ${shard.index}/${shard.count}${out ? `: written to ${out}` : ''}; combine the shards with \`fabricsim estimate --merge\`\n`,
      );
    }
  }
  return EXIT_OK;
}

function readPart(path: string): EstimatePart {
  const text = readUserFile(path);
  let p: EstimatePart;
  try {
    p = JSON.parse(text) as EstimatePart;
  } catch {
    throw new CliError(`${path}: not JSON (expected a file written by \`fabricsim estimate --out\`)`);
  }
  if (p?.format !== 'fabricsim-estimate' || !Array.isArray(p.replications)) {
    throw new CliError(`${path}: not an estimate file (expected one written by \`fabricsim estimate --out\`)`);
  }
  return p;
}

function mergeParts(files: readonly string[], json: boolean, io: CliIO): number {
  if (files.length === 0) throw new UsageError('--merge needs the files written by the shards', usage());
  const parts = files.map((f) => ({ f, p: readPart(f) }));
  const first = parts[0]!;
  const keyText = JSON.stringify(first.p.key);
  const seen = new Map<number, string>();
  const reps: ReplicationResult[] = [];
  for (const { f, p } of parts) {
    if (JSON.stringify(p.key) !== keyText) {
      throw new CliError(`${f}: a different estimate from ${first.f} (scenario, seed, event, method or effort differ)`);
    }
    for (const r of p.replications) {
      const text = JSON.stringify(r);
      const before = seen.get(r.replication);
      if (before !== undefined) {
        if (before !== text) throw new CliError(`${f}: replication ${r.replication} differs from another file's`);
        continue;
      }
      seen.set(r.replication, text);
      reps.push(r);
    }
  }
  const report = reportOf(first.p.key, reps);
  if (json) io.out(`${JSON.stringify({ ...jsonOf(report), stoppedBy: 'runs' }, null, 2)}\n`);
  else io.out(formatEstimate(report, 'runs', 0));
  return EXIT_OK;
}

/** JSON has no Infinity: unbounded values are null. */
function jsonOf(report: EstimateReport): Record<string, unknown> {
  return JSON.parse(JSON.stringify(report, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x)));
}

function sci(x: number): string {
  if (!Number.isFinite(x)) return '∞';
  if (x === 0) return '0';
  return x >= 0.001 && x < 1000 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

const YEAR_US = 365.25 * 24 * 3600e6;

function span(us: number): string {
  if (!Number.isFinite(us)) return '∞';
  if (us >= YEAR_US) return `${sci(us / YEAR_US)} years`;
  return duration(Math.round(us));
}

function formatEstimate(r: EstimateReport, stoppedBy: string, target: number): string {
  const lines: string[] = [];
  lines.push(`event       ${r.event}   (scenario ${r.scenario}, within ${duration(r.horizonUs)}, seed ${r.seed})`);
  if (r.method === 'splitting') {
    const levels = r.thresholds.length > 0 ? `levels ${r.thresholds.join(', ')}` : 'no levels (one stage)';
    lines.push(
      `method      importance splitting, fixed effort ${groupDigits(r.effort)} a stage; importance ${r.importance}; ${levels}`,
    );
  } else {
    lines.push(`method      crude Monte Carlo, ${groupDigits(r.effort)} runs a replication`);
  }
  lines.push(
    `estimate    ${sci(r.estimate)}   95% interval [${sci(r.interval.low)}, ${sci(r.interval.high)}]   relative error ${sci(r.relativeError)}`,
  );
  if (r.ruleOfThree !== null) {
    lines.push(`no hit      in ${groupDigits(r.runs)} runs: p ≤ ${sci(r.ruleOfThree)} at 95% (rule of three)`);
  }
  lines.push(
    `hits        ${r.hits.map((h) => groupDigits(h)).join(' → ')} (per stage, of ${groupDigits(r.effort * r.replications)})`,
  );
  lines.push(`MTTF        ${span(r.mttfUs)}   [${span(r.mttfIntervalUs.low)}, ${span(r.mttfIntervalUs.high)}]`);
  if (r.meanDurationUs !== null) {
    lines.push(
      `downtime    ${span(r.downtimePerYearUs)} a year, unavailability ${sci(r.unavailability)} (${sci(r.nines)} nines); an occurrence lasts ${span(r.meanDurationUs)} on average${r.censored > 0 ? ` (${r.censored} still going at the cap)` : ''}`,
    );
  }
  lines.push(
    `spent       ${groupDigits(r.replications)} replications, ${groupDigits(r.runs)} runs, ${groupDigits(r.events)} simulated events (re-executed prefixes included)`,
  );
  if (stoppedBy === 'budget')
    lines.push(`stopped     at the event budget (--max-events) before relative error ${target}`);
  if (r.belowLevel > 0) {
    lines.push(
      `warning     the event held below a level in ${r.belowLevel} trials: the levels are not nested, the estimate is biased low`,
    );
  }
  return `${lines.join('\n')}\n`;
}
