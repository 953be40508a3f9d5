/** The keyboard help (opened with "?"). */
import { h } from '../dom.js';

const KEYS: [string, string][] = [
  ['Space', 'play / pause'],
  ['→ / ←', 'one event forward / back'],
  ['Shift+→ / Shift+←', 'next / previous mark (fault, detection, recovery… as chosen beside the buttons)'],
  ['+ / −', 'twice / half as fast (1× is real time, up to 10,000×)'],
  ['Home / End', 'start / end of the run'],
  ['Esc', 'clear the selection'],
  ['?', 'this help'],
];

export class HelpDialog {
  readonly el: HTMLDialogElement;

  constructor() {
    this.el = h(
      'dialog',
      { class: 'help-dialog', attrs: { 'data-testid': 'help' } },
      h('h2', null, 'Keyboard'),
      h(
        'table',
        { class: 'kv' },
        ...KEYS.map(([k, v]) => h('tr', null, h('th', null, h('kbd', null, k)), h('td', null, v))),
      ),
      h('h2', null, 'Reading the views'),
      h(
        'ul',
        null,
        h(
          'li',
          null,
          'Topology: clusters contain racks (fault domains), racks contain nodes, nodes run role instances. Colour = state; squares are web roles, circles worker roles; an orange outline marks what the current step changed.',
        ),
        h(
          'li',
          null,
          'Network: zones with the firewalls between them; dots are messages in flight, orange when refused.',
        ),
        h('li', null, 'Space-time: one lane per actor, one arrow per message.'),
        h(
          'li',
          null,
          'Timeline: shaded = a fault is active; ✕ fault, ▲ detection, ● recovery, red bar = failed expectation; hollow marks ahead of the playhead are scheduled.',
        ),
      ),
      h(
        'div',
        { class: 'dialog-buttons' },
        h('button', { class: 'btn', on: { click: () => this.el.close() } }, 'Close'),
      ),
    );
  }

  open(): void {
    if (!this.el.open) this.el.showModal();
  }

  toggle(): void {
    if (this.el.open) this.el.close();
    else this.el.showModal();
  }
}
