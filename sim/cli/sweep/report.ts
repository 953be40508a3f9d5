/**
 * `--report report.html`: one self-contained HTML file — d3 inlined from node_modules/d3/dist/d3.min.js, the data
 * embedded as JSON — that opens offline. Charts: recovery- and detection-time CDFs per combination, availability
 * distributions, expectation pass rates, paired differences; the reliability figures (per role: nines, downtime per
 * year, rule of three, ready fraction, merged down time, package problems; per fault kind: arrivals, missed
 * arrivals, MTTF and MTTR with intervals); and the summary tables.
 *
 * Names are text, never HTML: the data sits in a `<script type="application/json">` with every `<` escaped (so no
 * name can close the element), and the page script sets names with textContent only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { coverageSections, type MergedCoverage } from '../../explore/index.js';
import { type Gathered, type SweepSummary, toJson } from '../../sweep/index.js';
import { REPORT_APP } from './report-app.js';

/** Fault kinds listed in the coverage section: those the runs injected (the rest of the list would be noise). */
function reportFaultKinds(c: MergedCoverage): string[] {
  return Object.keys(c.keys)
    .filter((k) => k.startsWith('fault:'))
    .map((k) => k.slice('fault:'.length));
}

/** At most this many points per CDF curve (an evenly spaced subset of the order statistics beyond that). */
export const MAX_CURVE_POINTS = 2000;

export interface ReportCurve {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly censoredMeans: string | null;
  readonly byCombo: readonly {
    readonly combo: string;
    readonly n: number;
    readonly censored: number;
    /** [value, share of all n samples ≤ value], ascending; finite values only. */
    readonly points: readonly (readonly [number, number])[];
  }[];
}

/** ECDF curves (downsampled deterministically) for every metric and combination. */
export function reportCurves(g: Gathered): ReportCurve[] {
  return g.metrics.map(({ def, byCombo }) => ({
    key: def.key,
    label: def.label,
    unit: def.unit,
    censoredMeans: def.censoredMeans,
    byCombo: byCombo.map((samples, c) => {
      const values = Float64Array.from(samples, (s) => s.value).sort();
      const n = values.length;
      let finite = n;
      while (finite > 0 && values[finite - 1] === Number.POSITIVE_INFINITY) finite--;
      const points: [number, number][] = [];
      if (finite <= MAX_CURVE_POINTS) {
        for (let i = 0; i < finite; i++) points.push([values[i]!, (i + 1) / n]);
      } else {
        for (let k = 0; k < MAX_CURVE_POINTS; k++) {
          const i = Math.round((k * (finite - 1)) / (MAX_CURVE_POINTS - 1));
          points.push([values[i]!, (i + 1) / n]);
        }
      }
      return { combo: g.combos[c]!.id, n, censored: n - finite, points };
    }),
  }));
}

function d3Source(): string {
  const require = createRequire(import.meta.url);
  // d3's exports map offers no path to dist/d3.min.js, but resolves its ESM bundle in the same folder.
  const entry = require.resolve('d3');
  return readFileSync(join(dirname(entry), 'd3.min.js'), 'utf8');
}

/** JSON safe inside a script element: `<` (and the line separators that old parsers choke on) escaped. */
function embedJson(text: string): string {
  return text
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function embedScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
#subtitle { color: #666; margin-top: 0; }
ul.combos, ul.legend { list-style: none; padding: 0; } ul.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; font-size: 0.85rem; }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.4rem; vertical-align: -0.1rem; border-radius: 2px; }
figure { margin: 1.2rem 0; } figcaption { font-weight: 600; margin-bottom: 0.3rem; }
svg { width: 100%; height: auto; font-size: 11px; } .axis-label { fill: #666; }
line.ci { stroke: #222; stroke-width: 1.5; } line.zero { stroke: #999; stroke-dasharray: 3 3; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.85rem; }
th, td { padding: 0.2rem 0.6rem; text-align: right; border-bottom: 1px solid #eee; } th:first-child, td:first-child { text-align: left; }
.empty { color: #888; font-style: italic; } p.note { color: #666; font-size: 0.8rem; margin: 0.2rem 0; }
`;

/** The report page as one string. */
export function renderReport(summary: SweepSummary, g: Gathered): string {
  // Sweeps run plain (no stepping): the ladder and the fault kinds are what their summaries show.
  const coverage =
    g.coverage === undefined
      ? []
      : coverageSections(g.coverage, reportFaultKinds(g.coverage)).filter(
          (s) => s.title === 'recovery ladder' || s.title === 'fault kinds',
        );
  const data = embedJson(toJson({ summary, curves: reportCurves(g), coverage }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fabricsim sweep</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1 id="title">fabricsim sweep</h1><p id="subtitle"></p></header>
<section><h2>Combinations</h2><div id="combos"></div></section>
<section><h2>Recovery and detection times (CDF per combination)</h2><div id="cdfs"></div></section>
<section><h2>Availability (distribution over runs)</h2><div id="availability"></div></section>
<section><h2>Reliability figures</h2><div id="figures"></div></section>
<section><h2>Expectation pass rates</h2><div id="passrates"></div></section>
<section><h2>Paired differences</h2><div id="differences"></div></section>
<section><h2>Summary tables</h2><div id="tables"></div></section>
<section><h2>Coverage</h2><div id="coverage"></div></section>
<section><h2>Methods</h2><ul id="methods"></ul></section>
<noscript>This report draws its charts with JavaScript; the data is in the page source.</noscript>
<script type="application/json" id="sweep-data">${data}</script>
<script>${embedScript(d3Source())}</script>
<script>${embedScript(REPORT_APP)}</script>
</body>
</html>
`;
}

export function writeReport(path: string, summary: SweepSummary, g: Gathered): void {
  writeFileSync(path, renderReport(summary, g));
}
