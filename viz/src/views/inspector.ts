/**
 * The inspector: the selected entity's current state, with the fields that the current step changed highlighted
 * (and their previous value), and the latest events about it.
 */
import type { World } from '../../../sim/spec/index.js';
import type { App } from '../app.js';
import { clear, h } from '../dom.js';
import { lastAtOrBefore } from '../model/analysis.js';
import { type EntityRef, entityState, pathTarget } from '../model/entities.js';
import { kindLabel } from '../model/intent.js';
import { type Ladder, ladderPolicies, RUNGS, recoveryLadder } from '../model/ladder.js';
import { formatClock, formatDuration } from '../model/time.js';
import { throttledWhilePlaying } from './throttle.js';

const HISTORY = 8;

export class Inspector {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  /** Called when the user asks "what if" on the selected entity. */
  onFork: ((entity: string) => void) | null = null;

  constructor(private readonly app: App) {
    this.body = h('div', { class: 'panel-body' });
    this.el = h(
      'section',
      { class: 'panel inspector', attrs: { 'data-testid': 'inspector' } },
      h('header', { class: 'panel-head' }, h('h2', null, 'Inspector')),
      this.body,
    );
    const render = throttledWhilePlaying(app, () => this.render());
    app.onFrame((c) => {
      if (c.has('run') || c.has('select')) this.render();
      else if (c.has('time')) render();
    });
  }

  private render(): void {
    const run = this.app.run;
    clear(this.body);
    const sel = this.app.selection;
    if (!run || !sel) {
      this.body.append(h('p', { class: 'hint' }, 'Click a node, an instance, a rack or an actor to inspect it.'));
      return;
    }
    const ref = run.entities.get(sel) ?? run.entities.get(sel.slice(sel.indexOf(':') + 1));
    const world = run.replay.state;
    const state = ref ? entityState(world, ref) : undefined;
    this.body.append(
      h(
        'div',
        { class: 'inspect-title' },
        h('span', { class: 'entity-kind' }, ref?.kind ?? 'actor'),
        h('strong', { attrs: { 'data-testid': 'inspector-id' } }, sel),
        ref && isForkable(ref)
          ? h(
              'button',
              {
                class: 'btn small',
                title: 'Inject a fault here and compare the outcome',
                attrs: { 'data-testid': 'what-if' },
                on: { click: () => this.onFork?.(ref.id) },
              },
              'What if…',
            )
          : null,
      ),
    );
    if (ref && state) {
      const changed = this.changedFields(ref);
      const prev = changed.size > 0 ? entityState(run.replay.stateAt(run.replay.position - 1), ref) : undefined;
      const table = h('table', { class: 'kv', attrs: { 'data-testid': 'inspector-fields' } });
      for (const [key, value] of Object.entries(state)) {
        const isChanged = changed.has(key) || changed.has('*');
        const before = isChanged && prev ? (prev as Record<string, unknown>)[key] : undefined;
        table.append(
          h(
            'tr',
            { class: isChanged ? 'changed' : undefined, data: { field: key } },
            h('th', null, key),
            h(
              'td',
              null,
              describeValue(world, ref, key, value),
              isChanged && prev && before !== value
                ? h('span', { class: 'was' }, ` (was ${describeValue(world, ref, key, before)})`)
                : null,
            ),
          ),
        );
      }
      const ladder = this.ladderOf(ref);
      if (ladder) this.body.append(this.drawLadder(ladder));
      this.body.append(table);
    } else if (!ref) {
      const n = run.analysis.actors.includes(sel) ? 'an actor that sends and receives messages' : 'not in this run';
      this.body.append(h('p', { class: 'hint' }, `${sel}: ${n}.`));
    } else {
      this.body.append(h('p', { class: 'hint' }, 'This entity is not in the world at this moment.'));
    }
    // The latest events about this entity, up to the playhead.
    const ids = run.analysis.bySubject.get(sel) ?? (ref ? run.analysis.bySubject.get(ref.id) : undefined);
    if (ids && ids.length > 0) {
      const last = lastAtOrBefore(ids, run.replay.position - 1);
      const list = h('ol', { class: 'history' });
      for (let j = last; j >= 0 && j > last - HISTORY; j--) {
        const id = ids[j]!;
        const e = run.replay.events.at(id)!;
        list.append(
          h(
            'li',
            { on: { click: () => this.app.goToEvent(id) }, title: 'Go to this event' },
            h('span', { class: 'time' }, formatClock(e.t)),
            ' ',
            h('span', { class: 'kind' }, kindLabel(e)),
            ' ',
            e.x,
          ),
        );
      }
      if (last >= 0) this.body.append(h('h3', null, 'Recent events'), list);
    }
  }

