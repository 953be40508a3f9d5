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
import { linearOf } from './linear.js';

const M = { left: 12, right: 12 };
const OVERVIEW_H = 26;
const FOCUS_TOP = OVERVIEW_H + 8;
const FOCUS_H = 74;
const AXIS_H = 18;
const HEIGHT = FOCUS_TOP + FOCUS_H + AXIS_H;
/** Beyond this many marks in view, marks are drawn as one tick per pixel column. */
const MAX_MARKS = 1500;
/** A small number per mark kind (below 8), for thinning. */
const KIND_INDEX: Record<Mark['kind'], number> = { fault: 0, 'fault-end': 1, detect: 2, recover: 3, expectation: 4 };
/** Pending deadlines drawn at most, and how often they are refreshed while playing (ms). */
const MAX_PENDING_DRAWN = 120;
const PENDING_REFRESH_MS = 200;
/** Beyond this many fault windows in view, their union is drawn as one path. */
const MAX_WINDOWS = 300;

export class TimelineView {
  readonly el: HTMLElement;
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private width = 800;
  private domain: [number, number] = [0, 1];
  private readonly brush: d3.BrushBehavior<unknown>;
  private readonly gBrush: d3.Selection<SVGGElement, unknown, null, undefined>;
  private readonly overlay: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private settingBrush = false;
  private pendingDrawnAt = 0;

