/**
 * The sweep summary as text: one block per metric (a row per combination), expectation pass rates, and paired
 * differences. Plain text, fixed column order; deterministic for a given summary.
 */
import type { MetricCell, MetricSummary, SweepSummary } from '../../sweep/index.js';
import { formatCensoredShare, formatDifference, formatValue } from './format.js';

function percentLabel(p: number): string {
  return `p${String(Math.round(p * 1000) / 10)}`;
}

/** Right-aligns columns (the first left-aligned, or all with `left`), two spaces apart, indented by `indent`. */
function columns(rows: readonly (readonly string[])[], indent = '  ', left = false): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) widths[i] = Math.max(widths[i] ?? 0, [...row[i]!].length);
  }
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => {
          const pad = ' '.repeat(widths[i]! - [...cell].length);
          return i === 0 || left ? cell + pad : pad + cell;
        })
        .join('  ')
        .trimEnd(),
  );
}

function withCi(value: string, lo: string, hi: string): string {
  return `${value} [${lo}, ${hi}]`;
}

function metricRows(m: MetricSummary): string[][] {
  const head = ['combo', 'n'];
  if (m.censoredMeans !== null) head.push(m.censoredMeans === 'not recovered' ? 'unrecovered' : 'undetected');
  head.push('mean [95% CI]');
  for (const p of m.percentiles) head.push(`${percentLabel(p)} [95% CI]`);
  head.push(m.better === 'higher' ? 'min' : 'max');
  const rows = [head];
  for (const c of m.byCombination) rows.push(metricRow(m, c));
  return rows;
}

function metricRow(m: MetricSummary, c: MetricCell): string[] {
  const f = (x: number | null): string => formatValue(x, m.unit);
  const row = [c.combo, String(c.n)];
  if (m.censoredMeans !== null) row.push(c.n === 0 ? '–' : formatCensoredShare(c.censored, c.n));
  row.push(withCi(f(c.mean.value), f(c.mean.ci.lo), f(c.mean.ci.hi)));
  for (const p of c.percentiles) row.push(withCi(f(p.value), f(p.ci.lo), f(p.ci.hi)));
  row.push(f(m.better === 'higher' ? c.min : c.max));
  return row;
}

