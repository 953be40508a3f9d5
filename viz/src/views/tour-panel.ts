/**
 * The guided-tour card: one caption at a time, with Continue (play until the next step's event happens, at a speed
 * that takes a few seconds, then pause and show its caption) and Back (return to the previous step's moment).
 */
import type { App } from '../app.js';
import { clear, h } from '../dom.js';
import { type Bound, bareSubject, nextStop, planTour } from '../model/tour-match.js';
import { captionOf, type Tour, type TourTab } from '../tours.js';

/** Wall-clock seconds that playing to the next step should take. */
const STEP_WALL_S = 3;

interface Shown {
  readonly step: number;
  /** Event the step was shown at, or −1 (an intro shown at the start). */
  readonly event: number;
  /** Event and subject bound so far. */
  readonly bound: Bound | null;
}

export class TourPanel {
  readonly el: HTMLElement;
  private tour: Tour | null = null;
  private history: Shown[] = [];
  /** While playing toward a step: the step and its event. */
  private waiting: { step: number; event: number; bound: Bound | null } | null = null;
  /** Switches the visible view (set by the app). */
  onTab: ((tab: TourTab) => void) | null = null;
  /** Opens a bundled scenario by name (set by the app). */
  onOpenScenario: ((name: string) => void) | null = null;
  hasScenario: (name: string) => boolean = () => false;

  constructor(private readonly app: App) {
    this.el = h('aside', { class: 'tour-card hidden', attrs: { 'data-testid': 'tour', 'aria-live': 'polite' } });
    app.onFrame((c) => {
      if (this.waiting && (c.has('time') || c.has('status'))) this.checkArrival();
    });
  }

  get active(): Tour | null {
    return this.tour;
  }

  start(tour: Tour): void {
    const run = this.app.run;
    this.tour = tour;
    this.history = [];
    this.waiting = null;
    this.el.classList.remove('hidden');
    if (!run) {
      this.renderMessage('Open a run first.');
      return;
    }
    // The tour has something to show when Continue would stop at one of this run's events (not only at captions).
    const anyMatch = planTour(run.replay.events, tour.steps).some((stop) => stop.event >= 0);
    if (!anyMatch) {
      this.renderMessage(`This run has no ${tour.needs}.`, this.hasScenario(tour.scenario) ? tour.scenario : undefined);
      return;
    }
    this.app.pause();
    this.app.seekPosition(0);
    this.show(0, -1, null);
  }

  stop(): void {
    this.tour = null;
    this.waiting = null;
    this.history = [];
    this.el.classList.add('hidden');
    clear(this.el);
    if (this.app.playing) this.app.pause();
  }

  /** Continue: the next step whose event happens from here on (or a step without an event). */
  next(): void {
    const run = this.app.run;
    const tour = this.tour;
    if (!run || !tour || this.waiting) return;
    const cur = this.history[this.history.length - 1];
    const from = cur ? (cur.event >= 0 ? cur.event + 1 : run.replay.position) : 0;
    const stop = nextStop(run.replay.events, tour.steps, this.history, from);
    if (!stop) this.renderEnd();
    else if (!tour.steps[stop.step]!.match) this.show(stop.step, stop.event, stop.bound);
    else this.playTo(stop.step, stop.event, stop.bound);
  }

  back(): void {
    if (this.waiting) {
      this.waiting = null;
      this.app.pause();
    }
    if (this.history.length <= 1) return;
    this.history.pop();
    const prev = this.history.pop()!;
    if (prev.event >= 0) this.app.goToEvent(prev.event);
    else this.app.seekPosition(0);
    this.show(prev.step, prev.event, prev.bound);
  }

  private playTo(step: number, event: number, bound: Bound | null): void {
    const app = this.app;
    const run = app.run!;
    const e = run.replay.events.at(event)!;
    const gapUs = Math.max(0, e.t - app.timeUs);
    app.setSpeed(Math.max(1, Math.min(10_000, gapUs / (STEP_WALL_S * 1_000_000))));
    this.waiting = { step, event, bound };
    this.renderWaiting();
    if (gapUs === 0 || run.replay.position > event) {
      app.goToEvent(event);
      this.checkArrival();
      return;
    }
    app.play((from, to) => (event >= from && event < to ? event : -1));
  }

