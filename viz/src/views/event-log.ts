/**
 * The event log: every event (or the filtered ones) in a virtualised list — only the rows in view exist in the DOM,
 * recycled from a small pool — so a million events scroll as smoothly as ten. Click a row to seek to that event.
 */
import type { App } from '../app.js';
import { clear, h, setText } from '../dom.js';
import { filterEvents, type LogFilter, NO_FILTER } from '../model/filter.js';
import { kindLabel } from '../model/intent.js';
import { formatClock } from '../model/time.js';

const ROW_H = 22;
/** Browsers cap element heights (~33 M px in Chromium); beyond this the scroll range is scaled. */
const MAX_SCROLL_PX = 8_000_000;

export class EventLog {
  readonly el: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsEl: HTMLElement;
  private readonly kindSelect: HTMLSelectElement;
  private readonly subjectInput: HTMLInputElement;
  private readonly textInput: HTMLInputElement;
  private readonly countEl: HTMLElement;
  private readonly follow: HTMLInputElement;
  private filter: LogFilter = NO_FILTER;
  /** Filtered ids, or undefined for all events. */
  private ids: Int32Array | undefined;
  private readonly pool: HTMLElement[] = [];
  /** The viewport's height and scroll offset, kept by a ResizeObserver and the scroll event (see renderRows). */
  private viewH = 0;
  private scrollTop = 0;
  /** The run whose events the pooled rows show (a new run renumbers from 0: every row's text must be rewritten). */
  private rowsRun: unknown = null;

  constructor(private readonly app: App) {
    this.kindSelect = h('select', {
      attrs: { 'aria-label': 'Filter by kind', 'data-testid': 'log-kind' },
      on: {
        change: () => this.setFilter({ ...this.filter, kinds: this.kindSelect.value ? [this.kindSelect.value] : [] }),
      },
    });
    const stop = (e: KeyboardEvent) => e.stopPropagation();
    this.subjectInput = h('input', {
      attrs: {
        type: 'search',
        placeholder: 'subject',
        'aria-label': 'Filter by subject',
        'data-testid': 'log-subject',
      },
      on: { input: () => this.setFilter({ ...this.filter, subject: this.subjectInput.value }), keydown: stop },
    });
    this.textInput = h('input', {
      attrs: { type: 'search', placeholder: 'text', 'aria-label': 'Filter by text', 'data-testid': 'log-text' },
      on: { input: () => this.setFilter({ ...this.filter, text: this.textInput.value }), keydown: stop },
    });
    this.countEl = h('span', { class: 'log-count', attrs: { 'data-testid': 'log-count' } });
    this.follow = h('input', { attrs: { type: 'checkbox', checked: true, 'aria-label': 'Follow the playhead' } });
    this.spacer = h('div', { class: 'log-spacer' });
    this.rowsEl = h('div', { class: 'log-rows' });
    this.viewport = h(
      'div',
      { class: 'log-viewport', attrs: { tabindex: 0, 'data-testid': 'log-viewport' } },
      this.spacer,
      this.rowsEl,
    );
    this.viewport.addEventListener(
      'scroll',
      () => {
        this.scrollTop = this.viewport.scrollTop;
        this.renderRows();
      },
      { passive: true },
    );
    this.viewport.addEventListener('wheel', () => {
      this.follow.checked = false;
    });
    this.el = h(
      'section',
      { class: 'panel event-log', attrs: { 'data-testid': 'event-log' } },
      h(
        'header',
        { class: 'panel-head' },
        h('h2', null, 'Events'),
        this.kindSelect,
        this.subjectInput,
        this.textInput,
        h('label', { class: 'follow', title: 'Keep the current event in view' }, this.follow, 'follow'),
        this.countEl,
      ),
      h(
        'div',
        { class: 'log-head' },
        h('span', { class: 'c-id' }, '#'),
        h('span', { class: 'c-t' }, 'time'),
        h('span', { class: 'c-k' }, 'kind'),
        h('span', { class: 'c-s' }, 'subject'),
        h('span', { class: 'c-x' }, 'what happened'),
      ),
      this.viewport,
    );
    new ResizeObserver((entries) => {
      this.viewH = Math.floor(entries[entries.length - 1]!.contentRect.height);
      // A scroll offset written while the log was hidden (or before its spacer had a height) was not taken by the
      // browser: write it again now that the viewport has a size, so the rows and the scroll position agree.
      if (this.viewH > 0) this.viewport.scrollTop = this.scrollTop;
      this.scrollToCurrent(false);
    }).observe(this.viewport);
    app.onFrame((c) => this.update(c));
  }

  setFilter(f: LogFilter): void {
    this.filter = f;
    const run = this.app.run;
    this.ids = run ? filterEvents(run.replay.events, f) : undefined;
    this.layout();
    this.scrollToCurrent(true);
  }

  /** Filter values as controls would set them (tests and URL). */
  applyFilter(f: Partial<LogFilter>): void {
    if (f.kinds) this.kindSelect.value = f.kinds[0] ?? '';
    if (f.subject !== undefined) this.subjectInput.value = f.subject;
    if (f.text !== undefined) this.textInput.value = f.text;
    this.setFilter({ ...this.filter, ...f });
  }

  private get count(): number {
    return this.ids ? this.ids.length : (this.app.run?.replay.n ?? 0);
  }

  private idAt(row: number): number {
    return this.ids ? this.ids[row]! : row;
  }

