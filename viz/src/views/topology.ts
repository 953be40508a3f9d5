/**
 * The topology view: clusters → racks (fault domains) → nodes → role instances, coloured and shaped by state, with
 * collapsible levels. Below ~2,000 instances it draws SVG (one element per entity, easy to inspect and test); above,
 * a canvas that draws thousands of cells per frame in a few milliseconds, grouped by colour.
 */
import type { ClusterState, InstanceState, NodeState, World } from '../../../sim/spec/index.js';
import type { App } from '../app.js';
import { INSTANCE_COLOURS, instanceColour, NODE_COLOURS, nodeBorder, nodeFill, udColour } from '../colours.js';
import { clear, h, svg } from '../dom.js';
import { pathTarget } from '../model/entities.js';
import { missedPolls, rhythmIntervals } from '../model/heartbeat.js';
import {
  type Counts,
  describeCounts,
  type LayoutMetrics,
  layoutTopology,
  type TopologyLevel,
  type TopologyOptions,
  type TopologySink,
} from '../model/topology-layout.js';

/** Instances and nodes drawn smaller than this (px) get a ring of this size when they are not Ready. */
const RING_PX = 9;
/** The least width of a state other than Ready in a summary's bar. */
const MIN_BAD_PX = 4;
/** Width (px) of the overview strip at the canvas's right edge. */
const STRIP_PX = 8;
/** The hit id of the overview strip (a click there scrolls to that part of the layout). */
const OVERVIEW_HIT = '\u0000overview';

/** Above this many instances the view draws on a canvas. */
export const CANVAS_THRESHOLD = 2000;
const CANVAS_FONT = '11px system-ui, sans-serif';
/** The canvas's missed-poll badge: while polls go unanswered, and once the node is declared silent. */
const MISSED_COLOUR = '#b35900';
const MISSED_SILENT = '#b3261e';

type ColourBy = 'state' | 'ud';

interface Hit {
  readonly id: string;
  /** 'entity' selects; 'toggle' expands or collapses. */
  readonly action: 'entity' | 'toggle';
}

/**
 * Clickable boxes of the last draw, in flat arrays reused from frame to frame (no object per box). Later boxes are
 * drawn over earlier ones (instances over their node), so a lookup searches from the end.
 */
class HitList {
  private readonly box: number[] = [];
  private readonly ids: string[] = [];
  private readonly toggles: boolean[] = [];
  private n = 0;

  clear(): void {
    this.n = 0;
  }

  add(x: number, y: number, w: number, hgt: number, id: string, action: Hit['action']): void {
    const i = this.n++;
    this.box[i * 4] = x;
    this.box[i * 4 + 1] = y;
    this.box[i * 4 + 2] = w;
    this.box[i * 4 + 3] = hgt;
    this.ids[i] = id;
    this.toggles[i] = action === 'toggle';
  }

  at(x: number, y: number): Hit | undefined {
    const b = this.box;
    for (let i = this.n - 1; i >= 0; i--) {
      const bx = b[i * 4]!;
      const by = b[i * 4 + 1]!;
      if (x >= bx && x <= bx + b[i * 4 + 2]! && y >= by && y <= by + b[i * 4 + 3]!) {
        return { id: this.ids[i]!, action: this.toggles[i] ? 'toggle' : 'entity' };
      }
    }
    return undefined;
  }
}

function bucket(m: Map<string, number[]>, colour: string): number[] {
  let list = m.get(colour);
  if (!list) m.set(colour, (list = []));
  return list;
}

export class TopologyView {
  readonly el: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly levelSelect: HTMLSelectElement;
  private readonly colourSelect: HTMLSelectElement;
  private readonly modeLabel: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly legend: HTMLElement;
  private svgEl: SVGSVGElement | null = null;
  private canvas: HTMLCanvasElement | null = null;
  private level: TopologyLevel = 3;
  private colourBy: ColourBy = 'state';
  private readonly toggled = new Set<string>();
  private width = 600;
  private lastWorld: World | null = null;
  private lastKey = '';
  private hits = new HitList();
  private readonly hitList = new HitList();
  /** Things not Ready in the last canvas frame: x, y, size, isNode (1/0), colour — five entries each, reused. */
  private readonly alerts: (number | string)[] = [];
  private readonly ringBuckets = new Map<string, number[]>();
  private readonly markBuckets = new Map<string, number[]>();
  private spacer: HTMLElement | null = null;
  /** The stage's visible height and scroll offset, kept by a ResizeObserver and the scroll event. */
  private stageHeight = 0;
  private stageScroll = 0;
  private canvasHeight = 0;
  private canvasLayoutKey = '';
  private readonly squares = new Map<string, number[]>();
  private readonly nodeFills = new Map<string, number[]>();
  private readonly nodeStrokes = new Map<string, number[]>();
  private readonly circles = new Map<string, number[]>();
  visible = true;
  /** Called on a click on an entity with the modifier for "what if" (or by the context menu). */
  onFork: ((entity: string) => void) | null = null;
  /** The last layout's counts, for tests and the benchmark. */
  metrics: LayoutMetrics | null = null;

