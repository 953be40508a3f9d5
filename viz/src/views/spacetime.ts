/**
 * The space-time diagram: one horizontal lane per actor (outside clients, the FC, the load balancer, host agents,
 * watchdogs…), time running left to right over a window that ends at the playhead, and each message an arrow from
 * the sender's lane at its send time to the receiver's lane at its arrival (a cross where one that failed died). Selecting an actor filters the diagram
 * to the actors it exchanged messages with.
 */
import * as d3 from 'd3';
import type { App, LoadedRun } from '../app.js';
import { FATE_COLOURS } from '../colours.js';
import { clear, h, setText } from '../dom.js';
import { type ActorPlace, actorForEntity, GROUPS, placeActor } from '../model/actors.js';
import { type Fate, messageFate } from '../model/fate.js';
import { elidedBeats, rhythmIntervals } from '../model/heartbeat.js';
import { messagesInWindow } from '../model/messages.js';
import { formatDuration, parseDuration, timeTicks } from '../model/time.js';

const LANE_H = 24;
/** Height of the header row above each group of lanes, where the group's name is written (never over a lane's). */
const GROUP_H = 14;
/** Characters of an actor's name that fit left of the lanes (11 px monospace, ~6.6 px a character). */
const LABEL_CHARS = 23;
const M = { top: 24, right: 16, bottom: 24, left: 170 };
const MAX_LANES = 40;
/** Most messages looked at in the window; beyond AGGREGATE_ABOVE they are drawn counted, by group, not one by one. */
const MAX_AGGREGATED = 200_000;
const AGGREGATE_ABOVE = 300;
/** Width (px) of a time bin in the aggregated diagram. */
const BIN_PX = 24;
/** Counts are written on every LABEL_EVERY-th bin only, so that they never run into each other. */
const LABEL_EVERY = 4;
/** Horizontal run (px) of a message that failed at once, so that it still points from sender to receiver. */
const FAILED_SLANT_PX = 10;

export class SpaceTimeView {
  readonly el: HTMLElement;
  private readonly svgSel: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly spanInput: HTMLInputElement;
  private readonly aroundBox: HTMLInputElement;
  private readonly note: HTMLElement;
  private width = 800;
  /** Width of the time window, µs. */
  spanUs = 5 * 60_000_000;
  private places = new Map<string, ActorPlace>();
  private placesRun: LoadedRun | null = null;
  visible = false;