  constructor(private readonly app: App) {
    this.el = document.createElement('div');
    this.el.className = 'timeline';
    this.el.dataset.testid = 'timeline';
    this.svg = d3.select(this.el).append('svg').attr('height', HEIGHT).attr('role', 'img');
    this.svg.append('title').text('Timeline: click to seek, brush the top strip to zoom, double-click it to reset');
    this.svg.append('g').attr('class', 'overview');
    const focus = this.svg.append('g').attr('class', 'focus').attr('transform', `translate(0,${FOCUS_TOP})`);
    focus.append('rect').attr('class', 'focus-bg').attr('height', FOCUS_H);
    for (const layer of ['windows', 'marks']) focus.append('g').attr('class', layer);
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
    // What moves every frame (the playhead, what is pending ahead of it) lives in an overlay of its own, so that a
    // frame repaints a few shapes instead of the whole strip of marks.
    this.overlay = d3.select(this.el).append('svg').attr('class', 'timeline-overlay').attr('height', HEIGHT);
    this.overlay.append('g').attr('class', 'overview-playhead');
    const focusOverlay = this.overlay.append('g').attr('transform', `translate(0,${FOCUS_TOP})`);
    focusOverlay.append('g').attr('class', 'pending');
    focusOverlay.append('g').attr('class', 'playhead');
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
    if (structural) {
      this.svg.attr('width', this.width);
      this.overlay.attr('width', this.width);
      this.brush.extent([
        [M.left, 1],
        [this.width - M.right, OVERVIEW_H - 1],
      ]);
      this.gBrush.call(this.brush);
      this.drawOverview();
      this.drawAxis();
      this.drawWindowsAndMarks();
    }
    // Pausing refreshes what is pending at once (while playing it is refreshed a few times a second).
    const paused = changes.has('status') && !this.app.playing;
    if (structural || paused || changes.has('time')) this.drawPlayhead(structural || paused);
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
    g.append('path')
      .attr('class', 'fault-window')
      .attr('d', coveragePath(run.analysis.faults, full, 0, OVERVIEW_H));
    // Event density: one bar per 3-px bucket, height ∝ log(count).
    const buckets = Math.max(1, Math.floor((this.width - M.left - M.right) / 3));
    const counts = new Uint32Array(buckets);
    const events = run.replay.events;
    const step = Math.max(1, Math.floor(events.length / 200_000));
    for (let i = 0; i < events.length; i += step) {
      const b = Math.min(buckets - 1, Math.floor((events.time(i) / dur) * buckets));
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
    // A few windows are drawn one by one, each with its tooltip; many are drawn as their union, one path.
    const few = windows.length <= MAX_WINDOWS;
    gw.selectAll('path.fault-union')
      .data(few ? [] : [windows])
      .join('path')
      .attr('class', 'fault-window fault-union')
      .attr('d', (ws) => coveragePath(ws, x, 2, FOCUS_H - 2))
      .selectAll('title')
      .data((ws) => [ws])
      .join('title')
      .text((ws) => `${ws.length.toLocaleString('en')} fault windows in view (zoom in to see each one)`);
    gw.selectAll('rect')
      .data(few ? windows : [])
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
    const thinned = marks.length > MAX_MARKS;
    if (thinned) {
      // Too many to draw one by one: keep the first mark of each kind in each pixel column.
      // One number per (column, kind): a string per mark would cost a million allocations on a large run.
      const seen = new Set<number>();
      const px = linearOf(x);
      marks = marks.filter((m) => {
        const key = Math.round(px(m.t)) * 8 + KIND_INDEX[m.kind];
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
    const paths = gm
      .selectAll<SVGPathElement, Mark>('path')
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
      });
    // Thousands of tooltips cost more DOM than they help; zoomed in, every mark has one. (Thinned, the titles are
    // only removed, without a data join per mark.)
    if (thinned) paths.selectAll('title').remove();
    else
      paths
        .selectAll('title')
        .data((m) => [m])
        .join('title')
        .text((m) => `${formatClock(m.t)} — ${m.label}`);
  }

  private drawPlayhead(structural = false): void {
    const run = this.app.run!;
    const x = this.x();
    const now = this.app.timeUs;
    const g = this.overlay.select<SVGGElement>('g.playhead');
    const inView = now >= this.domain[0] && now <= this.domain[1];
    g.selectAll('line')
      .data(inView ? [now] : [])
      .join('line')
      .attr('class', 'playhead')
      .attr('x1', (t) => x(t))
      .attr('x2', (t) => x(t))
      .attr('y1', 0)
      .attr('y2', FOCUS_H);
    // Ahead of the playhead: armed deadlines (hollow ticks) and upcoming faults (hollow diamonds). While playing
    // they are refreshed a few times a second (they move little from frame to frame); paused, at once.
    const wall = performance.now();
    if (this.app.playing && wall - this.pendingDrawnAt < PENDING_REFRESH_MS && !structural) {
      this.drawOverviewPlayhead(now);
      return;
    }
    this.pendingDrawnAt = wall;
    const pending = pendingDeadlines(
      run.replay.events,
      run.analysis,
      run.replay.position,
      now,
      this.domain[1],
      MAX_PENDING_DRAWN,
    );
    const gp = this.overlay.select<SVGGElement>('g.pending');
    gp.attr('data-count', pending.length);
    // Shapes are set once, on enter; a frame only moves them (re-setting an unchanged attribute still costs a
    // style and layout invalidation per element).
    gp.selectAll<SVGPathElement, (typeof pending)[number]>('path.deadline')
      .data(pending, (d) => `${d.armedBy}:${d.t}`)
      .join((enter) => enter.append('path').attr('class', 'deadline').attr('d', 'M0,-5L4,3L-4,3Z'))
      .attr('transform', (d) => `translate(${Math.round(x(d.t))},${FOCUS_H - 8})`)
      .each(function (d) {
        setTitle(this, `due at ${formatClock(d.t)}: ${d.k} ${d.s} (armed by event #${d.armedBy})`);
      });
    const next = upcomingFaults(run.analysis, now).filter((f) => f.startUs <= this.domain[1]);
    gp.selectAll<SVGPathElement, (typeof next)[number]>('path.upcoming')
      .data(next, (f) => `${f.event}:${f.startUs}`)
      .join((enter) => enter.append('path').attr('class', 'upcoming').attr('d', 'M0,-5L5,0L0,5L-5,0Z'))
      .attr('transform', (f) => `translate(${Math.round(x(f.startUs))},14)`)
      .each(function (f) {
        setTitle(this, `scheduled at ${formatClock(f.startUs)}: ${f.kind} on ${f.target}`);
      });
    this.drawOverviewPlayhead(now);
  }

  private drawOverviewPlayhead(now: number): void {
    const run = this.app.run!;
    const dur = run.timeline.durationUs || 1;
    const full = d3
      .scaleLinear()
      .domain([0, dur])
      .range([M.left, this.width - M.right]);
    this.overlay
      .select<SVGGElement>('g.overview-playhead')
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

/**
 * The union of fault windows as one path of rectangles, at pixel resolution: each pixel column covered by at least
 * one window is filled. Cost: one pass over the windows plus one over the columns.
 */
function coveragePath(
  windows: readonly { startUs: number; endUs: number }[],
  x: d3.ScaleLinear<number, number>,
  y0: number,
  y1: number,
): string {
  const [r0, r1] = x.range() as [number, number];
  const cols = Math.max(1, Math.ceil(r1 - r0) + 1);
  const diff = new Int32Array(cols + 1);
  const px = linearOf(x);
  for (const w of windows) {
    const a = Math.max(0, Math.floor(px(w.startUs) - r0));
    const b = Math.min(cols, Math.max(a + 1, Math.ceil(px(w.endUs) - r0)));
    diff[a]!++;
    diff[b]!--;
  }
  const path = d3.path();
  let depth = 0;
  let start = -1;
  for (let c = 0; c <= cols; c++) {
    depth += c < cols ? diff[c]! : 0;
    const covered = c < cols && depth > 0;
    if (covered && start < 0) start = c;
    else if (!covered && start >= 0) {
      path.rect(r0 + start, y0, c - start, y1 - y0);
      start = -1;
    }
  }
  return path.toString();
}

/** Gives an SVG element a <title> (its tooltip), touching the DOM only when the text changes. */
function setTitle(el: SVGElement, text: string): void {
  let t = el.firstChild as SVGTitleElement | null;
  if (!t) {
    t = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    el.appendChild(t);
  }
  if (t.textContent !== text) t.textContent = text;
}