  constructor(private readonly app: App) {
    this.levelSelect = h(
      'select',
      {
        attrs: { 'aria-label': 'Detail level', 'data-testid': 'topo-level' },
        on: {
          change: () => {
            this.level = Number(this.levelSelect.value) as TopologyLevel;
            this.toggled.clear();
            this.redraw();
          },
        },
      },
      h('option', { attrs: { value: 0 } }, 'clusters'),
      h('option', { attrs: { value: 1 } }, 'racks'),
      h('option', { attrs: { value: 2 } }, 'nodes'),
      h('option', { attrs: { value: 3, selected: true } }, 'instances'),
    );
    this.colourSelect = h(
      'select',
      {
        attrs: { 'aria-label': 'Colour instances by', 'data-testid': 'topo-colour' },
        on: {
          change: () => {
            this.colourBy = this.colourSelect.value as ColourBy;
            this.renderLegend();
            this.redraw();
          },
        },
      },
      h('option', { attrs: { value: 'state' } }, 'state'),
      h('option', { attrs: { value: 'ud' } }, 'update domain'),
    );
    this.modeLabel = h('span', { class: 'muted' });
    this.stage = h('div', { class: 'topo-stage', attrs: { 'data-testid': 'topology-stage' } });
    this.tooltip = h('div', { class: 'tooltip', attrs: { role: 'tooltip' } });
    this.legend = h('div', { class: 'legend', attrs: { 'data-testid': 'topology-legend' } });
    this.el = h(
      'section',
      { class: 'view topology', attrs: { 'data-testid': 'topology' } },
      h(
        'div',
        { class: 'view-toolbar' },
        h('label', null, 'Show down to ', this.levelSelect),
        h('label', null, 'Colour by ', this.colourSelect),
        this.modeLabel,
        h(
          'span',
          { class: 'muted hint-inline' },
          'click: inspect · double-click a header: collapse/expand · Alt+click: what if',
        ),
      ),
      this.legend,
      this.stage,
      this.tooltip,
    );
    this.stage.addEventListener('click', (ev) => this.onClick(ev));
    this.stage.addEventListener('dblclick', (ev) => this.onDoubleClick(ev));
    this.stage.addEventListener('mousemove', (ev) => this.onHover(ev));
    this.stage.addEventListener(
      'scroll',
      () => {
        this.stageScroll = this.stage.scrollTop;
        if (this.canvas) this.redraw();
      },
      { passive: true },
    );
    this.stage.addEventListener('mouseleave', () => {
      this.tooltip.style.display = 'none';
    });
    new ResizeObserver((entries) => {
      const box = entries[entries.length - 1]!.contentRect;
      const w = Math.floor(box.width);
      const hgt = Math.floor(box.height);
      if ((w > 0 && w !== this.width) || hgt !== this.stageHeight) {
        if (w > 0) this.width = w;
        this.stageHeight = hgt;
        this.redraw();
      }
    }).observe(this.stage);
    this.renderLegend();
    app.onFrame((c) => {
      if (c.has('run')) this.toggled.clear();
      if (c.has('run') || c.has('time') || c.has('select') || c.has('layout') || c.has('topology'))
        this.render(c.has('run'));
    });
  }

