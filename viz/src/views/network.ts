/**
 * The network view: the internet, the corporate network, each cluster and the SQL cluster, with the firewalls
 * between them; messages are drawn while in flight, coloured by their fate (model/fate.ts): delivered, denied by a
 * rule (it stops at the wall), unanswered by a receiver that is down (it reaches the receiver), or lost on the way. Hovering a message shows the rule that decided it.
 *
 * Messages inside a data centre take well under a millisecond; to be seen at all, each one is drawn for at least
 * about a second of wall-clock time at the current speed.
 */
import type { World } from '../../../sim/spec/index.js';
import type { App, LoadedRun } from '../app.js';
import { FATE_COLOURS } from '../colours.js';
import { clear, h, svg } from '../dom.js';
import { type ActorPlace, placeActor, type Zone } from '../model/actors.js';
import { type Events, eventList } from '../model/event-list.js';
import { FATE_LEGEND, type Fate, messageFate } from '../model/fate.js';
import { elidedBeats, rhythmIntervals } from '../model/heartbeat.js';
import { messagesInWindow } from '../model/messages.js';
import { formatClock } from '../model/time.js';

const HEIGHT = 440;
/** Wall-clock time (ms) a message stays visible, at least. */
const LINGER_WALL_MS = 1200;
const MAX_MESSAGES = 300;
/** Actors drawn per zone at most, and the most a zone may hold to label each one. */
const MAX_ACTORS_DRAWN = 300;
const LABELLED_ACTORS = 14;
const RECENT = 8;
/** Actor labels: 10 px text, about 6 px a character; a row at least this tall; room for the dot and a gap. */
const LABEL_CHAR_PX = 6;
const LABEL_ROW_PX = 15;
const LABEL_PAD_PX = 18;
const MIN_LABEL_CHARS = 9;
/** Most answered (elided) polls and probes drawn at once. */
const MAX_BEATS = 300;

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface Wall {
  readonly x: number;
  readonly y0: number;
  readonly y1: number;
  readonly label: string;
}

interface NetLayout {
  readonly boxes: { key: string; label: string; box: Box; zone: Zone }[];
  readonly walls: Wall[];
  readonly pos: Map<string, [number, number]>;
  readonly places: Map<string, ActorPlace>;
  /** The label drawn beside each actor, cut to fit its column; actors without one are named by their tooltip. */
  readonly labels: Map<string, string>;
}

export class NetworkView {
  readonly el: HTMLElement;
  private readonly root: SVGSVGElement;
  private readonly staticG: SVGGElement;
  private readonly msgG: SVGGElement;
  private readonly recent: HTMLElement;
  private readonly tooltip: HTMLElement;
  private width = 800;
  private layout: NetLayout | null = null;
  private layoutRun: LoadedRun | null = null;
  visible = false;