  /** The recovery ladder of a node or an instance (with the nodes it was on), at the playhead. */
  private ladderOf(ref: EntityRef): Ladder | null {
    const run = this.app.run!;
    if (ref.kind !== 'node' && ref.kind !== 'instance') return null;
    const names = new Set([ref.id]);
    const events = run.replay.events;
    if (ref.kind === 'instance') {
      const inst = run.replay.state.clusters[ref.a]?.instances[ref.b];
      const node = inst && inst.node >= 0 ? run.replay.state.clusters[ref.a]!.nodes[inst.node]?.id : undefined;
      if (node) names.add(node);
      // The nodes it was moved off: the subject of the healing that moved it.
      for (const id of run.analysis.bySubject.get(ref.id) ?? []) {
        if (id >= run.replay.position) break;
        const e = events.at(id)!;
        if (e.k === 'instance.moved' && e.c >= 0) names.add(events.at(e.c)!.s);
      }
    }
    const lists = [...names].map((n) => run.analysis.bySubject.get(n) ?? new Int32Array(0));
    const policies = (run.timeline.scenario.resolved as { policies?: unknown } | undefined)?.policies;
    return recoveryLadder(events, lists, run.replay.position, this.app.timeUs, ladderPolicies(policies));
  }

  private drawLadder(l: Ladder): HTMLElement {
    const run = this.app.run!;
    const events = run.replay.events;
    const now = this.app.timeUs;
    const end = l.recovered >= 0 ? events.at(l.recovered)!.t : now;
    const list = h('ol', { class: 'ladder-rungs' });
    RUNGS.forEach((rung, i) => {
      const at = l.reached[i]!;
      const state = at < 0 ? (i > l.current ? 'ahead' : 'skipped') : i === l.current ? 'current' : 'done';
      // Time on a rung: until the next rung reached, or until now (or the recovery) for the last one.
      let until = end;
      for (let j = i + 1; j < RUNGS.length; j++) {
        const next = l.reached[j]!;
        if (next >= 0) {
          until = events.at(next)!.t;
          break;
        }
      }
      list.append(
        h(
          'li',
          { class: `rung ${state}`, data: { rung: rung.key, state } },
          h('span', { class: 'rung-label' }, rung.label),
          at >= 0
            ? h(
                'span',
                { class: 'rung-time' },
                h(
                  'button',
                  { class: 'link', on: { click: () => this.app.goToEvent(at) } },
                  formatClock(events.at(at)!.t),
                ),
                ` · ${formatDuration(Math.max(0, until - events.at(at)!.t))}`,
                l.tries[i]! > 1
                  ? h('span', { class: 'rung-tries', attrs: { 'data-testid': 'ladder-tries' } }, ` · ×${l.tries[i]}`)
                  : null,
              )
            : null,
          state === 'current' && l.deadlines.length > 0
            ? h(
                'span',
                { class: 'rung-deadline', attrs: { 'data-testid': 'ladder-deadline' } },
                l.deadlines
                  .map((d) =>
                    d.next
                      ? `next rung by ${formatClock(d.t)} (${d.k}, in ${formatDuration(d.t - now)})`
                      : `waits for ${d.k} by ${formatClock(d.t)}`,
                  )
                  .join(' · '),
              )
            : null,
          i === 0 && state === 'current' && l.recovered < 0 ? this.crashLoopNote(l) : null,
          rung.key === 'vm' && state === 'current' && events.at(at)?.k === 'instance.reimage'
            ? this.moveNote(at)
            : null,
        ),
      );
    });
    const status =
      l.recovered >= 0
        ? `recovered at ${formatClock(events.at(l.recovered)!.t)}`
        : l.current < 0
          ? 'broken; no remedy tried yet'
          : `on rung ${l.current + 1} of ${RUNGS.length}`;
    return h(
      'div',
      {
        class: 'ladder',
        attrs: { 'data-testid': 'ladder', 'data-current': l.current, 'data-recovered': String(l.recovered >= 0) },
      },
      h('h3', null, 'Recovery ladder ', h('span', { class: 'muted' }, status)),
      list,
    );
  }