  /** Forces a full redraw on the next frame. */
  redraw(): void {
    this.lastWorld = null;
    this.app.notify('topology');
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) this.redraw();
  }

  private render(force: boolean): void {
    const run = this.app.run;
    if (!run || !this.visible) return;
    const world = run.replay.state;
    const key = `${this.width}|${this.level}|${this.colourBy}|${[...this.toggled].join(',')}|${this.app.selection}|${run.replay.position}`;
    if (!force && world === this.lastWorld && key === this.lastKey) return;
    this.lastWorld = world;
    this.lastKey = key;
    let total = 0;
    for (const c of world.clusters) total += c.instances.length;
    const useCanvas = total >= CANVAS_THRESHOLD;
    const opts: TopologyOptions = { width: this.width, level: this.level, toggled: this.toggled, compact: useCanvas };
    const touched = touchedKeys(run.replay.current?.p);
    this.modeLabel.textContent = `${total.toLocaleString('en')} instances · ${useCanvas ? 'canvas' : 'SVG'}`;
    this.metrics = useCanvas ? this.drawCanvas(world, opts, touched) : this.drawSvg(world, opts, touched);
    this.el.dataset.mode = useCanvas ? 'canvas' : 'svg';
    this.el.dataset.nodes = String(this.metrics.nodes);
    this.el.dataset.instances = String(this.metrics.instances);
    this.el.dataset.racks = String(this.metrics.racks);
    this.el.dataset.clusters = String(this.metrics.clusters);
    this.el.dataset.summaries = String(this.metrics.summaries);
  }

  private fillFor(inst: InstanceState): string {
    return this.colourBy === 'ud' ? udColour(inst.ud) : instanceColour(inst.status);
  }

  // --- SVG ---------------------------------------------------------------------------------------------------

  private drawSvg(world: World, opts: TopologyOptions, touched: Set<string>): LayoutMetrics {
    if (this.canvas) {
      delete this.el.dataset.missedPolls;
      this.canvas.remove();
      this.canvas = null;
      this.spacer?.remove();
      this.spacer = null;
      this.canvasHeight = 0;
    }
    if (!this.svgEl) {
      this.svgEl = svg('svg', { class: 'topo-svg' });
      this.stage.append(this.svgEl);
    }
    const root = this.svgEl;
    // Rebuilt each draw: at < 2,000 instances this stays well inside a frame, and keeps z-order and ids trivially
    // right when instances move between nodes. Text goes in through text nodes only.
    const frag = document.createDocumentFragment();
    const overlay: SVGElement[] = [];
    const sel = this.app.selection;
    const hits = new HitList();
    const fillFor = (i: InstanceState) => this.fillFor(i);
    const sink: TopologySink = {
      cluster: (c, _ci, x, y, w, hgt, expanded) => {
        const g = svg('g', { class: 'cluster', 'data-entity': c.id, 'data-kind': 'cluster' });
        g.append(
          svg('rect', { x, y, width: w, height: hgt, rx: 6, class: 'cluster-box' }),
          svg('text', { x: x + 8, y: y + 15, class: 'cluster-label' }, `${expanded ? '▾' : '▸'} cluster ${c.id}`),
        );
        const fx = fcDotsX(c, x);
        g.append(...fcDots(c, fx, y + 11));
        frag.insertBefore(g, frag.firstChild);
        hits.add(x, y, w, 20, c.id, 'toggle');
        // The fabric controller's replicas, after the header so that they are found first.
        c.fc.replicas.forEach((r, i) => {
          hits.add(fx + i * 10 - 5, y + 6, 10, 10, r.id, 'entity');
          if (sel === r.id) overlay.push(outline(fx + i * 10 - 5, y + 6, 10, 10, 'selected'));
        });
        if (sel === c.id) overlay.push(outline(x, y, w, hgt, 'selected'));
      },
      rack: (c, ci, ri, x, y, w, hgt, expanded) => {
        const rack = c.racks[ri]!;
        const g = svg('g', { class: 'rack', 'data-entity': rack.id, 'data-kind': 'rack' });
        g.append(
          svg('rect', { x, y, width: w, height: hgt, class: rack.powered ? 'rack-head' : 'rack-head unpowered' }),
          svg(
            'text',
            { x: x + 4, y: y + 12, class: 'rack-label' },
            `${expanded ? '▾' : '▸'} ${rack.id} · FD ${rack.fd}${rack.powered ? '' : ' · no power'}`,
          ),
        );
        frag.append(g);
        hits.add(x, y, w, hgt, rack.id, 'entity');
        if (sel === rack.id) overlay.push(outline(x, y, w, hgt, 'selected'));
        if (touched.has(`rack:${ci}:${ri}`)) overlay.push(outline(x, y, w, hgt, 'touched'));
      },
      node: (_c, ci, n, ni, hosted, x, y, w, hgt, expanded) => {
        const attrs: Record<string, string | number> = {
          x,
          y,
          width: w,
          height: hgt,
          rx: 3,
          fill: nodeFill(n.status),
          stroke: nodeBorder(n.status),
          class: `node${n.powered ? '' : ' unpowered'}`,
          'data-entity': n.id,
          'data-kind': 'node',
          'data-status': n.status,
        };
        frag.append(svg('rect', attrs));
        if (expanded && w >= 90) {
          frag.append(svg('text', { x: x + w - 10, y: y + 11, class: 'node-label', 'text-anchor': 'end' }, n.id));
        }
        if (!n.hostAgentUp) frag.append(svg('circle', { cx: x + w - 5, cy: y + 5, r: 2.5, class: 'agent-down' }));
        // The missed-poll counter: how many of the FC's polls this node has left unanswered in a row.
        const miss = this.missedOf(n.id);
        if (miss) {
          frag.append(
            svg(
              'text',
              {
                x: x + w - 4,
                y: y + hgt - 3,
                'text-anchor': 'end',
                class: 'missed-polls',
                'data-node': n.id,
                'data-missed': miss.missed,
              },
              miss.text,
            ),
          );
        }
        if (!expanded) {
          frag.append(svg('text', { x: x + 4, y: y + hgt - 4, class: 'node-summary' }, `${n.id} · ${hosted} inst.`));
        }
        hits.add(x, y, w, hgt, n.id, 'entity');
        if (sel === n.id) overlay.push(outline(x, y, w, hgt, 'selected'));
        if (touched.has(`node:${ci}:${ni}`)) overlay.push(outline(x, y, w, hgt, 'touched'));
      },
      instance: (_c, ci, inst, ii, x, y, size) => {
        const worker = isWorker(world, inst);
        frag.append(
          svg('rect', {
            x,
            y,
            width: size,
            height: size,
            rx: worker ? size / 2 : 2,
            fill: fillFor(inst),
            class: `instance${inst.inRotation ? ' in-rotation' : ''}${inst.crashLoop ? ' crash-loop' : ''}${inst.vm !== 'Running' ? ` vm-${inst.vm}` : ''}`,
            'data-entity': inst.id,
            'data-kind': 'instance',
            'data-status': inst.status,
          }),
        );
        hits.add(x, y, size, size, inst.id, 'entity');
        if (sel === inst.id) overlay.push(outline(x - 1, y - 1, size + 2, size + 2, 'selected'));
        if (touched.has(`instance:${ci}:${ii}`)) overlay.push(outline(x - 1, y - 1, size + 2, size + 2, 'touched'));
      },
      summary: (id, kind, counts, x, y, w, hgt) => {
        const g = svg('g', { class: 'summary', 'data-entity': id, 'data-kind': `${kind}-summary` });
        g.append(...countBars(counts, x, y, w, hgt));
        g.append(svg('text', { x: x + 4, y: y + hgt - 4, class: 'summary-label' }, summaryText(counts)));
        frag.append(g);
        hits.add(x, y, w, hgt, id, 'toggle');
      },
      label: (text, x, y) => {
        frag.append(svg('text', { x, y, class: 'strip-label' }, text));
      },
    };
    const m = layoutTopology(world, opts, sink);
    const extraY = m.height;
    const extra = this.otherEntitiesSvg(world, extraY, hits, overlay, touched);
    for (const o of overlay) frag.append(o);
    clear(root);
    root.append(frag, extra.group);
    root.setAttribute('width', String(opts.width));
    root.setAttribute('height', String(extraY + extra.height));
    root.dataset.count = String(m.instances);
    this.hits = hits;
    return m;
  }

  /** SQL databases and watchdogs, under the clusters (they are entities a fork can target). */
  private otherEntitiesSvg(
    world: World,
    top: number,
    hits: HitList,
    overlay: SVGElement[],
    touched: Set<string>,
  ): { group: SVGGElement; height: number } {
    const g = svg('g', { class: 'others' });
    let x = 8;
    const y = top + 4;
    if (world.sql.databases.length + world.watchdogs.length === 0) return { group: g, height: 0 };
    g.append(svg('text', { x, y: y + 12, class: 'cluster-label' }, 'SQL cluster'));
    x += 90;
    world.sql.databases.forEach((d, di) => {
      const w = 60 + d.replicas.length * 12;
      g.append(
        svg('rect', {
          x,
          y,
          width: w,
          height: 18,
          rx: 3,
          class: d.available ? 'db' : 'db down',
          'data-entity': d.id,
          'data-kind': 'database',
        }),
        svg('text', { x: x + 4, y: y + 13, class: 'node-summary' }, d.id),
      );
      d.replicas.forEach((r, ri) => {
        g.append(
          svg('circle', {
            cx: x + 56 + ri * 12,
            cy: y + 9,
            r: 4,
            class: `replica ${r.up ? 'up' : 'down'} ${r.role}`,
          }),
        );
      });
      hits.add(x, y, w, 18, d.id, 'entity');
      if (this.app.selection === d.id) overlay.push(outline(x, y, w, 18, 'selected'));
      if (touched.has(`database:-1:${di}`)) overlay.push(outline(x, y, w, 18, 'touched'));
      x += w + 8;
    });
    world.watchdogs.forEach((wd, wi) => {
      const w = 16 + wd.id.length * 7;
      g.append(
        svg('rect', {
          x,
          y,
          width: w,
          height: 18,
          rx: 9,
          class: wd.up ? 'watchdog' : 'watchdog down',
          'data-entity': wd.id,
          'data-kind': 'watchdog',
        }),
        svg('text', { x: x + 8, y: y + 13, class: 'node-summary' }, wd.id),
      );
      hits.add(x, y, w, 18, wd.id, 'entity');
      if (this.app.selection === wd.id) overlay.push(outline(x, y, w, 18, 'selected'));
      if (touched.has(`watchdog:-1:${wi}`)) overlay.push(outline(x, y, w, 18, 'touched'));
      x += w + 8;
    });
    return { group: g, height: 30 };
  }

  // --- Canvas ------------------------------------------------------------------------------------------------

  /** The missed-poll badge of a node ("2/4", "4/4 → silent"), or null when its last poll was answered. */
  private missedOf(node: string): { missed: number; silent: boolean; text: string } | null {
    const run = this.app.run;
    if (!run) return null;
    const beats = run.analysis.heartbeats;
    const agent = beats.polls.get(node);
    if (!agent) return null;
    const { pollUs, missedPolls: limit } = rhythmIntervals(
      (run.timeline.scenario.resolved as { policies?: unknown } | undefined)?.policies,
    );
    const m = missedPolls(
      run.replay.events,
      agent,
      beats.silent.get(node),
      run.replay.position,
      this.app.timeUs,
      pollUs,
    );
    if (m.missed === 0) return null;
    const shown = limit > 0 ? Math.min(m.missed, limit) : m.missed;
    return {
      missed: m.missed,
      silent: m.silent,
      text: `${shown}${limit ? `/${limit}` : ''} missed${m.silent ? ' → silent' : ''}`,
    };
  }

  /** The canvas lays the topology out left of the overview strip (the options object is kept while width holds). */
  private stripped(opts: TopologyOptions): TopologyOptions {
    const width = opts.width - STRIP_PX - 4;
    if (this.strippedOpts?.src !== opts) this.strippedOpts = { src: opts, opts: { ...opts, width } };
    return this.strippedOpts.opts;
  }
  private strippedOpts: { src: TopologyOptions; opts: TopologyOptions } | null = null;

  private drawCanvas(world: World, opts: TopologyOptions, touched: Set<string>): LayoutMetrics {
    if (this.svgEl) {
      this.svgEl.remove();
      this.svgEl = null;
    }
    if (!this.canvas) {
      this.canvas = h('canvas', { class: 'topo-canvas' });
      this.spacer = h('div', { class: 'topo-spacer' });
      this.stage.append(this.spacer, this.canvas);
    }
    const canvas = this.canvas;
    // The layout's full height sizes a spacer (so the stage scrolls); the canvas itself only covers the visible
    // part of the stage and follows the scroll, and only what is in view is drawn. The height is re-measured (a
    // layout without drawing) when the options change; a change caused by moving instances is caught after drawing.
    if (this.canvasHeight === 0 || this.canvasLayoutKey !== layoutKey(opts)) {
      this.canvasHeight = layoutTopology(world, this.stripped(opts), NULL_SINK).height + 34;
      this.canvasLayoutKey = layoutKey(opts);
    }
    const fullHeight = this.canvasHeight;
    this.spacer!.style.height = `${fullHeight}px`;
    // Sizes and scroll come from the observers, never from reading layout here: a read would force the browser to
    // lay out the page in the middle of a frame that other views have just changed.
    const viewH = Math.max(50, Math.min(fullHeight, this.stageHeight || fullHeight));
    const top = Math.min(this.stageScroll, Math.max(0, fullHeight - viewH));
    const bottom = top + viewH;
    const dpr = window.devicePixelRatio || 1;
    const pw = Math.floor(opts.width * dpr);
    const ph = Math.floor(viewH * dpr);
    if (canvas.width !== pw || canvas.height !== ph) {
      canvas.width = pw;
      canvas.height = ph;
      canvas.style.width = `${opts.width}px`;
      canvas.style.height = `${viewH}px`;
    }
    canvas.style.transform = `translateY(${top}px)`;
    const ctx = canvas.getContext('2d', { alpha: false })!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, -top * dpr);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, top, opts.width, viewH);
    if (ctx.font !== CANVAS_FONT) ctx.font = CANVAS_FONT;
    // Instances are batched by fill colour and shape: one path per colour, one fill each. The buckets and the hit
    // list are reused from frame to frame (only their lengths reset), so a frame allocates next to nothing.
    const squares = this.squares;
    const circles = this.circles;
    for (const list of squares.values()) list.length = 0;
    for (const list of circles.values()) list.length = 0;
    const hits = this.hitList;
    hits.clear();
    const nodeFills = this.nodeFills;
    const nodeStrokes = this.nodeStrokes;
    for (const list of nodeFills.values()) list.length = 0;
    for (const list of nodeStrokes.values()) list.length = 0;
    const agentDown: number[] = [];
    // Everything not Ready, anywhere in the layout (not only in view): rings around the small ones in view, and
    // marks on the overview strip at the right edge, so that a fault among 100,000 instances is found at a glance.
    const alerts = this.alerts;
    alerts.length = 0;
    let alertCount = 0;
    const nodeTexts: [string, number, number][] = [];
    /** Nodes in view with unanswered polls: id, badge text, declared silent, and the node's x, y, width. */
    const missed: [string, string, boolean, number, number, number][] = [];
    const outlines: [number, number, number, number, string][] = [];
    const sel = this.app.selection;
    const colourBy = this.colourBy;
    const touchedAny = touched.size > 0;
    const visible = (y: number, hgt: number) => y + hgt >= top && y <= bottom;
    let lastColour = '';
    let lastSquares: number[] = [];
    let lastCircles: number[] = [];
    const sink: TopologySink = {
      cluster: (c, _ci, x, y, w, hgt, expanded) => {
        if (!visible(y, hgt)) return;
        ctx.strokeStyle = '#c5ccd6';
        ctx.lineWidth = 1;
        ctx.strokeRect(x + 0.5, y + 0.5, w, hgt);
        ctx.fillStyle = '#1f2933';
        ctx.fillText(`${expanded ? '▾' : '▸'} cluster ${c.id}`, x + 8, y + 15);
        hits.add(x, y, w, 20, c.id, 'toggle');
        const fx = fcDotsX(c, x);
        c.fc.replicas.forEach((r, i) => {
          ctx.beginPath();
          ctx.arc(fx + i * 10, y + 11, 3.5, 0, Math.PI * 2);
          ctx.fillStyle = r.up ? '#1b9e5a' : '#ffffff';
          ctx.fill();
          ctx.lineWidth = r.leader ? 2.5 : 1;
          ctx.strokeStyle = r.leader ? '#e6a700' : '#3d4752';
          ctx.stroke();
          hits.add(fx + i * 10 - 5, y + 6, 10, 10, r.id, 'entity');
          if (sel === r.id) outlines.push([fx + i * 10 - 5, y + 6, 10, 10, '#1f6feb']);
        });
        if (sel === c.id) outlines.push([x, y, w, hgt, '#1f6feb']);
      },
      rack: (c, ci, ri, x, y, w, hgt, expanded) => {
        if (!visible(y, hgt)) return;
        const rack = c.racks[ri]!;
        ctx.fillStyle = rack.powered ? '#eef1f5' : '#fde2d4';
        ctx.fillRect(x, y, w, hgt);
        ctx.fillStyle = '#3d4752';
        ctx.fillText(`${expanded ? '▾' : '▸'} ${rack.id}${rack.powered ? '' : ' ⚡'}`, x + 3, y + 12);
        hits.add(x, y, w, hgt, rack.id, 'entity');
        if (sel === rack.id) outlines.push([x, y, w, hgt, '#1f6feb']);
        if (touchedAny && touched.has(`rack:${ci}:${ri}`)) outlines.push([x, y, w, hgt, '#ff7a00']);
      },
      node: (c, ci, n, ni, hosted, x, y, w, hgt, expanded) => {
        if (n.status !== 'Ready') {
          alerts.push(x, y, Math.max(w, hgt), 1, nodeBorder(n.status));
          alertCount++;
        }
        // A collapsed node draws no instances: its instances that are not Ready are marked on it instead.
        let downColour = '';
        if (!expanded) {
          for (const ii of n.instances) {
            const status = c.instances[ii]?.status;
            if (status === undefined || status === 'Ready') continue;
            const colour = instanceColour(status);
            alerts.push(x, y, Math.max(w, hgt), 0, colour);
            alertCount++;
            downColour ||= colour;
          }
        }
        if (!visible(y, hgt)) return;
        if (downColour) outlines.push([x - 1, y - 1, w + 2, hgt + 2, downColour]);
        // Deferred and batched by colour: one fill and one stroke per node state, not one per node.
        bucket(nodeFills, nodeFill(n.status)).push(x, y, w, hgt);
        bucket(nodeStrokes, nodeBorder(n.status)).push(x + 0.5, y + 0.5, w - 1, hgt - 1);
        if (!n.hostAgentUp) agentDown.push(x + w - 5, y + 1);
        if (!expanded) nodeTexts.push([`${hosted}`, x + 3, y + hgt - 1]);
        const miss = this.missedOf(n.id);
        if (miss) missed.push([n.id, miss.text, miss.silent, x, y, w]);
        hits.add(x, y, w, hgt, n.id, 'entity');
        if (sel === n.id) outlines.push([x, y, w, hgt, '#1f6feb']);
        if (touchedAny && touched.has(`node:${ci}:${ni}`)) outlines.push([x, y, w, hgt, '#ff7a00']);
      },
      instance: (_c, ci, inst, ii, x, y, size) => {
        if (inst.status !== 'Ready') {
          alerts.push(x, y, size, 0, instanceColour(inst.status));
          alertCount++;
        }
        if (y + size < top || y > bottom) return;
        const colour = colourBy === 'ud' ? udColour(inst.ud) : instanceColour(inst.status);
        if (colour !== lastColour) {
          lastColour = colour;
          lastSquares = bucket(squares, colour);
          lastCircles = bucket(circles, colour);
        }
        (isWorker(world, inst) ? lastCircles : lastSquares).push(x, y, size);
        hits.add(x, y, size, size, inst.id, 'entity');
        if (sel === inst.id) outlines.push([x - 1, y - 1, size + 2, size + 2, '#1f6feb']);
        if (touchedAny && touched.has(`instance:${ci}:${ii}`))
          outlines.push([x - 1, y - 1, size + 2, size + 2, '#ff7a00']);
      },
      summary: (id, _kind, counts, x, y, w, hgt) => {
        // A collapsed rack or cluster: whatever in it is not Ready counts, and marks the strip and the box.
        let downColour = '';
        for (const [status, n] of counts.instances) {
          if (status === 'Ready' || n === 0) continue;
          alerts.push(x, y, Math.max(w, hgt), 0, instanceColour(status));
          alertCount += n;
          downColour ||= instanceColour(status);
        }
        for (const [status, n] of counts.nodes) {
          if (status === 'Ready' || n === 0) continue;
          alerts.push(x, y, Math.max(w, hgt), 1, nodeBorder(status));
          alertCount += n;
          downColour ||= nodeBorder(status);
        }
        if (!visible(y, hgt)) return;
        if (downColour) outlines.push([x - 1, y - 1, w + 2, hgt + 2, downColour]);
        drawCountBars(ctx, counts, x, y, w, hgt);
        ctx.fillStyle = '#1f2933';
        ctx.fillText(summaryText(counts), x + 4, y + hgt - 4);
        hits.add(x, y, w, hgt, id, 'toggle');
      },
      label: (text, x, y) => {
        if (!visible(y - 12, 14)) return;
        ctx.fillStyle = '#3d4752';
        ctx.fillText(text, x, y);
      },
    };
    const m = layoutTopology(world, this.stripped(opts), sink);
    for (const [colour, xs] of nodeFills) {
      if (xs.length === 0) continue;
      ctx.fillStyle = colour;
      ctx.beginPath();
      for (let i = 0; i < xs.length; i += 4) ctx.rect(xs[i]!, xs[i + 1]!, xs[i + 2]!, xs[i + 3]!);
      ctx.fill();
    }
    ctx.lineWidth = 1;
    for (const [colour, xs] of nodeStrokes) {
      if (xs.length === 0) continue;
      ctx.strokeStyle = colour;
      ctx.beginPath();
      for (let i = 0; i < xs.length; i += 4) ctx.rect(xs[i]!, xs[i + 1]!, xs[i + 2]!, xs[i + 3]!);
      ctx.stroke();
    }
    ctx.fillStyle = '#d55e00';
    for (let i = 0; i < agentDown.length; i += 2) ctx.fillRect(agentDown[i]!, agentDown[i + 1]!, 4, 4);
    ctx.fillStyle = '#3d4752';
    for (const [text, tx, ty] of nodeTexts) ctx.fillText(text, tx, ty);
    for (const [colour, xs] of squares) {
      if (xs.length === 0) continue;
      ctx.fillStyle = colour;
      ctx.beginPath();
      for (let i = 0; i < xs.length; i += 3) ctx.rect(xs[i]!, xs[i + 1]!, xs[i + 2]!, xs[i + 2]!);
      ctx.fill();
    }
    for (const [colour, xs] of circles) {
      if (xs.length === 0) continue;
      ctx.fillStyle = colour;
      ctx.beginPath();
      for (let i = 0; i < xs.length; i += 3) {
        const r = xs[i + 2]! / 2;
        ctx.moveTo(xs[i]! + 2 * r, xs[i + 1]! + r);
        ctx.arc(xs[i]! + r, xs[i + 1]! + r, r, 0, Math.PI * 2);
      }
      ctx.fill();
    }
    // Rings: a small instance or node that is not Ready gets a ring of at least RING_PX, in its state's colour; and
    // the overview strip: the whole layout's height squeezed into the visible one, a mark for each thing not Ready.
    // Both batched by colour (one path each), like the cells.
    const rings = this.ringBuckets;
    const marks = this.markBuckets;
    for (const list of rings.values()) list.length = 0;
    for (const list of marks.values()) list.length = 0;
    const stripX = opts.width - STRIP_PX;
    for (let i = 0; i < alerts.length; i += 5) {
      const [ax, ay, size] = [alerts[i] as number, alerts[i + 1] as number, alerts[i + 2] as number];
      const colour = alerts[i + 4] as string;
      bucket(marks, colour).push(
        stripX + ((alerts[i + 3] as number) ? 0 : STRIP_PX / 2),
        top + Math.floor((ay / fullHeight) * viewH),
      );
      if (size < RING_PX && ay + size >= top && ay <= bottom) bucket(rings, colour).push(ax + size / 2, ay + size / 2);
    }
    ctx.lineWidth = 2;
    for (const [colour, xs] of rings) {
      if (xs.length === 0) continue;
      ctx.strokeStyle = colour;
      ctx.beginPath();
      for (let i = 0; i < xs.length; i += 2) {
        ctx.moveTo(xs[i]! + RING_PX / 2, xs[i + 1]!);
        ctx.arc(xs[i]!, xs[i + 1]!, RING_PX / 2, 0, Math.PI * 2);
      }
      ctx.stroke();
    }
    ctx.fillStyle = '#f1f4f7';
    ctx.fillRect(stripX, top, STRIP_PX, viewH);
    ctx.fillStyle = 'rgba(31,111,235,0.18)';
    ctx.fillRect(stripX, top + (top / fullHeight) * viewH, STRIP_PX, Math.max(2, (viewH / fullHeight) * viewH));
    for (const [colour, xs] of marks) {
      if (xs.length === 0) continue;
      ctx.fillStyle = colour;
      ctx.beginPath();
      for (let i = 0; i < xs.length; i += 2) ctx.rect(xs[i]!, xs[i + 1]!, STRIP_PX / 2, 2);
      ctx.fill();
    }
    hits.add(stripX, top, STRIP_PX, viewH, OVERVIEW_HIT, 'toggle');
    this.el.dataset.notReady = String(alertCount);
    ctx.lineWidth = 2;
    for (const [x, y, w, hgt, colour] of outlines) {
      ctx.strokeStyle = colour;
      ctx.strokeRect(x, y, w, hgt);
    }
    // The missed-poll counters, last so that nothing covers them: a dark pill on the node's top edge, right-aligned
    // to it (it may overhang a small node), orange while polls go unanswered, red once the node is declared silent.
    const drawn: { node: string; text: string; x: number; y: number; w: number; h: number }[] = [];
    for (const [id, text, silent, nx, ny, nw] of missed) {
      const tw = Math.ceil(ctx.measureText(text).width) + 6;
      const bx = Math.max(0, nx + nw - tw);
      const by = Math.max(top, ny - 7);
      ctx.fillStyle = silent ? MISSED_SILENT : MISSED_COLOUR;
      ctx.fillRect(bx, by, tw, 14);
      ctx.fillStyle = '#ffffff';
      ctx.fillText(text, bx + 3, by + 11);
      drawn.push({ node: id, text, x: bx, y: by - top, w: tw, h: 14 });
    }
    this.el.dataset.missedPolls = JSON.stringify(drawn);
    // SQL databases and watchdogs, under the clusters.
    let x = 8;
    const y = m.height + 6;
    if (visible(y, 18)) {
      ctx.fillStyle = '#1f2933';
      ctx.fillText('SQL cluster', x, y + 13);
      x += 80;
      for (const d of world.sql.databases) {
        ctx.fillStyle = d.available ? '#e3f2e8' : '#fbe0cf';
        ctx.fillRect(x, y, 70, 18);
        ctx.fillStyle = '#1f2933';
        ctx.fillText(d.id, x + 4, y + 13);
        hits.add(x, y, 70, 18, d.id, 'entity');
        x += 78;
      }
      for (const wd of world.watchdogs) {
        ctx.fillStyle = wd.up ? '#e3f2e8' : '#fbe0cf';
        ctx.fillRect(x, y, 60, 18);
        ctx.fillStyle = '#1f2933';
        ctx.fillText(wd.id, x + 4, y + 13);
        hits.add(x, y, 60, 18, wd.id, 'entity');
        x += 68;
      }
    }
    canvas.dataset.count = String(m.instances);
    this.hits = hits;
    if (m.height + 34 !== this.canvasHeight) {
      // Instances moved and the layout grew or shrank: size the spacer for it on the next frame.
      this.canvasHeight = m.height + 34;
      this.lastWorld = null;
      this.app.notify('topology');
    }
    return m;
  }

  // --- Interaction -------------------------------------------------------------------------------------------

  private hitAt(ev: MouseEvent): Hit | undefined {
    const target = ev.target as Element | null;
    const rect = this.stage.getBoundingClientRect();
    const x = ev.clientX - rect.left + this.stage.scrollLeft;
    const y = ev.clientY - rect.top + this.stage.scrollTop;
    const hit = this.hits.at(x, y);
    if (hit) return hit;
    const id = target?.closest?.('[data-entity]')?.getAttribute('data-entity');
    return id ? { id, action: 'entity' } : undefined;
  }

  private onClick(ev: MouseEvent): void {
    const hit = this.hitAt(ev);
    if (!hit) return;
    if (hit.id === OVERVIEW_HIT) {
      // The strip maps the whole layout onto the visible height: scroll so that the clicked part is in the middle.
      const rect = this.stage.getBoundingClientRect();
      const frac = (ev.clientY - rect.top) / Math.max(1, rect.height);
      this.stage.scrollTop = Math.max(0, frac * this.canvasHeight - rect.height / 2);
      return;
    }
    if (hit.action === 'toggle') {
      const run = this.app.run;
      const ref = run?.entities.get(hit.id);
      if (ref?.kind === 'cluster' && this.level > 0 && !this.toggled.has(hit.id)) {
        this.app.select(hit.id);
        return;
      }
      this.toggle(hit.id);
      return;
    }
    this.app.select(hit.id);
    if (ev.altKey) this.onFork?.(hit.id);
  }

  private onDoubleClick(ev: MouseEvent): void {
    const hit = this.hitAt(ev);
    if (!hit) return;
    const ref = this.app.run?.entities.get(hit.id);
    if (ref && (ref.kind === 'cluster' || ref.kind === 'rack' || ref.kind === 'node')) this.toggle(hit.id);
  }

  /** Collapses an expanded cluster/rack/node, or expands a collapsed one. */
  toggle(id: string): void {
    if (this.toggled.has(id)) this.toggled.delete(id);
    else this.toggled.add(id);
    this.redraw();
  }

  setLevel(level: TopologyLevel): void {
    this.level = level;
    this.levelSelect.value = String(level);
    this.toggled.clear();
    this.redraw();
  }

  private onHover(ev: MouseEvent): void {
    const run = this.app.run;
    const hit = this.hitAt(ev);
    if (!run || !hit) {
      this.tooltip.style.display = 'none';
      return;
    }
    this.tooltip.textContent = describeEntity(run.replay.state, run.entities.get(hit.id), hit.id);
    const rect = this.el.getBoundingClientRect();
    this.tooltip.style.left = `${ev.clientX - rect.left + 14}px`;
    this.tooltip.style.top = `${ev.clientY - rect.top + 14}px`;
    this.tooltip.style.display = 'block';
  }

  private renderLegend(): void {
    clear(this.legend);
    const item = (colour: string, label: string, cls = 'swatch') =>
      h('span', { class: 'legend-item' }, h('span', { class: cls, attrs: { style: `background:${colour}` } }), label);
    if (this.colourBy === 'state') {
      this.legend.append(h('span', { class: 'legend-title' }, 'Instances:'));
      for (const [s, c] of Object.entries(INSTANCE_COLOURS)) this.legend.append(item(c, s));
    } else {
      this.legend.append(h('span', { class: 'legend-title' }, 'Update domains:'));
      for (let ud = 0; ud < 5; ud++) this.legend.append(item(udColour(ud), `UD ${ud}`));
    }
    this.legend.append(
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch' }), 'web role'),
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch round' }), 'worker role'),
      h('span', { class: 'legend-title' }, 'Nodes:'),
    );
    for (const [s, c] of Object.entries(NODE_COLOURS)) this.legend.append(item(c, s, 'swatch node-swatch'));
    this.legend.append(
      h('span', { class: 'legend-item' }, h('span', { class: 'swatch touched-swatch' }), 'changed by this step'),
    );
  }
}

