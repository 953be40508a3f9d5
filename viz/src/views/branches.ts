/**
 * "What if": the fork dialog (inject a fault into an entity at the playhead, or change a rule, and re-run), and the
 * branch tree beside the original run — switch between branches, and compare their metrics side by side.
 */
import type { RunSummary } from '../../../sim/metrics/index.js';
import type { App } from '../app.js';
import { clear, h } from '../dom.js';
import { forkOptions } from '../model/fork-options.js';
import { formatClock, formatDuration, parseDuration } from '../model/time.js';
import type { ForkChange } from '../runner/protocol.js';
import type { Branch, Session } from '../session.js';

export class BranchesView {
  readonly el: HTMLElement;
  private readonly tree: HTMLElement;
  private readonly compare: HTMLElement;
  private readonly dialog: HTMLDialogElement;

  constructor(
    private readonly app: App,
    private readonly session: Session,
  ) {
    this.tree = h('ul', { class: 'branch-tree', attrs: { 'data-testid': 'branch-tree' } });
    this.compare = h('div', { class: 'compare', attrs: { 'data-testid': 'compare' } });
    this.dialog = h('dialog', { class: 'fork-dialog', attrs: { 'data-testid': 'fork-dialog' } });
    this.el = h(
      'section',
      { class: 'panel branches', attrs: { 'data-testid': 'branches' } },
      h(
        'header',
        { class: 'panel-head' },
        h('h2', null, 'What if?'),
        h(
          'button',
          {
            class: 'btn small',
            title: 'Change a rule of the scenario and run it again',
            attrs: { 'data-testid': 'change-rule' },
            on: { click: () => this.openRuleDialog() },
          },
          'Change a rule…',
        ),
      ),
      h(
        'div',
        { class: 'panel-body' },
        h(
          'p',
          { class: 'hint' },
          'Select an entity and press “What if…” (or Alt+click it) to inject a fault at the playhead.',
        ),
        this.tree,
        this.compare,
      ),
      this.dialog,
    );
    app.onFrame((c) => {
      if (c.has('run') || c.has('branches')) this.render();
    });
  }

  render(): void {
    clear(this.tree);
    const s = this.session;
    const depth = (b: Branch): number => (b.parent ? 1 + depth(s.branches.find((x) => x.id === b.parent)!) : 0);
    for (const b of s.branches) {
      const d = depth(b);
      const li = h(
        'li',
        {
          class: `branch ${b.status}${b.id === s.current ? ' current' : ''}`,
          attrs: { style: `padding-left:${d * 16 + 4}px`, 'data-branch': b.id, 'data-status': b.status },
          on: { click: () => s.switchTo(b.id) },
        },
        h('span', { class: 'branch-glyph' }, d > 0 ? '└' : '●'),
        ' ',
        h('strong', null, b.label),
        ' ',
        b.status === 'running'
          ? h('span', { class: 'muted' }, `running… ${Math.round(b.progress * 100)}%`)
          : b.status === 'error'
            ? h('span', { class: 'bad' }, b.error ?? 'failed')
            : h('code', { class: 'hash', attrs: { 'data-testid': 'branch-hash' } }, b.run?.timeline.traceHash ?? ''),
      );
      this.tree.append(li);
    }
    this.renderCompare();
  }

  private renderCompare(): void {
    clear(this.compare);
    const ready = this.session.branches.filter((b) => b.run);
    if (ready.length < 2) return;
    const sums = ready.map((b) => b.run!.timeline.summary);
    const table = h('table', { class: 'compare-table' });
    table.append(h('tr', null, h('th', null, 'metric'), ...ready.map((b) => h('th', null, b.label))));
    const row = (label: string, values: string[], highlight = false) => {
      const differs = values.some((v) => v !== values[0]);
      table.append(
        h(
          'tr',
          { class: differs || highlight ? 'differs' : undefined },
          h('th', null, label),
          ...values.map((v) => h('td', null, v)),
        ),
      );
    };
    row(
      'trace hash',
      sums.map((s) => s.traceHash),
    );
    row(
      'events',
      sums.map((s) => String(s.events)),
    );
    row(
      'faults',
      sums.map((s) => String(s.faults.length)),
    );
    row(
      'worst time to detect',
      sums.map((s) => worst(s, 'ttdUs')),
    );
    row(
      'worst time to recover',
      sums.map((s) => worst(s, 'ttrUs')),
    );
    const roles = [...new Set(sums.flatMap((s) => s.roles.map((r) => r.id)))];
    for (const role of roles) {
      row(
        `${role} availability`,
        sums.map((s) => pct(s.roles.find((r) => r.id === role)?.availability)),
      );
      row(
        `${role} Ready share`,
        sums.map((s) => pct(s.roles.find((r) => r.id === role)?.readyFraction)),
      );
    }
    row(
      'security denied / violations',
      sums.map((s) => `${s.security.denied} / ${s.security.violations}`),
    );
    row(
      'expectations failed',
      sums.map((s) => `${s.expectations.filter((x) => !x.passed).length} of ${s.expectations.length}`),
    );
    this.compare.append(h('h3', null, 'Compare branches'), table);
  }