  constructor(private readonly app: App) {
    this.root = svg('svg', { class: 'net-svg', height: HEIGHT });
    this.staticG = svg('g', { class: 'net-static' });
    this.msgG = svg('g', { class: 'net-messages' });
    this.root.append(this.staticG, this.msgG);
    this.recent = h('ol', { class: 'recent-messages', attrs: { 'data-testid': 'recent-messages' } });
    this.tooltip = h('div', { class: 'tooltip', attrs: { role: 'tooltip', 'data-testid': 'net-tooltip' } });
    this.el = h(
      'section',
      { class: 'view network', attrs: { 'data-testid': 'network' } },
      h(
        'div',
        { class: 'legend' },
        ...(Object.keys(FATE_LEGEND) as Fate[]).map((f) =>
          h(
            'span',
            { class: 'legend-item', data: { fate: f } },
            h('span', { class: 'swatch round', attrs: { style: `background:${FATE_COLOURS[f]}` } }),
            FATE_LEGEND[f],
          ),
        ),
        h('span', { class: 'legend-item' }, h('span', { class: 'swatch wall-swatch' }), 'firewall / access list'),
        h('span', { class: 'muted' }, 'hover a message for the rule that decided it'),
      ),
      this.root,
      h('h3', { class: 'subhead' }, 'Latest messages'),
      this.recent,
      this.tooltip,
    );
    this.msgG.addEventListener('mousemove', (ev) => this.onHover(ev));
    this.msgG.addEventListener('mouseleave', () => {
      this.tooltip.style.display = 'none';
    });
    this.msgG.addEventListener('click', (ev) => {
      const id = (ev.target as Element).closest('[data-event]')?.getAttribute('data-event');
      if (id) this.app.goToEvent(Number(id));
    });
    this.staticG.addEventListener('click', (ev) => {
      const actor = (ev.target as Element).closest('[data-actor]')?.getAttribute('data-actor');
      if (actor) this.app.select(actor);
    });
    new ResizeObserver(() => {
      const w = Math.floor(this.el.clientWidth);
      if (w > 0 && w !== this.width) {
        this.width = w;
        this.layout = null;
        if (this.visible) this.render();
      }
    }).observe(this.el);
    app.onFrame((c) => {
      if (!this.visible) return;
      if (c.has('run')) this.layout = null;
      if (c.has('run') || c.has('time') || c.has('layout') || c.has('select')) this.render();
    });
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) {
      this.layout = null;
      this.render();
    }
  }

  private render(): void {
    const run = this.app.run;
    if (!run) return;
    if (!this.layout || this.layoutRun !== run) {
      this.layout = buildLayout(run, this.width);
      this.layoutRun = run;
      this.drawStatic(this.layout);
    }
    this.drawMessages(run, this.layout);
  }

  private drawStatic(l: NetLayout): void {
    clear(this.staticG);
    this.root.setAttribute('width', String(this.width));
    for (const b of l.boxes) {
      this.staticG.append(
        svg('rect', {
          x: b.box.x,
          y: b.box.y,
          width: b.box.w,
          height: b.box.h,
          rx: 10,
          class: `zone zone-${b.zone}`,
          'data-zone': b.key,
        }),
        svg('text', { x: b.box.x + 10, y: b.box.y + 18, class: 'zone-label' }, b.label),
      );
    }
    for (const w of l.walls) {
      this.staticG.append(
        svg('rect', { x: w.x - 4, y: w.y0, width: 8, height: w.y1 - w.y0, class: 'wall', rx: 2, 'data-wall': w.label }),
        svg('text', { x: w.x, y: w.y1 + 12, class: 'wall-label', 'text-anchor': 'middle' }, w.label),
      );
    }
    // Actors per zone: all are placed (messages need their endpoints), but a region's thousands of agents are not
    // each drawn — past MAX_ACTORS_DRAWN a zone says how many more it holds.
    const zoneOf = (actor: string) => {
      const place = l.places.get(actor)!;
      return place.zone === 'cluster' ? `cluster-${place.cluster}` : place.zone;
    };
    const totals = new Map<string, number>();
    for (const actor of l.pos.keys()) totals.set(zoneOf(actor), (totals.get(zoneOf(actor)) ?? 0) + 1);
    const perZone = new Map<string, number>();
    let drawn = 0;
    for (const [actor, [x, y]] of l.pos) {
      const key = zoneOf(actor);
      const n = (perZone.get(key) ?? 0) + 1;
      perZone.set(key, n);
      if (n > MAX_ACTORS_DRAWN) continue;
      const g = svg('g', { class: 'actor', 'data-actor': actor });
      g.append(svg('circle', { cx: x, cy: y, r: 4 }));
      const label = l.labels.get(actor);
      if (label) g.append(svg('text', { x: x + 7, y: y + 4, class: 'actor-label' }, label));
      g.append(svg('title', {}, actor));
      this.staticG.append(g);
      drawn++;
    }
    for (const b of l.boxes) {
      const more = (totals.get(b.key) ?? 0) - MAX_ACTORS_DRAWN;
      if (more > 0) {
        this.staticG.append(
          svg(
            'text',
            { x: b.box.x + b.box.w - 10, y: b.box.y + 18, class: 'zone-label', 'text-anchor': 'end' },
            `+${more} more`,
          ),
        );
      }
    }
    this.staticG.dataset.drawn = String(drawn);
    this.staticG.dataset.actors = String(l.pos.size);
  }

  private drawMessages(run: LoadedRun, l: NetLayout): void {
    const now = this.app.timeUs;
    const events = run.replay.events;
    const lingerUs = (LINGER_WALL_MS / 1000) * 1_000_000 * this.app.speed;
    const ids = messagesInWindow(events, run.analysis.messages, run.replay.position, now - lingerUs, now, MAX_MESSAGES);
    clear(this.msgG);
    const sel = this.app.selection;
    let drawn = 0;
    for (const id of ids) {
      const e = events.at(id)!;
      const m = e.m!;
      const a = l.pos.get(m.from);
      const b = l.pos.get(m.to);
      if (!a || !b) continue;
      const flight = Math.max(m.at - e.t, lingerUs * 0.6);
      const route = routeBetween(a, b, l.walls);
      const { fate } = messageFate(events, id);
      // Where it died: a denied message at the first wall on its way (or, inside one zone, at the receiver's host
      // filter, just short of it); an unanswered one at the receiver; a lost one halfway.
      const stopAt =
        fate === 'delivered' || fate === 'no-answer'
          ? 1
          : fate === 'denied'
            ? route.length > 2
              ? segmentFraction(route, 1)
              : 0.85
            : 0.5;
      // The event under the playhead (or selected) is shown where it was decided, so a paused view explains it.
      const decided = id === run.replay.position - 1 || id === this.app.selectedEvent;
      const p = decided ? Math.max(stopAt, Math.min(1, (now - e.t) / flight)) : Math.min(1, (now - e.t) / flight);
      const [x, y] = pointAlong(route, Math.min(p, stopAt));
      const colour = FATE_COLOURS[fate];
      const faded = p >= stopAt ? Math.max(0.25, 1 - (now - e.t - flight * stopAt) / (lingerUs * 0.6)) : 1;
      const highlight = decided || (sel !== null && (sel === m.from || sel === m.to || sel === e.s));
      const g = svg('g', {
        class: `msg ${fate}${highlight ? ' highlight' : ''}`,
        'data-event': id,
        'data-verdict': fate,
        opacity: faded.toFixed(2),
      });
      g.append(
        svg('polyline', {
          points: route.map(([rx, ry]) => `${rx},${ry}`).join(' '),
          class: 'msg-route',
          stroke: colour,
        }),
        svg('circle', { cx: x, cy: y, r: 5, fill: colour, class: 'msg-dot' }),
      );
      if (fate !== 'delivered' && p >= stopAt) {
        g.append(
          svg('path', {
            d: `M${x - 5},${y - 5}L${x + 5},${y + 5}M${x + 5},${y - 5}L${x - 5},${y + 5}`,
            class: 'msg-x',
            stroke: colour,
          }),
        );
      }
      this.msgG.append(g);
      drawn++;
    }
    this.msgG.dataset.count = String(drawn);
    this.el.dataset.count = String(drawn);
    this.drawBeats(run, l, now, lingerUs);
    // The latest messages as text, with their verdict and rule.
    clear(this.recent);
    const latest = messagesInWindow(events, run.analysis.messages, run.replay.position, 0, now, RECENT).reverse();
    for (const id of latest) {
      const e = events.at(id)!;
      const f = messageFate(events, id);
      this.recent.append(
        h(
          'li',
          { class: f.fate, data: { fate: f.fate }, on: { click: () => this.app.goToEvent(id) } },
          h('span', { class: 'time' }, formatClock(e.t)),
          ` ${e.m!.from} → ${e.m!.to} `,
          h('strong', { attrs: { style: `color:${FATE_COLOURS[f.fate]}` } }, f.label),
          ` — ${e.x}`,
        ),
      );
    }
  }

  /** Per run: the recorded polls and probes by receiver (message event ids, ascending), built on first use. */
  private routine: { run: LoadedRun; byReceiver: Map<string, Int32Array> } | null = null;

  /**
   * The healthy rhythm: polls and probes answered in the last moment (elided by the engine, recovered from their
   * interval — model/heartbeat.ts) drawn as faint dots at their receivers, for the agents that ever had one recorded.
   */
  private drawBeats(run: LoadedRun, l: NetLayout, now: number, lingerUs: number): void {
    if (this.routine?.run !== run) {
      const lists = new Map<string, number[]>();
      for (const id of run.analysis.messages) {
        const e = run.replay.events.at(id)!;
        if (e.k !== 'msg.poll' && e.k !== 'msg.probe') continue;
        const list = lists.get(e.m!.to);
        if (list) list.push(id);
        else lists.set(e.m!.to, [id]);
      }
      this.routine = { run, byReceiver: new Map([...lists].map(([k, v]) => [k, Int32Array.from(v)])) };
    }
    const { pollUs, probeUs } = rhythmIntervals(
      (run.timeline.scenario.resolved as { policies?: unknown } | undefined)?.policies,
    );
    let beats = 0;
    for (const [to, ids] of this.routine.byReceiver) {
      if (beats >= MAX_BEATS) break;
      const kind = run.replay.events.at(ids[0]!)!.k;
      const from = run.replay.events.at(ids[0]!)!.m!.from;
      const a = l.pos.get(from);
      const b = l.pos.get(to);
      if (!a || !b) continue;
      const times = elidedBeats(
        run.replay.events,
        ids,
        kind,
        kind === 'msg.poll' ? pollUs : probeUs,
        now - Math.max(lingerUs, 1),
        now,
        4,
      );
      for (const t of times) {
        const f = Math.min(1, (now - t) / Math.max(1, lingerUs * 0.6));
        this.msgG.append(
          svg('circle', {
            cx: a[0] + (b[0] - a[0]) * f,
            cy: a[1] + (b[1] - a[1]) * f,
            r: 3,
            fill: FATE_COLOURS.delivered,
            class: 'beat-dot',
            'data-to': to,
            'data-t': t,
          }),
        );
        beats++;
      }
    }
    this.msgG.dataset.beats = String(beats);
  }

  private onHover(ev: MouseEvent): void {
    const run = this.app.run;
    const id = (ev.target as Element).closest('[data-event]')?.getAttribute('data-event');
    if (!run || !id) {
      this.tooltip.style.display = 'none';
      return;
    }
    this.tooltip.textContent = describeMessage(run.replay.events, Number(id));
    const rect = this.el.getBoundingClientRect();
    this.tooltip.style.left = `${ev.clientX - rect.left + 14}px`;
    this.tooltip.style.top = `${ev.clientY - rect.top + 14}px`;
    this.tooltip.style.display = 'block';
  }
}

