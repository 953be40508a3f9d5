/**
 * Playback controls: play/pause, step, jumps to the next/previous mark, speed (logarithmic, 1× … 10,000×), the
 * scrubber (grabbing it pauses), the clock, and "run until" a condition.
 */
import { type App, MAX_SPEED, MIN_SPEED } from '../app.js';
import { h, setText } from '../dom.js';
import type { MarkKind } from '../model/analysis.js';
import type { EventList } from '../model/event-list.js';
import { formatClock, parseDuration } from '../model/time.js';

export type JumpKind = MarkKind | 'any';

const JUMP_LABELS: Record<JumpKind, string> = {
  any: 'any mark',
  fault: 'fault',
  'fault-end': 'fault end',
  detect: 'detection',
  recover: 'recovery',
  expectation: 'failed expectation',
};

const SCRUB_STEPS = 10_000;

export class Controls {
  readonly el: HTMLElement;
  private readonly playBtn: HTMLButtonElement;
  private readonly clock: HTMLElement;
  private readonly scrub: HTMLInputElement;
  private readonly speed: HTMLInputElement;
  private readonly speedLabel: HTMLElement;
  private readonly jumpKind: HTMLSelectElement;
  private readonly untilInput: HTMLInputElement;
  private readonly message: HTMLElement;
  private scrubbing = false;

  constructor(private readonly app: App) {
    this.playBtn = h('button', {
      class: 'btn primary play',
      title: 'Play / pause (space)',
      attrs: { 'data-testid': 'play' },
      on: { click: () => app.togglePlay() },
    });
    this.clock = h('span', { class: 'clock', attrs: { 'data-testid': 'clock' } }, formatClock(0));
    this.scrub = h('input', {
      class: 'scrubber',
      attrs: {
        type: 'range',
        min: 0,
        max: SCRUB_STEPS,
        step: 1,
        value: 0,
        'aria-label': 'Playhead',
        'data-testid': 'scrubber',
      },
      on: {
        pointerdown: () => {
          this.scrubbing = true;
          app.pause();
        },
        input: () => {
          app.pause();
          const run = app.run;
          if (run) app.seekTime((Number(this.scrub.value) / SCRUB_STEPS) * run.timeline.durationUs);
        },
        change: () => {
          this.scrubbing = false;
        },
      },
    });
    window.addEventListener('pointerup', () => {
      this.scrubbing = false;
    });
    this.speed = h('input', {
      class: 'speed',
      attrs: {
        type: 'range',
        min: 0,
        max: Math.log10(MAX_SPEED / MIN_SPEED),
        step: 0.01,
        value: Math.log10(app.speed),
        'aria-label': 'Speed',
        'data-testid': 'speed',
      },
      on: { input: () => app.setSpeed(roundSpeed(10 ** Number(this.speed.value))) },
    });
    this.speedLabel = h('span', { class: 'speed-label' });
    this.jumpKind = h(
      'select',
      { attrs: { 'aria-label': 'Jump to', 'data-testid': 'jump-kind' } },
      ...(Object.keys(JUMP_LABELS) as JumpKind[]).map((k) => h('option', { attrs: { value: k } }, JUMP_LABELS[k])),
    );
    this.untilInput = h('input', {
      class: 'until',
      attrs: {
        type: 'text',
        placeholder: 'run until: 10m · kind detect · subject c0-r1-n2',
        'aria-label': 'Run until',
        'data-testid': 'until',
      },
      on: {
        keydown: (e) => {
          if (e.key === 'Enter') this.runUntil();
          e.stopPropagation();
        },
      },
    });
    this.message = h('span', {
      class: 'controls-message',
      attrs: { role: 'status', 'data-testid': 'controls-message' },
    });
    const btn = (label: string, title: string, fn: () => void, testid: string) =>
      h('button', { class: 'btn', title, attrs: { 'data-testid': testid }, on: { click: fn } }, label);
    this.el = h(
      'div',
      { class: 'controls' },
      btn('|◀', 'Back to the start (Home)', () => app.seekPosition(0), 'start'),
      btn('◀◀', 'Previous mark of the chosen kind (Shift+←)', () => this.jump(-1), 'jump-prev'),
      btn('◀', 'Step one event back (←)', () => app.stepBack(), 'step-back'),
      this.playBtn,
      btn('▶', 'Step one event forward (→)', () => app.stepForward(), 'step-forward'),
      btn('▶▶', 'Next mark of the chosen kind (Shift+→)', () => this.jump(1), 'jump-next'),
      this.jumpKind,
      this.clock,
      this.scrub,
      h(
        'label',
        { class: 'speed-box', title: 'Speed, from real time to 10,000× (+ / −)' },
        this.speed,
        this.speedLabel,
      ),
      this.untilInput,
      btn('Run until', 'Jump to the first event ahead that matches', () => this.runUntil(), 'until-go'),
      this.message,
    );
    app.onFrame((changes) => this.update(changes));
  }