  /** Opens the dialog of faults that would change something for this entity, at the playhead. */
  openFault(entity: string): void {
    const run = this.app.run;
    if (!run) return;
    const ref = run.entities.get(entity);
    clear(this.dialog);
    const at = this.app.timeUs;
    const options = ref ? forkOptions(run.replay.state, ref) : [];
    this.dialog.append(
      h('h2', null, `What if, at ${formatClock(at)}…`),
      h('p', null, `…something happened to `, h('strong', null, entity), '?'),
    );
    if (!this.session.origin) {
      this.dialog.append(h('p', { class: 'bad' }, 'This run cannot be run again (its timeline carries no scenario).'));
    } else if (options.length === 0) {
      this.dialog.append(
        h(
          'p',
          { class: 'hint' },
          'No fault would change anything here right now (it is already down, or not running).',
        ),
      );
    } else {
      const list = h('div', { class: 'fork-options' });
      for (const o of options) {
        list.append(
          h(
            'button',
            {
              class: 'btn fork-option',
              attrs: { 'data-kind': o.kind, 'data-testid': `fork-${o.kind}` },
              on: {
                click: () => {
                  this.dialog.close();
                  const change: ForkChange = { type: 'fault', kind: o.kind, target: o.target, atUs: at };
                  void this.session.fork(change, `${o.kind} on ${o.target} at ${formatClock(at)}`);
                },
              },
            },
            h('code', null, o.kind),
            ' ',
            o.label,
          ),
        );
      }
      this.dialog.append(list);
    }
    this.dialog.append(
      h(
        'div',
        { class: 'dialog-buttons' },
        h('button', { class: 'btn', on: { click: () => this.dialog.close() } }, 'Cancel'),
      ),
    );
    this.dialog.showModal();
  }

  /** Opens the dialog to change one rule (a policy parameter) and re-run; `preselect` is "section.key". */
  openRuleDialog(preselect?: string): void {
    const run = this.app.run;
    clear(this.dialog);
    const policies = (
      run?.timeline.scenario.resolved as { policies?: Record<string, Record<string, unknown>> } | undefined
    )?.policies;
    this.dialog.append(h('h2', null, 'What if a rule were different?'));
    if (!run || !policies || !this.session.origin) {
      this.dialog.append(h('p', { class: 'bad' }, 'This run carries no scenario rules to change.'));
      this.dialog.append(
        h(
          'div',
          { class: 'dialog-buttons' },
          h('button', { class: 'btn', on: { click: () => this.dialog.close() } }, 'Close'),
        ),
      );
      this.dialog.showModal();
      return;
    }
    const select = h('select', { attrs: { 'data-testid': 'rule-key' } });
    for (const [section, values] of Object.entries(policies)) {
      for (const [key, value] of Object.entries(values)) {
        if (typeof value !== 'number' && typeof value !== 'boolean') continue;
        const shown = key.endsWith('Us') && typeof value === 'number' ? formatDuration(value) : String(value);
        select.append(h('option', { attrs: { value: `${section}.${key}` } }, `${section}.${key} = ${shown}`));
      }
    }
    if (preselect && [...select.options].some((o) => o.value === preselect)) select.value = preselect;
    const input = h('input', {
      attrs: { type: 'text', placeholder: 'new value (e.g. 2, 30s, true)', 'data-testid': 'rule-value' },
    });
    const message = h('p', { class: 'bad' });
    const go = h(
      'button',
      {
        class: 'btn primary',
        attrs: { 'data-testid': 'rule-run' },
        on: {
          click: () => {
            const [section, key] = select.value.split('.') as [string, string];
            const current = policies[section]?.[key];
            const parsed = parseRuleValue(key, current, input.value);
            if (parsed === undefined) {
              message.textContent = `not a value for ${section}.${key}: ${input.value}`;
              return;
            }
            this.dialog.close();
            const shown = key.endsWith('Us') && typeof parsed === 'number' ? formatDuration(parsed) : String(parsed);
            void this.session.fork({ type: 'policy', section, key, value: parsed }, `${section}.${key} = ${shown}`);
          },
        },
      },
      'Run with this rule',
    );
    this.dialog.append(
      h('p', { class: 'hint' }, 'The whole run is repeated with the changed rule, with the same seed.'),
      h('label', null, 'Rule ', select),
      h('label', null, ' value ', input),
      message,
      h(
        'div',
        { class: 'dialog-buttons' },
        h('button', { class: 'btn', on: { click: () => this.dialog.close() } }, 'Cancel'),
        go,
      ),
    );
    this.dialog.showModal();
  }
}

/** Parses a value typed for a rule: durations for `…Us` keys, numbers, booleans. */
export function parseRuleValue(key: string, current: unknown, text: string): number | boolean | undefined {
  const t = text.trim();
  if (typeof current === 'boolean') {
    if (t === 'true' || t === 'yes' || t === 'on') return true;
    if (t === 'false' || t === 'no' || t === 'off') return false;
    return undefined;
  }
  if (key.endsWith('Us')) {
    const us = parseDuration(t); // a bare number is seconds
    return us !== undefined && us >= 0 ? us : undefined;
  }
  if (t === '' || !Number.isFinite(Number(t)) || Number(t) < 0) return undefined;
  return Number(t);
}

function worst(s: RunSummary, key: 'ttdUs' | 'ttrUs'): string {
  let max = -1;
  let missing = 0;
  for (const f of s.faults) {
    const v = f[key];
    if (v === null) missing++;
    else if (v > max) max = v;
  }
  if (s.faults.length === 0) return '—';
  return `${max >= 0 ? formatDuration(max) : '—'}${missing ? ` (+${missing} never)` : ''}`;
}

function pct(v: number | undefined): string {
  return v === undefined ? '—' : `${(v * 100).toFixed(2)}%`;
}