/** The whole summary as text (ends with a newline). */
export function renderSummary(s: SweepSummary): string {
  const out: string[] = [];
  const params = s.parameters.length === 0 ? 'no parameters' : s.parameters.map((p) => p.path).join(', ');
  out.push(`sweep of ${s.scenario} (scenario ${s.scenarioHash}, fabricsim ${s.fabricsim}, sweep ${s.fingerprint})`);
  out.push(
    `${s.combinations.length} combination${s.combinations.length === 1 ? '' : 's'} of ${params} × ${s.seeds.count} seeds (${s.seeds.start}…${s.seeds.start + s.seeds.count - 1}) = ${s.runs} runs, ${s.failedRuns.length} failed`,
  );
  out.push(
    ...columns(
      s.combinations.map((c) => [c.id, c.label]),
      '  ',
      true,
    ),
  );
  out.push('');
  out.push('percentiles: nearest rank, 95% CI from order statistics (exact binomial); mean: 95% Student-t CI over');
  out.push('finite values only (a lower bound when some are censored: see the unrecovered column beside it).');
  out.push('∞ = not detected / not recovered by the end of the run (censored there, never dropped); – = not');
  out.push('bounded with this many samples. Availability shows the low tail: p10 = 90% of runs had at least this.');
  for (const m of s.metrics) {
    out.push('');
    out.push(`${m.label} (${m.censoring})`);
    out.push(...columns(metricRows(m)));
  }
  for (const r of s.roleFigures) {
    out.push('');
    out.push(`availability of ${r.role} as nines and downtime per year [95% CI from the mean's t-interval],`);
    out.push(
      '  merged down time per run (no instance Ready, overlaps once) and instances ending alerted for a package',
    );
    out.push(`  problem (${r.censoring})`);
    const rows = [
      ['combo', 'runs', 'nines', 'downtime/year', 'runs with downtime', 'down/run', 'package problems (runs)'],
    ];
    for (const c of r.byCombination) {
      const n = (x: number | null): string => (x === null ? '–' : x === Number.POSITIVE_INFINITY ? '∞' : x.toFixed(2));
      const d = (x: number | null): string => formatValue(x, 'us');
      rows.push([
        c.combo,
        String(c.runs),
        withCi(n(c.nines), n(c.ninesCi.lo), n(c.ninesCi.hi)),
        withCi(d(c.downtimePerYearUs), d(c.downtimePerYearCi.lo), d(c.downtimePerYearCi.hi)),
        c.ruleOfThree === null
          ? String(c.runsWithDowntime)
          : `0 (share < ${(c.ruleOfThree * 100).toFixed(1)}%, rule of three)`,
        d(c.meanDownUs),
        `${c.packageProblems} (${c.runsWithPackageProblems})`,
      ]);
    }
    out.push(...columns(rows));
  }
  for (const f of s.faultFigures) {
    out.push('');
    out.push(`${f.kind}: arrivals (missed = found the target already down), MTTF between arrivals anywhere in a run,`);
    out.push('  MTTR with censoring = time on test / recoveries [95% exact Poisson CI]');
    out.push(`  (${f.censoring})`);
    const rows = [['combo', 'runs', 'arrivals', 'missed', 'faults', 'unrecovered', 'MTTF', 'MTTR']];
    const d = (x: number | null): string => formatValue(x, 'us');
    const rate = (r: (typeof f.byCombination)[number]['mttf']): string =>
      r.meanUs === null
        ? r.ruleOfThreeUs === null
          ? '–'
          : `> ${d(r.ruleOfThreeUs)} (none seen; rule of three)`
        : withCi(d(r.meanUs), d(r.ci.lo), d(r.ci.hi));
    for (const c of f.byCombination) {
      rows.push([
        c.combo,
        String(c.runs),
        String(c.arrivals),
        String(c.missed),
        String(c.faults),
        String(c.censored),
        rate(c.mttf),
        rate(c.mttr),
      ]);
    }
    out.push(...columns(rows));
  }
  if (s.expectations.length > 0) {
    out.push('');
    out.push('expectations: pass rate [95% Wilson CI] (passed/runs)');
    const rows = [['expectation', ...s.combinations.map((c) => c.id)]];
    for (const e of s.expectations) {
      rows.push([
        e.name,
        ...e.byCombination.map((c) =>
          c.rate === null
            ? '–'
            : `${(c.rate * 100).toFixed(1)}% [${((c.ci.lo ?? 0) * 100).toFixed(1)}, ${((c.ci.hi ?? 1) * 100).toFixed(1)}] (${c.passed}/${c.n})`,
        ),
      ]);
    }
    out.push(...columns(rows));
  }
  if (s.differences.length > 0) {
    out.push('');
    out.push('paired differences b − a (same seed and fault, role or run): mean over pairs where both are finite');
    out.push('[95% paired t CI]; b<a / = / b>a counts; pairs with a censored member: a only, b only, both');
    for (const d of s.differences) {
      out.push(`  ${d.b} − ${d.a}`);
      const rows = [['metric', 'n', 'mean b − a [95% CI]', 'b<a', '=', 'b>a', 'censored a/b/both']];
      for (const m of d.metrics) {
        const f = (x: number | null): string => formatDifference(x, m.unit);
        rows.push([
          m.label + (m.unmatched > 0 ? ` (${m.unmatched} unmatched)` : ''),
          String(m.n),
          withCi(f(m.mean), f(m.ci.lo), f(m.ci.hi)),
          String(m.bLower),
          String(m.equal),
          String(m.bHigher),
          `${m.onlyACensored}/${m.onlyBCensored}/${m.bothCensored}`,
        ]);
      }
      out.push(...columns(rows, '    '));
    }
  }
  if (s.failedRuns.length > 0) {
    out.push('');
    out.push(`failed runs (${s.failedRuns.length}; excluded from the metrics):`);
    for (const f of s.failedRuns.slice(0, 20)) out.push(`  run ${f.run} (${f.combo}, seed ${f.seed}): ${f.error}`);
    if (s.failedRuns.length > 20) out.push(`  … and ${s.failedRuns.length - 20} more (see --json)`);
  }
  return out.join('\n') + '\n';
}