  private update(changes: ReadonlySet<string>): void {
    const app = this.app;
    const run = app.run;
    if (changes.has('status') || changes.has('run')) {
      setText(this.playBtn, app.playing ? '❚❚ Pause' : '▶ Play');
      this.playBtn.setAttribute('aria-pressed', String(app.playing));
      setText(this.speedLabel, `${formatSpeed(app.speed)}×`);
      const v = String(Math.log10(app.speed));
      if (this.speed.value !== v && document.activeElement !== this.speed) this.speed.value = v;
      this.el.classList.toggle('disabled', !run);
    }
    if ((changes.has('time') || changes.has('run')) && run) {
      setText(this.clock, formatClock(app.timeUs));
      this.clock.dataset.position = String(run.replay.position);
      if (!this.scrubbing) {
        const d = run.timeline.durationUs || 1;
        this.scrub.value = String(Math.round((app.timeUs / d) * SCRUB_STEPS));
      }
    }
  }

  /** Jumps to the next (dir = 1) or previous (−1) mark of the chosen kind. */
  jump(dir: 1 | -1, kind = this.jumpKind.value as JumpKind): void {
    const app = this.app;
    const run = app.run;
    if (!run) return;
    const marks = run.analysis.marks.filter((m) => kind === 'any' || m.kind === kind);
    const pos = run.replay.position;
    const now = app.timeUs;
    // A mark is "after" the playhead when its event is not applied yet (or, without an event, when it is later).
    const after = (m: (typeof marks)[number]) => (m.event >= 0 ? m.event >= pos : m.t > now);
    const target = dir > 0 ? marks.find(after) : [...marks].reverse().find((m) => !after(m) && !isCurrent(m, pos));
    if (!target) {
      this.say(`no ${JUMP_LABELS[kind]} ${dir > 0 ? 'ahead' : 'behind'}`);
      return;
    }
    this.say('');
    if (target.event >= 0) app.goToEvent(target.event);
    else {
      app.pause();
      app.seekTime(target.t);
    }
  }

  /** "run until": a time ("10m", "01:30:00"), "kind K" or "subject S" (or a bare word: kind or subject). */
  runUntil(text = this.untilInput.value): void {
    const app = this.app;
    const run = app.run;
    if (!run) return;
    const q = text.trim();
    if (!q) return;
    const events = run.replay.events;
    let match: ((i: number) => boolean) | undefined;
    const m = /^(kind|k|subject|s|time|t)\s*[:=]?\s*(.+)$/i.exec(q);
    const key = m?.[1]?.toLowerCase();
    const value = (m?.[2] ?? q).trim();
    if (key === 'time' || key === 't' || (!key && parseDuration(q) !== undefined)) {
      const t = parseDuration(value);
      if (t === undefined) {
        this.say(`not a time: ${value}`);
        return;
      }
      if (t <= app.timeUs) {
        this.say('that time is not ahead of the playhead');
        return;
      }
      app.pause();
      app.seekTime(t);
      this.say('');
      return;
    }
    if (key === 'kind' || key === 'k') match = kindMatcher(events, value);
    else if (key === 'subject' || key === 's') match = (i) => events.subject(i) === value;
    else {
      const byKind = kindMatcher(events, value);
      match = (i) => byKind(i) || events.subject(i) === value;
    }
    for (let i = run.replay.position; i < events.length; i++) {
      if (match(i)) {
        app.goToEvent(i);
        this.say('');
        return;
      }
    }
    this.say(`nothing ahead matches “${q}”`);
  }

  say(text: string): void {
    setText(this.message, text);
  }
}

function isCurrent(m: { event: number }, pos: number): boolean {
  return m.event === pos - 1;
}

function kindMatcher(events: EventList, kind: string): (i: number) => boolean {
  if (kind.endsWith('*')) {
    const prefix = kind.slice(0, -1);
    return (i) => events.kind(i).startsWith(prefix);
  }
  return (i) => events.kind(i) === kind;
}

/** 1, 2, 5, 10 … snapping near round values, so the slider lands on readable speeds. */
export function roundSpeed(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  const m = v / p;
  const snapped = m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10;
  return Math.abs(m - snapped) / snapped < 0.12 ? snapped * p : Math.round(v);
}

export function formatSpeed(v: number): string {
  return v >= 1000 ? `${Math.round(v / 100) / 10}k`.replace('.0k', 'k') : String(Math.round(v));
}