  constructor(private readonly app: App) {
    this.spanInput = h('input', {
      attrs: { type: 'text', value: '5m', size: 6, 'aria-label': 'Window', 'data-testid': 'st-span' },
      on: {
        change: () => {
          const v = parseDuration(this.spanInput.value);
          if (v && v > 0) this.spanUs = v;
          this.render();
        },
        keydown: (e) => e.stopPropagation(),
      },
    });
    this.aroundBox = h('input', {
      attrs: { type: 'checkbox', checked: true, 'data-testid': 'st-around' },
      on: { change: () => this.render() },
    });
    this.note = h('span', { class: 'muted' });
    const holder = h('div', { class: 'st-holder' });
    this.el = h(
      'section',
      { class: 'view spacetime', attrs: { 'data-testid': 'spacetime' } },
      h(
        'div',
        { class: 'view-toolbar' },
        h('label', null, 'Window ', this.spanInput),
        h(
          'label',
          { title: 'Only the actors that exchanged messages with the selected one' },
          this.aroundBox,
          ' only around the selection',
        ),
        this.note,
        h('span', { class: 'muted hint-inline' }, 'click a lane to select its actor · wheel to zoom'),
      ),
      holder,
    );
    this.svgSel = d3.select(holder).append('svg').attr('class', 'st-svg');
    holder.addEventListener(
      'wheel',
      (ev) => {
        ev.preventDefault();
        this.spanUs = Math.max(1000, Math.min(30 * 86_400_000_000, this.spanUs * (ev.deltaY > 0 ? 1.25 : 0.8)));
        this.spanInput.value = formatDuration(this.spanUs);
        this.render();
      },
      { passive: false },
    );
    new ResizeObserver(() => {
      const w = Math.floor(holder.clientWidth);
      if (w > 0 && w !== this.width) {
        this.width = w;
        if (this.visible) this.render();
      }
    }).observe(holder);
    app.onFrame((c) => {
      if (this.visible && (c.has('run') || c.has('time') || c.has('select') || c.has('layout'))) this.render();
    });
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) this.render();
  }

  /**
   * The aggregated diagram: one lane per group of actors (with how many it holds), and for each time bin and pair
   * of groups and fate, one line whose width grows with the count — the number written on the busiest ones. What is
   * not delivered stays apart by colour, so a region's faults show as a few thick lines, not a wall of orange.
   */
  private renderAggregate(run: LoadedRun, ids: readonly number[], lo: number, hi: number, now: number): void {
    const events = run.replay.events;
    const groupActors = new Map<number, Set<string>>();
    const bins = new Map<string, { from: number; to: number; fate: Fate; bin: number; n: number }>();
    const x = d3
      .scaleLinear()
      .domain([lo, hi])
      .range([M.left, this.width - M.right]);
    const fates: Record<string, number> = {};
    for (const id of ids) {
      const m = events.at(id)!.m!;
      const gf = this.placeOf(run, m.from).group;
      const gt = this.placeOf(run, m.to).group;
      for (const [g, a] of [
        [gf, m.from],
        [gt, m.to],
      ] as const) {
        let set = groupActors.get(g);
        if (!set) groupActors.set(g, (set = new Set()));
        set.add(a);
      }
      const fate = messageFate(events, id).fate;
      fates[fate] = (fates[fate] ?? 0) + 1;
      const bin = Math.floor((x(events.at(id)!.t) - M.left) / BIN_PX);
      const key = `${gf}|${gt}|${fate}|${bin}`;
      const b = bins.get(key);
      if (b) b.n++;
      else bins.set(key, { from: gf, to: gt, fate, bin, n: 1 });
    }
    const groups = [...groupActors.keys()].sort((a, b) => a - b);
    const laneOf = new Map(groups.map((g, i) => [g, i]));
    const laneY = (i: number) => M.top + GROUP_H + i * LANE_H * 1.5 + LANE_H * 0.75;
    const height = laneY(groups.length - 1) + LANE_H + M.bottom;
    const svg = this.svgSel;
    svg.attr('width', this.width).attr('height', height);
    clear(svg.node()!);
    const gl = svg.append('g').attr('class', 'lanes');
    groups.forEach((g, i) => {
      const y = laneY(i);
      const lane = gl
        .append('g')
        .attr('class', 'lane group-lane')
        .attr('data-group', GROUPS[g] ?? '');
      lane
        .append('rect')
        .attr('x', 0)
        .attr('y', y - LANE_H * 0.75)
        .attr('width', this.width)
        .attr('height', LANE_H * 1.5)
        .attr('class', i % 2 ? 'lane-bg odd' : 'lane-bg');
      lane
        .append('line')
        .attr('x1', M.left)
        .attr('x2', this.width - M.right)
        .attr('y1', y)
        .attr('y2', y)
        .attr('class', 'lane-line');
      // Two lines, the group's name over its number of actors, so that a long name fits the label column.
      const label = lane
        .append('text')
        .attr('x', M.left - 8)
        .attr('y', y - 2)
        .attr('text-anchor', 'end')
        .attr('class', 'lane-label');
      label.append('tspan').text(GROUPS[g] ?? '');
      label
        .append('tspan')
        .attr('x', M.left - 8)
        .attr('dy', 12)
        .attr('class', 'lane-count')
        .text(`${groupActors.get(g)!.size.toLocaleString('en')} actors`);
    });
    this.drawTimeAxis(svg, x, lo, hi, height);
    const ga = svg.append('g').attr('class', 'arrows aggregated');
    // Failures last, so that they are drawn over the routine traffic.
    const order: Fate[] = ['delivered', 'lost', 'no-answer', 'denied'];
    const sorted = [...bins.values()].sort((a, b) => order.indexOf(a.fate) - order.indexOf(b.fate));
    for (const b of sorted) {
      const x1 = M.left + b.bin * BIN_PX + BIN_PX / 2;
      const ya = laneY(laneOf.get(b.from)!);
      const yb = laneY(laneOf.get(b.to)!);
      const w = Math.min(9, 1 + Math.log2(b.n));
      const line = ga
        .append('line')
        .attr('class', `arrow-bin ${b.fate}`)
        .attr('data-fate', b.fate)
        .attr('data-count', b.n)
        .attr('x1', x1)
        .attr('y1', ya)
        .attr('x2', x1 + (b.fate === 'delivered' ? BIN_PX / 2 : 4))
        .attr('y2', ya === yb ? ya - LANE_H / 2 : yb)
        .attr('stroke', FATE_COLOURS[b.fate])
        .attr('stroke-width', w)
        .attr('stroke-opacity', b.fate === 'delivered' ? 0.35 : 0.85);
      line.append('title').text(`${b.n} message(s) ${GROUPS[b.from]} → ${GROUPS[b.to]}: ${b.fate}`);
      if (b.n >= 10 && b.fate !== 'delivered' && b.bin % LABEL_EVERY === 0) {
        ga.append('text')
          .attr('class', 'bin-count')
          .attr('x', x1 + 5)
          .attr('y', ya + (ya === yb ? -LANE_H / 2 : (yb - ya) / 2))
          .text(shortCount(b.n));
      }
    }
    svg
      .append('line')
      .attr('class', 'playhead')
      .attr('x1', x(now))
      .attr('x2', x(now))
      .attr('y1', M.top - 6)
      .attr('y2', height - M.bottom);
    const parts = (Object.keys(fates) as Fate[]).map((f) => `${shortCount(fates[f]!)} ${f}`).join(', ');
    setText(this.note, `${groups.length} groups · ${ids.length.toLocaleString('en')} messages counted (${parts})`);
    this.el.dataset.mode = 'aggregate';
    this.el.dataset.lanes = String(groups.length);
    this.el.dataset.count = String(ids.length);
  }

  /** The time axis along the bottom, with ticks at round durations for the view's width. */
  private drawTimeAxis(
    svg: d3.Selection<SVGSVGElement, unknown, null, undefined>,
    x: d3.ScaleLinear<number, number>,
    lo: number,
    hi: number,
    height: number,
  ): void {
    svg
      .append('g')
      .attr('class', 'axis')
      .attr('transform', `translate(0,${height - M.bottom})`)
      .call(
        d3
          .axisBottom<number>(x)
          .tickValues(timeTicks(Math.max(0, lo), hi, Math.max(2, Math.floor(this.width / 120))))
          .tickFormat((d) => formatDuration(Number(d))),
      );
  }

  private placeOf(run: LoadedRun, actor: string): ActorPlace {
    if (this.placesRun !== run) {
      this.places = new Map();
      this.placesRun = run;
    }
    let p = this.places.get(actor);
    if (!p) {
      p = placeActor(actor, run.timeline.initial, run.entities);
      this.places.set(actor, p);
    }
    return p;
  }

  render(): void {
    const run = this.app.run;
    if (!run) return;
    const now = this.app.timeUs;
    const lo = now - this.spanUs;
    const hi = now + this.spanUs * 0.08;
    const events = run.replay.events;
    let ids = messagesInWindow(events, run.analysis.messages, run.replay.position, lo, now, MAX_AGGREGATED);
    // Around the selection: keep the messages to or from its actor.
    const sel = this.app.selection;
    const focus = sel ? actorForEntity(sel, run.analysis.actors) : undefined;
    if (focus && this.aroundBox.checked)
      ids = ids.filter((id) => events.at(id)!.m!.from === focus || events.at(id)!.m!.to === focus);
    // Too many to read one by one (a region's thousands of agents): one lane per group, messages counted.
    if (ids.length > AGGREGATE_ABOVE) {
      this.renderAggregate(run, ids, lo, hi, now);
      return;
    }
    this.el.dataset.mode = 'messages';
    // Lanes: the selected actor, then the endpoints of the most recent messages, a pair at a time while they fit —
    // so with thousands of actors the diagram keeps whole conversations rather than the first lanes alphabetically.
    const laneSet = new Set<string>();
    if (focus) laneSet.add(focus);
    let hidden = 0;
    for (let j = ids.length - 1; j >= 0; j--) {
      const m = events.at(ids[j]!)!.m!;
      const extra = (laneSet.has(m.from) ? 0 : 1) + (laneSet.has(m.to) || m.to === m.from ? 0 : 1);
      if (laneSet.size + extra > MAX_LANES) {
        hidden += extra;
        continue;
      }
      laneSet.add(m.from);
      laneSet.add(m.to);
    }
    const lanes = [...laneSet].sort(
      (a, b) => this.placeOf(run, a).group - this.placeOf(run, b).group || (a < b ? -1 : a > b ? 1 : 0),
    );
    const laneIndex = new Map(lanes.map((a, i) => [a, i]));
    // Each lane's centre line: lanes stacked, with a header row opening each group.
    const laneY: number[] = [];
    let yCursor = M.top;
    let prevGroup = -1;
    for (const actor of lanes) {
      const g = this.placeOf(run, actor).group;
      if (g !== prevGroup) yCursor += GROUP_H;
      prevGroup = g;
      laneY.push(yCursor + LANE_H / 2);
      yCursor += LANE_H;
    }
    const height = Math.max(yCursor, M.top + LANE_H) + M.bottom;
    const x = d3
      .scaleLinear()
      .domain([lo, hi])
      .range([M.left, this.width - M.right]);
    const svg = this.svgSel;
    svg.attr('width', this.width).attr('height', height);
    const node = svg.node()!;
    clear(node);
    const defs = svg.append('defs');
    for (const [name, colour] of Object.entries(FATE_COLOURS)) {
      defs
        .append('marker')
        .attr('id', `st-arrow-${name}`)
        .attr('viewBox', '0 0 10 10')
        .attr('refX', 9)
        .attr('refY', 5)
        .attr('markerWidth', 6)
        .attr('markerHeight', 6)
        .attr('orient', 'auto-start-reverse')
        .append('path')
        .attr('d', 'M0,0L10,5L0,10Z')
        .attr('fill', colour);
    }
    // Lanes, with group separators.
    const gl = svg.append('g').attr('class', 'lanes');
    let lastGroup = -1;
    lanes.forEach((actor, i) => {
      const y = laneY[i]!;
      const p = this.placeOf(run, actor);
      const lane = gl
        .append('g')
        .attr('class', `lane${actor === focus ? ' focus' : ''}`)
        .attr('data-actor', actor)
        .on('click', () => this.app.select(actor));
      lane
        .append('rect')
        .attr('x', 0)
        .attr('y', y - LANE_H / 2)
        .attr('width', this.width)
        .attr('height', LANE_H)
        .attr('class', i % 2 ? 'lane-bg odd' : 'lane-bg');
      lane
        .append('line')
        .attr('x1', M.left)
        .attr('x2', this.width - M.right)
        .attr('y1', y)
        .attr('y2', y)
        .attr('class', 'lane-line');
      lane
        .append('text')
        .attr('x', M.left - 8)
        .attr('y', y + 4)
        .attr('text-anchor', 'end')
        .attr('class', 'lane-label')
        .text(shortLabel(actor));
      lane.append('title').text(actor);
      if (p.group !== lastGroup) {
        gl.append('text')
          .attr('x', 4)
          .attr('y', y - LANE_H / 2 - 3)
          .attr('class', 'group-label')
          .text(GROUPS[p.group] ?? '');
        lastGroup = p.group;
      }
    });
    // Time axis.
    this.drawTimeAxis(svg, x, lo, hi, height);
    // The healthy rhythm, faint: the polls and probes that were answered (the engine records only the unanswered
    // ones), recovered from their interval, between the lanes of each host or guest agent and its poller.
    const { pollUs, probeUs } = rhythmIntervals(
      (run.timeline.scenario.resolved as { policies?: unknown } | undefined)?.policies,
    );
    const gb = svg.append('g').attr('class', 'beats');
    let beats = 0;
    for (const actor of lanes) {
      const prefix = actor.slice(0, actor.indexOf(':'));
      const kind = prefix === 'ha' ? 'msg.poll' : prefix === 'ga' ? 'msg.probe' : '';
      if (!kind) continue;
      const received = run.analysis.bySubject.get(actor);
      const firstId = received?.find((id) => events.at(id)!.k === kind);
      if (firstId === undefined) continue;
      const from = laneIndex.get(events.at(firstId)!.m!.from);
      if (from === undefined) continue;
      const ya = laneY[from]!;
      const yb = laneY[laneIndex.get(actor)!]!;
      const times = elidedBeats(events, received, kind, kind === 'msg.poll' ? pollUs : probeUs, Math.max(lo, 0), now);
      for (const t of times) {
        gb.append('line')
          .attr('class', 'beat')
          .attr('data-to', actor)
          .attr('x1', x(t))
          .attr('y1', ya)
          .attr('x2', x(t) + FAILED_SLANT_PX / 2)
          .attr('y2', yb)
          .attr('stroke', FATE_COLOURS.delivered);
      }
      beats += times.length;
    }
    this.el.dataset.beats = String(beats);
    // Arrows.
    const ga = svg.append('g').attr('class', 'arrows');
    let drawn = 0;
    for (const id of ids) {
      const e = events.at(id)!;
      const m = e.m!;
      const a = laneIndex.get(m.from);
      const b = laneIndex.get(m.to);
      if (a === undefined || b === undefined) continue;
      const ya = laneY[a]!;
      const yb = laneY[b]!;
      // Every message runs from its sender's lane to its receiver's. One that failed at once (arrival = send time)
      // still slants a little, so that its direction reads; where it died is marked on that line: at a wall (a
      // denial), at the receiver (no answer), or on the way (lost). The part it never travelled is dashed.
      const fate: Fate = messageFate(events, id).fate;
      const x1 = x(e.t);
      const dy = Math.abs(yb - ya);
      const x2 = m.ok ? x(Math.min(m.at, hi)) : x1 + FAILED_SLANT_PX + dy * 0.2;
      // A denial happens at the wall just outside the sender: half a lane from it, between two lanes, so the cross
      // never sits on an unrelated actor's lane. A loss happens on the way: on the lane boundary nearest halfway.
      const dies =
        fate === 'delivered' || fate === 'no-answer' || dy === 0
          ? 1
          : fate === 'denied'
            ? Math.min(1, LANE_H / 2 / dy)
            : Math.min(1, (Math.floor(dy / 2 / LANE_H) * LANE_H + LANE_H / 2) / dy);
      const xd = x1 + (x2 - x1) * dies;
      const yd = ya + (yb - ya) * dies;
      const colour = FATE_COLOURS[fate];
      const title = `${m.from} → ${m.to}: ${messageFate(events, id).label} — ${e.x}`;
      const line = ga
        .append('line')
        .attr('class', `arrow ${fate}${id === this.app.selectedEvent ? ' selected' : ''}`)
        .attr('data-event', id)
        .attr('data-from', m.from)
        .attr('data-to', m.to)
        .attr('data-fate', fate)
        .attr('x1', x1)
        .attr('y1', ya)
        .attr('x2', x2)
        .attr('y2', yb)
        .attr('stroke', colour)
        .attr('stroke-dasharray', dies < 1 ? '3 3' : null)
        .attr('marker-end', fate === 'delivered' ? `url(#st-arrow-delivered)` : null)
        .on('click', () => this.app.goToEvent(id));
      line.append('title').text(title);
      if (dies < 1) {
        ga.append('line')
          .attr('class', 'arrow-part')
          .attr('x1', x1)
          .attr('y1', ya)
          .attr('x2', xd)
          .attr('y2', yd)
          .attr('stroke', colour);
      }
      if (fate !== 'delivered') {
        ga.append('path')
          .attr('class', 'arrow-x')
          .attr('data-event', id)
          .attr('data-x', xd.toFixed(1))
          .attr('data-y', yd.toFixed(1))
          .attr('stroke', colour)
          .attr('d', `M${xd - 4},${yd - 4}L${xd + 4},${yd + 4}M${xd + 4},${yd - 4}L${xd - 4},${yd + 4}`)
          .append('title')
          .text(title);
      }
      drawn++;
    }
    // Playhead.
    svg
      .append('line')
      .attr('class', 'playhead')
      .attr('x1', x(now))
      .attr('x2', x(now))
      .attr('y1', M.top - 6)
      .attr('y2', height - M.bottom);
    setText(
      this.note,
      `${lanes.length} lanes${hidden ? ' (more actors hidden)' : ''} · ${drawn === ids.length ? drawn : `${drawn} of ${ids.length}`} messages${focus && this.aroundBox.checked ? ` around ${focus}` : ''}`,
    );
    this.el.dataset.lanes = String(lanes.length);
    this.el.dataset.count = String(drawn);
  }
}

/** A count, short: 7, 1.2k, 35k. */
function shortCount(n: number): string {
  return n < 1000 ? String(n) : n < 10_000 ? `${(n / 1000).toFixed(1)}k` : `${Math.round(n / 1000)}k`;
}

/** An actor's name cut to fit left of its lane, keeping both ends ("internet:2001:db…:3e4f"). */
function shortLabel(actor: string): string {
  if (actor.length <= LABEL_CHARS) return actor;
  const tail = 6;
  return `${actor.slice(0, LABEL_CHARS - tail - 1)}…${actor.slice(-tail)}`;
}