export function describeMessage(eventsIn: Events, id: number): string {
  const events = eventList(eventsIn);
  const e = events.at(id)!;
  const m = e.m!;
  const f = messageFate(events, id);
  const rule = f.fate === 'delivered' && e.r ? ` (rule ${e.r})` : '';
  return `${m.from} → ${m.to}: ${f.label}${rule} — ${e.x}`;
}

/** Inside the Internet or Corporate network box, an address needs no "internet:" / "corpnet:" before it. */
function inZone(actor: string, zone: Zone): string {
  const i = actor.indexOf(':');
  return (zone === 'internet' || zone === 'corpnet') && actor.slice(0, i) === zone ? actor.slice(i + 1) : actor;
}

/** An actor's name in at most `chars` characters, keeping both ends ("internet:2001:d…a0c:3e4f"). */
function shortActor(a: string, chars: number): string {
  if (a.length <= chars) return a;
  const tail = Math.min(8, Math.floor(chars / 3));
  return `${a.slice(0, chars - tail - 1)}…${a.slice(-tail)}`;
}

function buildLayout(run: LoadedRun, width: number): NetLayout {
  const world: World = run.timeline.initial;
  const W = Math.max(480, width);
  const colA: Box = { x: 10, y: 30, w: W * 0.2, h: 0 };
  const bar1 = W * 0.25;
  const colB = { x: W * 0.29, w: W * 0.38 };
  const bar2 = W * 0.71;
  const colC = { x: W * 0.74, w: W * 0.26 - 10 };
  const top = 30;
  const bottom = HEIGHT - 30;
  const mid = (top + bottom) / 2;
  const boxes: NetLayout['boxes'] = [
    { key: 'internet', label: 'Internet', zone: 'internet', box: { x: colA.x, y: top, w: colA.w, h: mid - top - 10 } },
    {
      key: 'corpnet',
      label: 'Corporate network',
      zone: 'corpnet',
      box: { x: colA.x, y: mid + 10, w: colA.w, h: bottom - mid - 10 },
    },
  ];
  const nc = Math.max(1, world.clusters.length);
  const shown = Math.min(nc, 8);
  const ch = (bottom - top - (shown - 1) * 10) / shown;
  world.clusters.slice(0, shown).forEach((c, i) => {
    boxes.push({
      key: `cluster-${i}`,
      label: `cluster ${c.id}${i === shown - 1 && nc > shown ? ` (+${nc - shown} more)` : ''}`,
      zone: 'cluster',
      box: { x: colB.x, y: top + i * (ch + 10), w: colB.w, h: ch },
    });
  });
  boxes.push({
    key: 'sql',
    label: 'SQL Database cluster',
    zone: 'sql',
    box: { x: colC.x, y: top, w: colC.w, h: mid - top + 60 },
  });
  boxes.push({
    key: 'other',
    label: 'other actors',
    zone: 'other',
    box: { x: colC.x, y: mid + 100, w: colC.w, h: bottom - mid - 100 },
  });
  const walls: Wall[] = [
    { x: bar1, y0: top, y1: mid - 10, label: 'edge: LB + endpoint ACLs' },
    { x: bar1, y0: mid + 10, y1: bottom, label: 'corpnet ACLs + firewall' },
    { x: bar2, y0: top, y1: mid + 60, label: 'SQL firewall' },
  ];
  const places = new Map<string, ActorPlace>();
  const byBox = new Map<string, string[]>();
  for (const actor of run.analysis.actors) {
    const p = placeActor(actor, world, run.entities);
    places.set(actor, p);
    const key = p.zone === 'cluster' ? `cluster-${Math.min(p.cluster, shown - 1)}` : p.zone;
    let list = byBox.get(key);
    if (!list) byBox.set(key, (list = []));
    list.push(actor);
  }
  // The "other" zone is shown only when some actor could not be placed in a known zone.
  if (!byBox.has('other'))
    boxes.splice(
      boxes.findIndex((b) => b.key === 'other'),
      1,
    );
  const pos = new Map<string, [number, number]>();
  const labels = new Map<string, string>();
  for (const b of boxes) {
    const list = (byBox.get(b.key) ?? []).slice().sort((x, y) => {
      const gx = places.get(x)!.group;
      const gy = places.get(y)!.group;
      return gx - gy || (x < y ? -1 : x > y ? 1 : 0);
    });
    if (list.length === 0) continue;
    const inner = { x: b.box.x + 12, y: b.box.y + 30, w: b.box.w - 24, h: b.box.h - 40 };
    // Labelled: as many columns as the rows need at a readable height, each label cut to its column's width.
    // Otherwise a dense grid of dots (each named by its tooltip).
    const rowsFit = Math.max(1, Math.floor(inner.h / LABEL_ROW_PX));
    const labelCols = Math.ceil(list.length / rowsFit);
    const chars = Math.floor((inner.w / labelCols - LABEL_PAD_PX) / LABEL_CHAR_PX);
    const labelled = list.length <= LABELLED_ACTORS && chars >= MIN_LABEL_CHARS;
    const cols = labelled ? labelCols : Math.max(1, Math.floor(inner.w / 14));
    const rows = Math.ceil(list.length / cols);
    const rowH = Math.max(6, Math.min(22, inner.h / Math.max(1, rows)));
    list.forEach((actor, i) => {
      const x = inner.x + (i % cols) * (inner.w / cols) + 4;
      const y = inner.y + Math.floor(i / cols) * rowH + 4;
      pos.set(actor, [x, Math.min(y, b.box.y + b.box.h - 6)]);
      if (labelled) labels.set(actor, shortActor(inZone(actor, b.zone), chars));
    });
  }
  return { boxes, walls, pos, places, labels };
}