  /**
   * On the restart rung, what makes the platform climb on: the crash count against the crash-loop rule, or — the
   * loop declared and the package at fault — that it does not.
   */
  private crashLoopNote(l: Ladder): HTMLElement | null {
    const role = ladderPolicies((this.app.run?.timeline.scenario.resolved as { policies?: unknown })?.policies);
    const attrs = { 'data-testid': 'ladder-crash-loop' };
    if (l.packageAtFault)
      return h(
        'span',
        { class: 'rung-deadline package', attrs: { ...attrs, 'data-package': 'true' } },
        `crash loop at ${formatClock(this.app.run!.replay.events.at(l.crashLoop)!.t)}: the deployed package is at fault, so no further rung — restarts go on at the capped back-off${role.backoffMaxUs ? ` (every ${formatDuration(role.backoffMaxUs)})` : ''}`,
      );
    if (l.crashLoop >= 0)
      return h(
        'span',
        { class: 'rung-deadline', attrs },
        `crash loop at ${formatClock(this.app.run!.replay.events.at(l.crashLoop)!.t)}: reported to the FC, which reimages the instance`,
      );
    if (!role.crashLoopCrashes || !role.crashLoopWindowUs || l.crashes === 0) return null;
    return h(
      'span',
      { class: 'rung-deadline', attrs: { ...attrs, 'data-crashes': l.crashes } },
      `${l.crashes} of ${role.crashLoopCrashes} crashes within ${formatDuration(role.crashLoopWindowUs)}; at ${role.crashLoopCrashes} it is a crash loop and the FC reimages it`,
    );
  }

  /** After the FC's reimage: the next rung comes if the role loops again within the node failure window. */
  private moveNote(reimage: number): HTMLElement | null {
    const policies = (this.app.run?.timeline.scenario.resolved as { policies?: { node?: Record<string, unknown> } })
      ?.policies;
    const w = policies?.node?.failureWindowUs;
    if (typeof w !== 'number' || w <= 0) return null;
    const t = this.app.run!.replay.events.at(reimage)!.t + w;
    return h(
      'span',
      { class: 'rung-deadline', attrs: { 'data-testid': 'ladder-move-by' } },
      `if it loops again before ${formatClock(t)} (within ${formatDuration(w)}), the FC moves it to another node`,
    );
  }

  /** Fields of the entity that the current event's patches touched ('*' = the whole entity was replaced). */
  private changedFields(ref: EntityRef): Set<string> {
    const out = new Set<string>();
    const e = this.app.run?.replay.current;
    for (const p of e?.p ?? []) {
      const t = pathTarget(p.path);
      if (!t || t.kind !== ref.kind || t.a !== ref.a || t.b !== ref.b) continue;
      const f = t.field[0];
      out.add(f === undefined ? '*' : String(f));
    }
    return out;
  }
}

function isForkable(ref: EntityRef): boolean {
  return ['instance', 'node', 'rack', 'fc', 'watchdog', 'database'].includes(ref.kind);
}

/** A value as text; indices into cluster arrays are shown as the ids they point to. */
function describeValue(world: World, ref: EntityRef, key: string, value: unknown): string {
  const cluster = ref.a >= 0 ? world.clusters[ref.a] : undefined;
  if (ref.kind === 'instance' && key === 'node' && typeof value === 'number') {
    return value < 0 ? 'unplaced' : (cluster?.nodes[value]?.id ?? String(value));
  }
  if (ref.kind === 'instance' && key === 'service' && typeof value === 'number') {
    return world.services[value]?.id ?? String(value);
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    if (ref.kind === 'node' && key === 'instances')
      return value.map((i) => cluster?.instances[i]?.id ?? i).join(', ') || '—';
    if (ref.kind === 'rack' && key === 'nodes') return value.map((i) => cluster?.nodes[i]?.id ?? i).join(', ') || '—';
    if (ref.kind === 'role' && key === 'instances') {
      const c = world.clusters[world.services[ref.a]?.cluster ?? -1];
      return value.map((i) => c?.instances[i]?.id ?? i).join(', ') || '—';
    }
  }
  if (Array.isArray(value) && value.length > 6) return `${value.length} items`;
  if (value !== null && typeof value === 'object') {
    const text = JSON.stringify(value);
    return text.length > 160 ? `${text.slice(0, 157)}…` : text;
  }
  return String(value);
}
