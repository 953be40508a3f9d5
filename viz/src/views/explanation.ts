/**
 * The explanation of the selected event (or of the current one): what happened, why — its chain of causes back to
 * the root fault, each step with its time — which rule decided it, and which part of the seed document it
 * illustrates.
 */
import type { App } from '../app.js';
import { clear, h } from '../dom.js';
import { causeChain } from '../model/cause.js';
import { messageFate } from '../model/fate.js';
import { type RuleTable, ruleTable } from '../model/rule-table.js';
import { alternativePolicies, policyOfEvent, policyOfRule } from '../model/rules.js';
import { type RuleForkChange, ruleForkLabel, securityRuleFork } from '../model/security-fork.js';
import { formatClock, formatDuration } from '../model/time.js';
import type { ForkChange } from '../runner/protocol.js';
import { kindText, topicForEvent } from '../topics.js';
import { throttledWhilePlaying } from './throttle.js';

export class Explanation {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private shown = -2;
  /** Opens the rule dialog for a policy ("section.key"); set by the app. */
  onRule: ((policy: string) => void) | null = null;
  /** Re-runs with a security rule turned around (allow a denied attempt, deny an admitted one); set by the app. */
  onSecurityRule: ((change: RuleForkChange, label: string) => void) | null = null;
  /** Re-runs with another built-in policy for a pluggable decision; set by the app. */
  onPolicyChoice: ((change: ForkChange, label: string) => void) | null = null;
  private shownRun: unknown = null;