function layoutKey(o: TopologyOptions): string {
  return `${o.width}|${o.level}|${o.compact}|${[...o.toggled].join(',')}`;
}

const NULL_SINK: TopologySink = {
  cluster() {},
  rack() {},
  node() {},
  instance() {},
  summary() {},
  label() {},
};

/** Role id → is a worker role, per world's services array (roles never change kind during a run). */
const workerRoles = new WeakMap<object, Set<string>>();

function isWorker(world: World, inst: InstanceState): boolean {
  let set = workerRoles.get(world.services);
  if (!set) {
    set = new Set();
    for (const s of world.services) for (const r of s.roles) if (r.kind === 'worker') set.add(r.id);
    workerRoles.set(world.services, set);
  }
  return set.has(inst.role);
}

/** Keys "kind:a:b" of the entities an event's patches touch. */
export function touchedKeys(patches: readonly { path: readonly (string | number)[] }[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const p of patches ?? []) {
    const t = pathTarget(p.path);
    if (t) out.add(`${t.kind}:${t.a}:${t.b}`);
  }
  return out;
}

function outline(x: number, y: number, w: number, hgt: number, cls: string): SVGElement {
  return svg('rect', { x, y, width: w, height: hgt, class: `outline ${cls}`, rx: 2 });
}

/** Where a cluster header's row of FC replica dots starts (after the label). */
function fcDotsX(c: ClusterState, x: number): number {
  return x + 8 + (c.id.length + 12) * 7;
}