/**
 * The route from a to b: straight, or through the wall(s) it crosses (a waypoint on each). Where two walls stand at
 * the same x (the internet's and the corporate network's), the message goes through the one in front of the zone
 * its outer end is in — a corporate-network message never passes through the internet's edge.
 */
export function routeBetween(a: [number, number], b: [number, number], walls: readonly Wall[]): [number, number][] {
  const route: [number, number][] = [a];
  const [x0, y0] = a;
  const [x1, y1] = b;
  const byX = new Map<number, Wall[]>();
  for (const w of walls) {
    if ((w.x - x0) * (w.x - x1) >= 0) continue;
    const list = byX.get(w.x);
    if (list) list.push(w);
    else byX.set(w.x, [w]);
  }
  const crossings: [number, number, number][] = [];
  for (const [wx, list] of byX) {
    // The end on the wall's outer (left) side decides which of the walls at this x it goes through.
    const outerY = x0 < wx ? y0 : y1;
    const dist = (w: Wall) => (outerY < w.y0 ? w.y0 - outerY : outerY > w.y1 ? outerY - w.y1 : 0);
    const w = list.reduce((best, c) => (dist(c) < dist(best) ? c : best));
    const f = (wx - x0) / (x1 - x0);
    crossings.push([wx, Math.max(w.y0 + 4, Math.min(w.y1 - 4, y0 + f * (y1 - y0))), f]);
  }
  crossings.sort((p, q) => p[2] - q[2]);
  for (const [x, y] of crossings) route.push([x, y]);
  route.push(b);
  return route;
}

function lengths(route: readonly [number, number][]): number[] {
  const out = [0];
  for (let i = 1; i < route.length; i++) {
    const [ax, ay] = route[i - 1]!;
    const [bx, by] = route[i]!;
    out.push(out[i - 1]! + Math.hypot(bx - ax, by - ay));
  }
  return out;
}

/** Fraction of the route's length at vertex i. */
function segmentFraction(route: readonly [number, number][], i: number): number {
  const l = lengths(route);
  const total = l[l.length - 1]!;
  return total > 0 ? l[i]! / total : 0;
}

function pointAlong(route: readonly [number, number][], f: number): [number, number] {
  const l = lengths(route);
  const total = l[l.length - 1]!;
  const d = f * total;
  for (let i = 1; i < route.length; i++) {
    if (d <= l[i]! || i === route.length - 1) {
      const [ax, ay] = route[i - 1]!;
      const [bx, by] = route[i]!;
      const seg = l[i]! - l[i - 1]!;
      const t = seg > 0 ? (d - l[i - 1]!) / seg : 0;
      return [ax + (bx - ax) * t, ay + (by - ay) * t];
    }
  }
  return route[0]!;
}