  private checkArrival(): void {
    const w = this.waiting;
    const run = this.app.run;
    if (!w || !run) return;
    if (run.replay.position > w.event) {
      this.waiting = null;
      this.app.pause();
      this.app.goToEvent(w.event);
      this.show(w.step, w.event, w.bound);
    } else if (!this.app.playing) {
      // Paused by the viewer while on the way: offer to carry on.
      this.waiting = null;
      this.renderCaption();
    }
  }

  private show(step: number, event: number, bound: Bound | null): void {
    this.history.push({ step, event, bound });
    const s = this.tour!.steps[step]!;
    if (s.tab) this.onTab?.(s.tab);
    const run = this.app.run;
    if (run && event >= 0) {
      const subject = bareSubject(run.replay.events.at(event)!.s);
      if (run.entities.get(subject)) this.app.select(subject);
    }
    this.renderCaption();
  }

  private frame(...body: (Node | string | null)[]): void {
    clear(this.el);
    const tour = this.tour!;
    this.el.append(
      h(
        'header',
        null,
        h('span', { class: 'tour-label' }, 'Guided tour'),
        h('strong', null, tour.title),
        h(
          'button',
          {
            class: 'btn small close',
            title: 'End the tour',
            attrs: { 'data-testid': 'tour-exit' },
            on: { click: () => this.stop() },
          },
          '✕',
        ),
      ),
      ...body.filter((b): b is Node | string => b !== null),
    );
  }

  private buttons(canBack: boolean, canNext: boolean, nextLabel = 'Continue'): HTMLElement {
    return h(
      'div',
      { class: 'tour-buttons' },
      h(
        'button',
        { class: 'btn', attrs: { disabled: !canBack, 'data-testid': 'tour-back' }, on: { click: () => this.back() } },
        '← Back',
      ),
      h(
        'button',
        {
          class: 'btn primary',
          attrs: { disabled: !canNext, 'data-testid': 'tour-continue' },
          on: { click: () => this.next() },
        },
        nextLabel,
      ),
    );
  }

  private renderCaption(): void {
    const cur = this.history[this.history.length - 1];
    if (!cur || !this.tour) return;
    const step = this.tour.steps[cur.step]!;
    const last = cur.step >= this.tour.steps.length - 1;
    this.frame(
      h(
        'div',
        { class: 'tour-step', attrs: { 'data-testid': 'tour-step', 'data-step': cur.step } },
        `Step ${cur.step + 1} of ${this.tour.steps.length}`,
      ),
      h(
        'p',
        { class: 'tour-caption', attrs: { 'data-testid': 'tour-caption' } },
        captionOf(step, {
          events: this.app.run!.replay.events,
          event: cur.event,
          bound: cur.bound,
          policies: (this.app.run!.timeline.scenario.resolved as { policies?: unknown } | undefined)?.policies,
        }),
      ),
      this.buttons(this.history.length > 1, true, last ? 'Finish' : 'Continue →'),
    );
  }

  private renderWaiting(): void {
    this.frame(
      h(
        'p',
        { class: 'tour-caption muted', attrs: { 'data-testid': 'tour-caption' } },
        'Playing until the next moment…',
      ),
      this.buttons(this.history.length > 0, false),
    );
  }

  private renderEnd(): void {
    this.frame(
      h(
        'p',
        { class: 'tour-caption', attrs: { 'data-testid': 'tour-caption' } },
        'That is the end of this tour in this run.',
      ),
      h(
        'div',
        { class: 'tour-buttons' },
        h(
          'button',
          { class: 'btn primary', attrs: { 'data-testid': 'tour-done' }, on: { click: () => this.stop() } },
          'Close',
        ),
      ),
    );
  }

  private renderMessage(text: string, scenario?: string): void {
    this.frame(
      h('p', { class: 'tour-caption', attrs: { 'data-testid': 'tour-caption' } }, text),
      scenario
        ? h(
            'div',
            { class: 'tour-buttons' },
            h(
              'button',
              {
                class: 'btn primary',
                attrs: { 'data-testid': 'tour-open-scenario' },
                on: { click: () => this.onOpenScenario?.(scenario) },
              },
              `Run the “${scenario}” scenario`,
            ),
          )
        : null,
    );
  }
}