function fcDots(c: ClusterState, x: number, y: number): SVGElement[] {
  return c.fc.replicas.map((r, i) =>
    svg('circle', {
      cx: x + i * 10,
      cy: y,
      r: 3.5,
      class: `fc-replica ${r.up ? 'up' : 'down'}${r.leader ? ' leader' : ''}`,
      'data-entity': r.id,
      'data-kind': 'fc',
    }),
  );
}

function summaryText(counts: Counts): string {
  const inst = describeCounts(counts.instances);
  const nodes = describeCounts(counts.nodes);
  return `${inst ? `instances: ${inst}` : 'no instances'}${nodes ? ` — nodes: ${nodes}` : ''}`;
}

function countBars(counts: Counts, x: number, y: number, w: number, hgt: number): SVGElement[] {
  const total = [...counts.instances.values()].reduce((a, b) => a + b, 0);
  const out: SVGElement[] = [svg('rect', { x, y, width: w, height: hgt, class: 'summary-box', rx: 3 })];
  let cx = x;
  for (const [status, n] of counts.instances) {
    const bw = total ? (n / total) * w : 0;
    out.push(svg('rect', { x: cx, y, width: bw, height: 6, fill: instanceColour(status) }));
    cx += bw;
  }
  return out;
}

function drawCountBars(
  ctx: CanvasRenderingContext2D,
  counts: Counts,
  x: number,
  y: number,
  w: number,
  hgt: number,
): void {
  ctx.fillStyle = '#f6f8fa';
  ctx.fillRect(x, y, w, hgt);
  const total = [...counts.instances.values()].reduce((a, b) => a + b, 0);
  // A state other than Ready gets at least MIN_BAD_PX of the bar, however few instances are in it (3 of 10,000
  // would be a thousandth of a pixel); Ready gives up the room.
  let bad = 0;
  for (const [status, n] of counts.instances) if (status !== 'Ready' && n > 0) bad++;
  let cx = x;
  for (const [status, n] of counts.instances) {
    let bw = total ? (n / total) * w : 0;
    if (status !== 'Ready' && n > 0) bw = Math.max(bw, MIN_BAD_PX);
    else if (status === 'Ready') bw = Math.max(0, bw - bad * MIN_BAD_PX);
    ctx.fillStyle = instanceColour(status);
    ctx.fillRect(cx, y, bw, 6);
    cx += bw;
  }
}

