/**
 * The timeline: an overview strip of the whole run (event density, fault windows) with a brush that zooms the focus
 * strip below it; the focus strip shows fault windows, faults, detections, recoveries, failed expectations, the
 * playhead, and what is scheduled ahead of it (armed deadlines, upcoming faults). Click to seek.
 */
import * as d3 from 'd3';
import type { App } from '../app.js';
import { MARK_COLOURS } from '../colours.js';
import type { Mark } from '../model/analysis.js';
import { pendingDeadlines, upcomingFaults } from '../model/pending.js';
import { formatClock, formatDuration, timeTicks } from '../model/time.js';

const M = { left: 12, right: 12 };
const OVERVIEW_H = 26;
const FOCUS_TOP = OVERVIEW_H + 8;
const FOCUS_H = 74;
const AXIS_H = 18;
const HEIGHT = FOCUS_TOP + FOCUS_H + AXIS_H;
/** Beyond this many marks in view, marks are drawn as one tick per pixel column. */
const MAX_MARKS = 1500;

export class TimelineView {
  readonly el: HTMLElement;
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private width = 800;
  private domain: [number, number] = [0, 1];
  private readonly brush: d3.BrushBehavior<unknown>;
  private readonly gBrush: d3.Selection<SVGGElement, unknown, null, undefined>;
  private settingBrush = false;