  /**
   * The row of the current event — the last one applied at the playhead — or of the last event before it that
   * passes the filter; −1 when none. "Follow" keeps this row in view: it follows the clock, not the selection, so
   * that selecting an event and playing on keeps the log moving.
   */
  private rowOfCurrent(): number {
    const run = this.app.run;
    if (!run) return -1;
    const cur = run.replay.position - 1;
    if (!this.ids) return cur;
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid]! <= cur) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  private scale(): number {
    const total = this.count * ROW_H;
    return total > MAX_SCROLL_PX ? total / MAX_SCROLL_PX : 1;
  }

  private maxScroll(): number {
    return Math.max(0, Math.min(this.count * ROW_H, MAX_SCROLL_PX) - (this.viewH || 200));
  }

  private layout(): void {
    const total = this.count * ROW_H;
    this.spacer.style.height = `${Math.min(total, MAX_SCROLL_PX)}px`;
    setText(
      this.countEl,
      `${this.count.toLocaleString('en')} of ${(this.app.run?.replay.n ?? 0).toLocaleString('en')}`,
    );
    this.countEl.dataset.count = String(this.count);
    this.renderRows();
  }

  private update(changes: ReadonlySet<string>): void {
    const run = this.app.run;
    if (changes.has('run')) {
      clear(this.kindSelect);
      this.kindSelect.append(h('option', { attrs: { value: '' } }, 'all kinds'));
      if (run) {
        const prefixes = new Set<string>();
        for (const { kind } of run.analysis.kinds) {
          const dot = kind.indexOf('.');
          if (dot > 0) prefixes.add(kind.slice(0, dot));
        }
        for (const p of [...prefixes].sort())
          this.kindSelect.append(h('option', { attrs: { value: `${p}.*` } }, `${p}.*`));
        for (const { kind, count } of run.analysis.kinds)
          this.kindSelect.append(h('option', { attrs: { value: kind } }, `${kind} (${count})`));
      }
      this.setFilter(this.filter);
      return;
    }
    if (changes.has('time') || changes.has('select')) this.scrollToCurrent(false);
  }

  private scrollToCurrent(force: boolean): void {
    if (!force && !this.follow.checked) {
      this.renderRows();
      return;
    }
    const row = this.rowOfCurrent();
    const viewH = this.viewH || 200;
    const s = this.scale();
    const top = this.scrollTop * s;
    const rowTop = Math.max(0, row) * ROW_H;
    if (rowTop < top || rowTop + ROW_H > top + viewH) {
      // Writing scrollTop is cheap; reading it back would force a layout, so the value is kept here.
      this.scrollTop = Math.max(0, Math.min((rowTop - viewH / 2) / s, this.maxScroll()));
      this.viewport.scrollTop = this.scrollTop;
    }
    this.renderRows();
  }

  private renderRows(): void {
    const run = this.app.run;
    if (!run) return;
    const viewH = this.viewH || 200;
    const s = this.scale();
    const topPx = this.scrollTop * s;
    const first = Math.max(0, Math.floor(topPx / ROW_H));
    const visible = Math.ceil(viewH / ROW_H) + 1;
    const last = Math.min(this.count, first + visible);
    while (this.pool.length < visible) this.pool.push(this.makeRow());
    const current = run.replay.position - 1;
    const selected = this.app.selectedEvent;
    if (this.rowsRun !== run) {
      this.rowsRun = run;
      for (const row of this.pool) delete row.dataset.id;
    }
    // Rows sit in a block that follows the scroll position; offset keeps fractional scrolling smooth.
    this.rowsEl.style.transform = `translateY(${this.scrollTop + (first * ROW_H - topPx)}px)`;
    let shown = 0;
    for (let r = first; r < last; r++) {
      const row = this.pool[shown++]!;
      const id = this.idAt(r);
      const e = run.replay.events.at(id)!;
      if (row.dataset.id !== String(id)) {
        row.dataset.id = String(id);
        const [cId, cT, cK, cS, cX] = row.children as unknown as HTMLElement[];
        cId!.textContent = String(id);
        cT!.textContent = formatClock(e.t);
        cK!.textContent = kindLabel(e);
        cS!.textContent = e.s;
        cX!.textContent = e.x;
        row.title = e.r ? `${e.x}\nrule: ${e.r}` : e.x;
        row.className = `log-row k-${e.k.split('.')[0]}${e.k === 'fault.start' ? ' is-fault' : ''}${e.i === undefined ? '' : ` intent-${e.i}`}`;
      }
      row.classList.toggle('future', id > current);
      row.classList.toggle('current', id === current);
      row.classList.toggle('selected', id === selected);
      row.style.display = '';
      if (!row.parentNode) this.rowsEl.appendChild(row);
    }
    for (let i = shown; i < this.pool.length; i++) this.pool[i]!.style.display = 'none';
    this.rowsEl.dataset.count = String(shown);
  }

  private makeRow(): HTMLElement {
    const row = h(
      'div',
      { class: 'log-row', attrs: { role: 'button' } },
      h('span', { class: 'c-id' }),
      h('span', { class: 'c-t' }),
      h('span', { class: 'c-k' }),
      h('span', { class: 'c-s' }),
      h('span', { class: 'c-x' }),
    );
    row.addEventListener('click', () => {
      const id = Number(row.dataset.id);
      if (Number.isFinite(id)) this.app.goToEvent(id);
    });
    return row;
  }
}