/** A one-paragraph description for the tooltip. */
export function describeEntity(
  world: World,
  ref: { kind: string; a: number; b: number } | undefined,
  id: string,
): string {
  if (!ref) return id;
  const c = ref.a >= 0 ? world.clusters[ref.a] : undefined;
  switch (ref.kind) {
    case 'instance': {
      const i = c?.instances[ref.b];
      if (!i) return id;
      const node = i.node >= 0 ? (c?.nodes[i.node]?.id ?? '?') : 'no node';
      return `${i.id} — ${i.status}, VM ${i.vm}, on ${node}, update domain ${i.ud}${i.inRotation ? ', in rotation' : ''}${i.crashLoop ? ', crash-looping' : ''}${i.image !== undefined && i.node >= 0 ? `, image ${i.image}` : ''}`;
    }
    case 'node': {
      const n: NodeState | undefined = c?.nodes[ref.b];
      if (!n) return id;
      return `${n.id} — ${n.status}${n.powered ? '' : ', powered off'}${n.hostAgentUp ? '' : ', host agent down'}, ${n.instances.length} instances, fault domain ${n.rack}${n.image !== undefined ? `, host image ${n.image}` : ''}`;
    }
    case 'rack': {
      const r = c?.racks[ref.b];
      return r ? `${r.id} — fault domain ${r.fd}, ${r.nodes.length} nodes${r.powered ? '' : ', no power'}` : id;
    }
    case 'cluster':
      return `cluster ${id} — FC leader ${c?.fc.leader ?? '?'} (term ${c?.fc.term ?? '?'})`;
    default:
      return id;
  }
}
