/**
 * Two runs side by side — the run shown (A) and a compared one (B, e.g. the passing original and its failing
 * counterexample): each column names its run and its expectations, lists the events around the first one where the
 * two part, highlighted, and walks that event's causes back to its root. "Show" switches the page to that run at
 * that event, so every other view shows it too.
 */
import type { TimelineEvent } from '../../../sim/trace/index.js';
import type { App } from '../app.js';
import { clear, h } from '../dom.js';
import { type Comparison, compareRuns, type SideOfComparison } from '../model/compare.js';
import type { ViewTimeline } from '../model/event-list.js';
import { kindLabel } from '../model/intent.js';
import { formatClock } from '../model/time.js';
import type { Session } from '../session.js';

export class CompareView {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private shownFor: unknown = null;
  /** The comparison drawn, for the tests. */
  comparison: Comparison | null = null;

  constructor(
    private readonly app: App,
    private readonly session: Session,
  ) {
    this.body = h('div', { class: 'compare-columns' });
    this.el = h(
      'section',
      { class: 'panel compare-view hidden', attrs: { 'data-testid': 'compare-view' } },
      h(
        'header',
        { class: 'panel-head' },
        h('h2', null, 'Side by side'),
        h(
          'button',
          {
            class: 'btn small close',
            title: 'Stop comparing',
            attrs: { 'data-testid': 'compare-close' },
            on: { click: () => this.close() },
          },
          '✕',
        ),
      ),
      this.body,
    );
    app.onFrame((c) => {
      if (c.has('run') || c.has('branches')) this.render();
    });
  }

  /** Runs A (the root) and B (the compared branch), when both are loaded. */
  private runs(): { a: ViewTimeline; b: ViewTimeline } | null {
    const a = this.session.branches.find((x) => x.id === 'main')?.run?.timeline;
    const b = this.session.branches.find((x) => x.id === 'compare')?.run?.timeline;
    return a && b ? { a, b } : null;
  }

  close(): void {
    this.session.branches = this.session.branches.filter((b) => b.id !== 'compare');
    if (this.session.current === 'compare') this.session.switchTo('main');
    this.session.onChange?.();
    this.onClose?.();
  }

  /** Called when the comparison is closed (set by the app, to update the address). */
  onClose: (() => void) | null = null;

  /** Shows event `id` of run A or B in every view. */
  show(which: 'main' | 'compare', id: number): void {
    if (this.session.current !== which) this.session.switchTo(which);
    if (id >= 0) this.app.goToEvent(id);
  }

  render(): void {
    const runs = this.runs();
    this.el.classList.toggle('hidden', runs === null);
    if (!runs) {
      this.comparison = null;
      this.shownFor = null;
      clear(this.body);
      return;
    }
    if (this.shownFor === runs.b && this.comparison) {
      this.markCurrent();
      return;
    }
    this.shownFor = runs.b;
    const cmp = compareRuns(runs.a, runs.b);
    this.comparison = cmp;
    clear(this.body);
    const verdict =
      cmp.divergence < 0
        ? 'The two runs have the same events.'
        : `They part at event #${cmp.divergence}` +
          (cmp.a.event >= 0 ? `, at ${formatClock(runs.a.events.at(cmp.divergence)!.t)}` : '') +
          ' — the event `fabricsim diff` names.';
    this.body.append(
      h('p', { class: 'compare-verdict', attrs: { 'data-testid': 'compare-verdict' } }, verdict),
      h(
        'div',
        { class: 'compare-pair' },
        this.column('A', 'main', runs.a, cmp.a),
        this.column('B', 'compare', runs.b, cmp.b),
      ),
    );
    this.markCurrent();
  }

  private markCurrent(): void {
    for (const col of this.body.querySelectorAll<HTMLElement>('.compare-col'))
      col.classList.toggle('current', col.dataset.branch === this.session.current);
  }

  private column(label: string, branch: 'main' | 'compare', tl: ViewTimeline, s: SideOfComparison): HTMLElement {
    const failed = tl.summary.expectations.filter((x) => !x.passed);
    const list = h('ul', { class: 'compare-events' });
    for (let i = s.window[0]; i < s.window[1]; i++) {
      const e = tl.events.at(i)!;
      const divergent = i === s.event;
      list.append(
        h(
          'li',
          {
            class: divergent ? 'divergent' : undefined,
            attrs: {
              'data-event': i,
              ...(divergent ? { 'data-testid': `divergent-${label.toLowerCase()}` } : {}),
            },
            on: { click: () => this.show(branch, i) },
          },
          eventLine(i, e),
        ),
      );
    }
    const chain =
      s.chain.length > 1
        ? h(
            'div',
            { class: 'compare-chain', attrs: { 'data-testid': `chain-${label.toLowerCase()}` } },
            h('strong', null, 'Because of: '),
            ...s.chain
              .slice(0, -1)
              .reverse()
              .map((id) => h('div', { attrs: { 'data-event': id } }, `← ${eventLine(id, tl.events.at(id)!)}`)),
          )
        : null;
    return h(
      'div',
      { class: 'compare-col', data: { branch }, attrs: { 'data-testid': `compare-${label.toLowerCase()}` } },
      h(
        'h3',
        null,
        `${label}: ${tl.scenario.name} · seed ${tl.seed} · ${tl.events.length.toLocaleString('en')} events · hash ${tl.traceHash}`,
      ),
      h(
        'p',
        { class: failed.length ? 'bad' : 'good' },
        failed.length
          ? `fails ${failed.map((x) => `“${x.name}” (measured ${x.measured})`).join(', ')}`
          : `all ${tl.summary.expectations.length} expectations hold`,
      ),
      s.event < 0 && s.window[1] <= tl.events.length
        ? h('p', { class: 'muted' }, `(this run ends after ${tl.events.length.toLocaleString('en')} events)`)
        : null,
      list,
      chain,
      h(
        'button',
        {
          class: 'btn small',
          attrs: {
            'data-testid': `compare-show-${label.toLowerCase()}`,
            disabled: s.event < 0 && tl.events.length === 0,
          },
          on: { click: () => this.show(branch, s.event >= 0 ? s.event : tl.events.length - 1) },
        },
        `Show ${label} here`,
      ),
    );
  }
}

function eventLine(i: number, e: TimelineEvent): string {
  return `#${i} ${formatClock(e.t)} ${kindLabel(e)} ${e.s}${e.x ? ` — ${e.x}` : ''}`;
}
