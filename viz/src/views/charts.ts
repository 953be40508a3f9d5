/**
 * Charts over the whole run with the playhead: Ready instances per role, availability (share of roles with a Ready
 * instance, share of instances Ready), and cumulative security outcomes. Step series are reduced to at most two
 * points per pixel column (min and max) before drawing, so a run of a million events draws as fast as a short one.
 */
import * as d3 from 'd3';
import type { App } from '../app.js';
import { SERIES_COLOURS, VERDICT_COLOURS } from '../colours.js';
import { clear, h } from '../dom.js';
import { type StepSeries, valueAt } from '../model/analysis.js';
import { formatDuration, timeTicks } from '../model/time.js';

const CHART_H = 150;
/** Series named in a chart's legend at most (a region has hundreds of roles). */
const MAX_LEGEND = 10;
/** Roles drawn at most in the Ready chart. */
const MAX_ROLE_LINES = 8;

function minOf(xs: Float64Array): number {
  let m = Number.POSITIVE_INFINITY;
  for (const v of xs) if (v < m) m = v;
  return m;
}
const M = { top: 10, right: 14, bottom: 22, left: 44 };

interface ChartSpec {
  readonly title: string;
  readonly series: readonly StepSeries[];
  readonly colours: readonly string[];
  readonly percent: boolean;
}

export class ChartsView {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private width = 600;
  private charts: {
    spec: ChartSpec;
    svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
    readout: HTMLElement;
  }[] = [];
  visible = false;