  constructor(private readonly app: App) {
    this.body = h('div', { class: 'panel-body' });
    this.el = h(
      'section',
      { class: 'panel explanation', attrs: { 'data-testid': 'explanation' } },
      h('header', { class: 'panel-head' }, h('h2', null, 'Why?')),
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
    const id = this.app.selectedEvent >= 0 ? this.app.selectedEvent : (run?.replay.position ?? 0) - 1;
    if (run === this.shownRun && id === this.shown) return;
    this.shown = id;
    this.shownRun = run;
    clear(this.body);
    if (!run || id < 0) {
      this.body.append(
        h('p', { class: 'hint' }, 'Select an event (in the log or on the timeline) to see why it happened.'),
      );
      return;
    }
    const events = run.replay.events;
    const e = events.at(id)!;
    this.body.dataset.event = String(id);
    this.body.append(
      h(
        'div',
        { class: 'event-title' },
        h('span', { class: 'time' }, formatClock(e.t)),
        ' ',
        h('span', { class: 'kind' }, e.k),
        ' ',
        h('button', { class: 'link', title: 'Inspect the subject', on: { click: () => this.app.select(e.s) } }, e.s),
      ),
      h('p', { class: 'what', attrs: { 'data-testid': 'what' } }, e.x),
    );
    const kt = kindText(e.k);
    if (kt) this.body.append(h('p', { class: 'kind-text' }, kt));
    const decidedBy = policyOfEvent(e.k, run.timeline.scenario.resolved);
    if (decidedBy) {
      this.body.append(
        h(
          'p',
          { class: 'rule', attrs: { 'data-testid': 'policy' } },
          'Decided by policy ',
          h('code', null, decidedBy),
          ...alternativePolicies(e.k, run.timeline.scenario.resolved).map((alt) =>
            this.onPolicyChoice
              ? h(
                  'button',
                  {
                    class: 'btn small',
                    title: `Run the scenario again with the built-in ${alt.use} policy`,
                    attrs: { 'data-testid': 'what-if-policy' },
                    on: {
                      click: () =>
                        this.onPolicyChoice?.({ type: 'choice', ...alt }, `policies.fc.${alt.point}: ${alt.use}`),
                    },
                  },
                  `What if ${alt.use} decided?`,
                )
              : null,
          ),
        ),
      );
    }
    if (e.r) {
      const policy = policyOfRule(
        e.r,
        (run.timeline.scenario.resolved as { policies?: unknown } | undefined)?.policies,
      );
      this.body.append(
        h(
          'p',
          { class: 'rule' },
          'Decided by rule ',
          h('code', null, e.r),
          policy && this.onRule
            ? h(
                'button',
                {
                  class: 'btn small',
                  title: 'Run the scenario again with this rule changed',
                  attrs: { 'data-testid': 'what-if-rule' },
                  on: { click: () => this.onRule?.(policy) },
                },
                'What if it were different?',
              )
            : null,
        ),
      );
      const table = ruleTable(e, run.timeline.scenario.resolved);
      if (table) this.body.append(drawRuleTable(table));
      const flip = this.onSecurityRule ? securityRuleFork(e, e.t) : undefined;
      if (flip) {
        this.body.append(
          h(
            'p',
            { class: 'rule' },
            h(
              'button',
              {
                class: 'btn small',
                title: `Run the scenario again with this rule changed from ${formatClock(e.t)} on: ${ruleForkLabel(flip)}`,
                attrs: { 'data-testid': 'what-if-security-rule', 'data-action': flip.action },
                on: { click: () => this.onSecurityRule?.(flip, `${ruleForkLabel(flip)} from ${formatClock(e.t)}`) },
              },
              flip.action === 'allow' ? 'What if this rule had allowed it?' : 'What if this rule had denied it?',
            ),
          ),
        );
      }
    }
    if (e.m) {
      const fate = messageFate(events, id);
      this.body.append(
        h(
          'p',
          { class: `message ${fate.fate}`, attrs: { 'data-testid': 'message-fate', 'data-fate': fate.fate } },
          `Message ${e.m.from} → ${e.m.to}: ${fate.label}`,
          e.m.at > e.t ? ` (arrives after ${formatDuration(e.m.at - e.t)})` : '',
        ),
      );
    }
    if (e.d && e.d.length > 0) {
      this.body.append(
        h('p', { class: 'deadlines' }, 'Arms: ', e.d.map((d) => `${d.k} on ${d.s} at ${formatClock(d.t)}`).join('; ')),
      );
    }
    // Why: the cause chain, root first.
    const chain = causeChain(events, id);
    const root = events.at(chain.ids[0]!)!;
    const list = h('ol', { class: 'cause-chain', attrs: { 'data-testid': 'cause-chain' } });
    for (const cid of chain.ids) {
      const c = events.at(cid)!;
      list.append(
        h(
          'li',
          { class: cid === id ? 'self' : undefined, data: { event: cid } },
          h(
            'button',
            { class: 'link', title: 'Go to this event', on: { click: () => this.app.goToEvent(cid) } },
            formatClock(c.t),
          ),
          cid === chain.ids[0] ? '' : h('span', { class: 'delta' }, ` +${formatDuration(c.t - root.t)}`),
          ' ',
          h('span', { class: 'kind' }, c.k),
          ' ',
          c.x,
        ),
      );
    }
    this.body.append(
      h('h3', null, chain.ids.length > 1 ? 'Why: from the root cause to this event' : 'Why'),
      chain.ids.length > 1 || chain.truncated
        ? list
        : h(
            'p',
            { class: 'hint' },
            'This is a root event: nothing before it in the run caused it (a fault or a scripted step).',
          ),
    );
    if (chain.truncated)
      this.body.append(h('p', { class: 'hint' }, '(the chain is longer; its first steps are not shown)'));
    // Topic: the section of the document this kind of event illustrates.
    const topic = topicForEvent(events, id);
    if (topic) {
      this.body.append(
        h(
          'div',
          { class: 'topic', attrs: { 'data-testid': 'topic' } },
          h('h3', null, 'In the document: ', topic.title),
          h('p', null, topic.text),
        ),
      );
    }
  }
}

/** The wall a decision came from, as a table: its rules in the order tried, the deciding one highlighted. */
function drawRuleTable(t: RuleTable): HTMLElement {
  const table = h(
    'table',
    { class: 'rule-table', attrs: { 'data-testid': 'rule-table', 'data-list': t.wall, 'data-kind': t.kind } },
    h(
      'tr',
      null,
      h('th', null, '#'),
      h('th', null, 'rule'),
      h('th', null, 'action'),
      h('th', null, 'from → to, what'),
      h('th', null, ''),
    ),
  );
  let n = 0;
  for (const r of t.rows) {
    const stateText =
      r.state === 'match' ? (r.fallback ? '◀ applied' : '◀ matched') : r.state === 'other' || r.fallback ? '' : r.state;
    table.append(
      h(
        'tr',
        {
          class: `rule-row ${r.state.replace(' ', '-')}${r.fallback ? ' fallback' : ''}`,
          data: { rule: r.fallback ? '(default)' : r.name, id: r.rule, state: r.state },
        },
        h('td', null, r.fallback ? '' : String(++n)),
        h(
          'td',
          { class: 'rule-name' },
          r.fallback ? h('em', null, r.name) : r.name,
          r.builtIn && !r.fallback ? h('span', { class: 'muted' }, ' (platform)') : null,
        ),
        h('td', { class: `action ${r.action}` }, r.action),
        h('td', null, `${r.from} → ${r.to}`, h('br'), h('span', { class: 'muted' }, r.what)),
        h('td', { class: 'state' }, stateText),
      ),
    );
  }
  return h(
    'div',
    { class: 'rule-table-box' },
    h('p', { class: 'hint' }, t.how, t.matched ? '' : ' The deciding rule is not in this table.'),
    table,
  );
}