  constructor(private readonly app: App) {
    this.el = document.createElement('div');
    this.el.className = 'timeline';
    this.el.dataset.testid = 'timeline';
    this.svg = d3.select(this.el).append('svg').attr('height', HEIGHT).attr('role', 'img');
    this.svg.append('title').text('Timeline: click to seek, brush the top strip to zoom, double-click it to reset');
    this.svg.append('g').attr('class', 'overview');
    const focus = this.svg.append('g').attr('class', 'focus').attr('transform', `translate(0,${FOCUS_TOP})`);
    focus.append('rect').attr('class', 'focus-bg').attr('height', FOCUS_H);
    for (const layer of ['windows', 'marks', 'pending', 'playhead']) focus.append('g').attr('class', layer);
    this.svg
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${FOCUS_TOP + FOCUS_H})`);
    this.brush = d3
      .brushX()
      .extent([
        [M.left, 1],
        [M.left + 100, OVERVIEW_H - 1],
      ])
      .on('brush end', (ev: d3.D3BrushEvent<unknown>) => this.onBrush(ev));
    this.gBrush = this.svg.append('g').attr('class', 'brush');
    this.gBrush.call(this.brush);
    this.gBrush.on('dblclick', () => this.resetZoom());
    focus.on('click', (ev: MouseEvent) => {
      const run = this.app.run;
      if (!run) return;
      const [x] = d3.pointer(ev, focus.node());
      this.app.pause();
      this.app.seekTime(this.x().invert(x));
    });
    new ResizeObserver(() => {
      const w = Math.max(200, this.el.clientWidth);
      if (w !== this.width) {
        this.width = w;
        this.app.notify('layout');
      }
    }).observe(this.el);
    app.onFrame((c) => this.update(c));
  }

  private x(): d3.ScaleLinear<number, number> {
    return d3
      .scaleLinear()
      .domain(this.domain)
      .range([M.left, this.width - M.right])
      .clamp(true);
  }

  private resetZoom(): void {
    const run = this.app.run;
    if (!run) return;
    this.domain = [0, run.timeline.durationUs || 1];
    this.settingBrush = true;
    this.gBrush.call(this.brush.move, null);
    this.settingBrush = false;
    this.app.notify('layout');
  }

  private onBrush(ev: d3.D3BrushEvent<unknown>): void {
    if (this.settingBrush) return;
    const run = this.app.run;
    if (!run) return;
    const full = d3
      .scaleLinear()
      .domain([0, run.timeline.durationUs || 1])
      .range([M.left, this.width - M.right]);
    const sel = ev.selection as [number, number] | null;
    this.domain =
      sel && sel[1] - sel[0] > 2 ? [full.invert(sel[0]), full.invert(sel[1])] : [0, run.timeline.durationUs || 1];
    this.app.notify('layout');
  }

  /** Zooms the focus strip to [lo, hi] µs (used by tests and links). */
  zoom(lo: number, hi: number): void {
    const run = this.app.run;
    if (!run) return;
    this.domain = [lo, hi];
    const full = d3
      .scaleLinear()
      .domain([0, run.timeline.durationUs || 1])
      .range([M.left, this.width - M.right]);
    this.settingBrush = true;
    this.gBrush.call(this.brush.move, [full(lo), full(hi)]);
    this.settingBrush = false;
    this.app.notify('layout');
  }

  private update(changes: ReadonlySet<string>): void {
    const run = this.app.run;
    if (!run) return;
    const structural = changes.has('run') || changes.has('layout');
    if (changes.has('run')) this.domain = [0, run.timeline.durationUs || 1];
    this.svg.attr('width', this.width);
    if (structural) {
      this.brush.extent([
        [M.left, 1],
        [this.width - M.right, OVERVIEW_H - 1],
      ]);
      this.gBrush.call(this.brush);
      this.drawOverview();
      this.drawAxis();
      this.drawWindowsAndMarks();
    }
    if (structural || changes.has('time')) this.drawPlayhead();
  }

  private drawOverview(): void {
    const run = this.app.run!;
    const g = this.svg.select<SVGGElement>('g.overview');
    g.selectAll('*').remove();
    const dur = run.timeline.durationUs || 1;
    const full = d3
      .scaleLinear()
      .domain([0, dur])
      .range([M.left, this.width - M.right]);
    g.append('rect')
      .attr('x', M.left)
      .attr('y', 0)
      .attr('width', this.width - M.left - M.right)
      .attr('height', OVERVIEW_H)
      .attr('class', 'overview-bg');
    for (const f of run.analysis.faults) {
      g.append('rect')
        .attr('class', 'fault-window')
        .attr('x', full(f.startUs))
        .attr('width', Math.max(1, full(f.endUs) - full(f.startUs)))
        .attr('y', 0)
        .attr('height', OVERVIEW_H);
    }
    // Event density: one bar per 3-px bucket, height ∝ log(count).
    const buckets = Math.max(1, Math.floor((this.width - M.left - M.right) / 3));
    const counts = new Uint32Array(buckets);
    const events = run.replay.events;
    const step = Math.max(1, Math.floor(events.length / 200_000));
    for (let i = 0; i < events.length; i += step) {
      const b = Math.min(buckets - 1, Math.floor((events[i]!.t / dur) * buckets));
      counts[b]! += step;
    }
    let max = 1;
    for (const c of counts) if (c > max) max = c;
    const path = d3.path();
    const lmax = Math.log1p(max);
    for (let b = 0; b < buckets; b++) {
      if (!counts[b]) continue;
      const hgt = (Math.log1p(counts[b]!) / lmax) * (OVERVIEW_H - 4);
      path.rect(M.left + b * 3, OVERVIEW_H - 2 - hgt, 2, hgt);
    }
    g.append('path').attr('class', 'density').attr('d', path.toString());
    g.append('rect')
      .attr('class', 'zoom-window')
      .attr('x', full(this.domain[0]))
      .attr('width', Math.max(1, full(this.domain[1]) - full(this.domain[0])))
      .attr('y', 0)
      .attr('height', OVERVIEW_H);
  }

  private drawAxis(): void {
    const x = this.x();
    const ticks = timeTicks(this.domain[0], this.domain[1], Math.max(2, Math.floor(this.width / 110)));
    const axis = d3
      .axisBottom<number>(x)
      .tickValues(ticks)
      .tickFormat((d) => formatDuration(Number(d)))
      .tickSizeOuter(0);
    this.svg.select<SVGGElement>('g.axis').call(axis);
    const focus = this.svg.select('g.focus');
    focus
      .select('rect.focus-bg')
      .attr('x', M.left)
      .attr('width', this.width - M.left - M.right);
  }

  private drawWindowsAndMarks(): void {
    const run = this.app.run!;
    const x = this.x();
    const [lo, hi] = this.domain;
    const windows = run.analysis.faults.filter((f) => f.endUs >= lo && f.startUs <= hi);
    const gw = this.svg.select<SVGGElement>('g.focus g.windows');
    gw.selectAll('rect')
      .data(windows)
      .join('rect')
      .attr('class', 'fault-window')
      .attr('x', (f) => x(f.startUs))
      .attr('width', (f) => Math.max(2, x(f.endUs) - x(f.startUs)))
      .attr('y', 2)
      .attr('height', FOCUS_H - 4)
      .selectAll('title')
      .data((f) => [f])
      .join('title')
      .text(
        (f) =>
          `${f.kind} on ${f.target} — detected ${f.detectedUs === null ? 'never' : `after ${formatDuration(f.detectedUs - f.startUs)}`}, ` +
          `recovered ${f.recoveredUs === null ? 'not within the run' : `after ${formatDuration(f.recoveredUs - f.startUs)}`}`,
      );

    let marks: Mark[] = run.analysis.marks.filter((m) => m.t >= lo && m.t <= hi);
    const gm = this.svg.select<SVGGElement>('g.focus g.marks');
    if (marks.length > MAX_MARKS) {
      // Too many to draw one by one: keep the first mark of each kind in each pixel column.
      const seen = new Set<string>();
      marks = marks.filter((m) => {
        const key = `${m.kind}:${Math.round(x(m.t))}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    const rowY: Record<Mark['kind'], number> = {
      fault: 14,
      'fault-end': 14,
      detect: 32,
      recover: 50,
      expectation: 66,
    };
    gm.attr('data-count', marks.length);
    gm.selectAll<SVGPathElement, Mark>('path')
      .data(marks)
      .join('path')
      .attr('class', (m) => `mark mark-${m.kind}`)
      .attr('d', (m) => markPath(m.kind))
      .attr('fill', (m) => MARK_COLOURS[m.kind])
      .attr('transform', (m) => `translate(${x(m.t)},${rowY[m.kind]})`)
      .on('click', (ev: MouseEvent, m) => {
        ev.stopPropagation();
        if (m.event >= 0) this.app.goToEvent(m.event);
        else {
          this.app.pause();
          this.app.seekTime(m.t);
        }
      })
      .selectAll('title')
      .data((m) => [m])
      .join('title')
      .text((m) => `${formatClock(m.t)} — ${m.label}`);
  }

  private drawPlayhead(): void {
    const run = this.app.run!;
    const x = this.x();
    const now = this.app.timeUs;
    const g = this.svg.select<SVGGElement>('g.focus g.playhead');
    const inView = now >= this.domain[0] && now <= this.domain[1];
    g.selectAll('line')
      .data(inView ? [now] : [])
      .join('line')
      .attr('class', 'playhead')
      .attr('x1', (t) => x(t))
      .attr('x2', (t) => x(t))
      .attr('y1', 0)
      .attr('y2', FOCUS_H);
    // Ahead of the playhead: armed deadlines (hollow ticks) and upcoming faults (hollow diamonds).
    const pending = pendingDeadlines(run.replay.events, run.analysis, run.replay.position, now).filter(
      (d) => d.t <= this.domain[1],
    );
    const gp = this.svg.select<SVGGElement>('g.focus g.pending');
    gp.attr('data-count', pending.length);
    gp.selectAll<SVGPathElement, (typeof pending)[number]>('path.deadline')
      .data(pending)
      .join('path')
      .attr('class', 'deadline')
      .attr('d', 'M0,-5L4,3L-4,3Z')
      .attr('transform', (d) => `translate(${x(d.t)},${FOCUS_H - 8})`)
      .selectAll('title')
      .data((d) => [d])
      .join('title')
      .text((d) => `due at ${formatClock(d.t)}: ${d.k} ${d.s} (armed by event #${d.armedBy})`);
    const next = upcomingFaults(run.analysis, now).filter((f) => f.startUs <= this.domain[1]);
    gp.selectAll<SVGPathElement, (typeof next)[number]>('path.upcoming')
      .data(next)
      .join('path')
      .attr('class', 'upcoming')
      .attr('d', 'M0,-5L5,0L0,5L-5,0Z')
      .attr('transform', (f) => `translate(${x(f.startUs)},14)`)
      .selectAll('title')
      .data((f) => [f])
      .join('title')
      .text((f) => `scheduled at ${formatClock(f.startUs)}: ${f.kind} on ${f.target}`);
    // The overview's playhead.
    const dur = run.timeline.durationUs || 1;
    const full = d3
      .scaleLinear()
      .domain([0, dur])
      .range([M.left, this.width - M.right]);
    this.svg
      .select<SVGGElement>('g.overview')
      .selectAll('line.playhead')
      .data([now])
      .join('line')
      .attr('class', 'playhead')
      .attr('x1', (t) => full(t))
      .attr('x2', (t) => full(t))
      .attr('y1', 0)
      .attr('y2', OVERVIEW_H);
  }
}

function markPath(kind: Mark['kind']): string {
  switch (kind) {
    case 'fault':
      return 'M-5,-3L-3,-5L0,-2L3,-5L5,-3L2,0L5,3L3,5L0,2L-3,5L-5,3L-2,0Z';
    case 'fault-end':
      return 'M-1,-5H1V5H-1Z';
    case 'detect':
      return 'M0,-6L5,4L-5,4Z';
    case 'recover':
      return 'M5,0A5,5 0 1,1 -5,0A5,5 0 1,1 5,0';
    case 'expectation':
      return 'M-1.5,-7H1.5V7H-1.5Z';
  }
}