  constructor(private readonly app: App) {
    this.body = h('div', { class: 'charts-body' });
    this.el = h('section', { class: 'view charts', attrs: { 'data-testid': 'charts' } }, this.body);
    new ResizeObserver(() => {
      const w = Math.floor(this.body.clientWidth);
      if (w > 0 && w !== this.width) {
        this.width = w;
        if (this.visible) this.build();
      }
    }).observe(this.body);
    app.onFrame((c) => {
      if (!this.visible) return;
      if (c.has('run') || c.has('layout')) this.build();
      else if (c.has('time')) this.drawPlayheads();
    });
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) this.build();
  }

  private build(): void {
    const run = this.app.run;
    clear(this.body);
    this.charts = [];
    if (!run) return;
    const a = run.analysis;
    // With many roles, the chart shows those that dipped lowest (the interesting ones), not a tangle of hundreds.
    const roles =
      a.readyByRole.length <= MAX_ROLE_LINES
        ? a.readyByRole
        : [...a.readyByRole].sort((x, y) => minOf(x.values) - minOf(y.values)).slice(0, MAX_ROLE_LINES);
    const specs: ChartSpec[] = [
      {
        title:
          roles === a.readyByRole
            ? 'Ready instances per role'
            : `Ready instances: the ${roles.length} of ${a.readyByRole.length} roles that dipped lowest`,
        series: roles,
        colours: SERIES_COLOURS,
        percent: false,
      },
      { title: 'Availability', series: a.availability, colours: ['#0072b2', '#009e73'], percent: true },
      {
        title: 'Security: attempts by outcome (cumulative)',
        series: a.security,
        colours: [VERDICT_COLOURS.ok, VERDICT_COLOURS.denied, VERDICT_COLOURS.violation],
        percent: false,
      },
    ];
    for (const spec of specs) {
      const readout = h('div', { class: 'chart-readout' });
      const legend = h(
        'span',
        { class: 'legend chart-legend' },
        ...spec.series.slice(0, MAX_LEGEND).map((s, i) =>
          h(
            'span',
            { class: 'legend-item' },
            h('span', {
              class: 'swatch line-swatch',
              attrs: { style: `background:${spec.colours[i % spec.colours.length]}` },
            }),
            s.name,
          ),
        ),
        spec.series.length > MAX_LEGEND
          ? h('span', { class: 'muted' }, `+${spec.series.length - MAX_LEGEND} more`)
          : null,
      );
      const box = h(
        'figure',
        { class: 'chart', data: { series: spec.series.length } },
        h('figcaption', null, spec.title, ' ', legend),
        readout,
      );
      this.body.append(box);
      const svg = d3.select(box).append('svg').attr('width', this.width).attr('height', CHART_H);
      this.drawChart(spec, svg);
      this.charts.push({ spec, svg, readout });
    }
    this.el.dataset.count = String(this.charts.reduce((n, c) => n + c.spec.series.length, 0));
    this.drawPlayheads();
  }

  private scales(spec: ChartSpec): { x: d3.ScaleLinear<number, number>; y: d3.ScaleLinear<number, number> } {
    const dur = this.app.run?.timeline.durationUs || 1;
    const x = d3
      .scaleLinear()
      .domain([0, dur])
      .range([M.left, this.width - M.right]);
    let max = 1;
    for (const s of spec.series) for (const v of s.values) if (v > max) max = v;
    const y = d3
      .scaleLinear()
      .domain([0, spec.percent ? 1 : max])
      .nice()
      .range([CHART_H - M.bottom, M.top]);
    return { x, y };
  }

  private drawChart(spec: ChartSpec, svg: d3.Selection<SVGSVGElement, unknown, null, undefined>): void {
    const { x, y } = this.scales(spec);
    const dur = x.domain()[1]!;
    svg
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${CHART_H - M.bottom})`)
      .call(
        d3
          .axisBottom<number>(x)
          .tickValues(timeTicks(0, dur, Math.max(2, Math.floor(this.width / 110))))
          .tickFormat((d) => formatDuration(Number(d))),
      );
    svg
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(${M.left},0)`)
      .call(
        d3
          .axisLeft(y)
          .ticks(4)
          .tickFormat((d) => (spec.percent ? `${Math.round(Number(d) * 100)}%` : String(d))),
      );
    const g = svg.append('g').attr('class', 'series');
    spec.series.forEach((s, i) => {
      g.append('path')
        .attr('class', 'line')
        .attr('stroke', spec.colours[i % spec.colours.length]!)
        .attr('d', stepPath(s, x, y, dur));
    });
    svg.append('g').attr('class', 'playhead-g');
  }

  private drawPlayheads(): void {
    const run = this.app.run;
    if (!run) return;
    const now = this.app.timeUs;
    for (const { spec, svg, readout } of this.charts) {
      const { x } = this.scales(spec);
      svg
        .select('g.playhead-g')
        .selectAll('line')
        .data([now])
        .join('line')
        .attr('class', 'playhead')
        .attr('x1', (t) => x(t))
        .attr('x2', (t) => x(t))
        .attr('y1', M.top)
        .attr('y2', CHART_H - M.bottom);
      readout.textContent = spec.series
        .slice(0, MAX_LEGEND)
        .map((s) => {
          const v = valueAt(s, now);
          return `${s.name}: ${spec.percent ? `${(v * 100).toFixed(1)}%` : v}`;
        })
        .join(' · ');
    }
  }
}

/** A step line reduced to min/max per pixel column. */
function stepPath(
  s: StepSeries,
  x: d3.ScaleLinear<number, number>,
  y: d3.ScaleLinear<number, number>,
  endUs: number,
): string {
  const path = d3.path();
  const n = s.times.length;
  if (n === 0) return '';
  let px = Math.round(x(s.times[0]!));
  let v = s.values[0]!;
  path.moveTo(px, y(v));
  let colMin = v;
  let colMax = v;
  let col = px;
  for (let i = 1; i < n; i++) {
    const tx = Math.round(x(s.times[i]!));
    const nv = s.values[i]!;
    if (tx === col) {
      if (nv < colMin) colMin = nv;
      if (nv > colMax) colMax = nv;
      v = nv;
      continue;
    }
    // Close the previous column: its extent, then its last value carried to the new column.
    if (colMin !== colMax) {
      path.lineTo(col, y(colMin));
      path.lineTo(col, y(colMax));
    }
    path.lineTo(col, y(v));
    path.lineTo(tx, y(v));
    path.lineTo(tx, y(nv));
    col = tx;
    colMin = colMax = v = nv;
    px = tx;
  }
  if (colMin !== colMax) {
    path.lineTo(col, y(colMin));
    path.lineTo(col, y(colMax));
  }
  path.lineTo(col, y(v));
  path.lineTo(x(endUs), y(v));
  return path.toString();
}
