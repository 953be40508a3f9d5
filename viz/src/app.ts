/**
 * The viewer's state — the loaded run, the playhead, the selection — and the one frame loop that advances the
 * playhead while playing and redraws the views that something changed for.
 *
 * Views subscribe with `onFrame`; changes are coalesced, so any number of seeks within one frame cost one redraw.
 */

import { type Analyser, type Analysis, analyse } from './model/analysis.js';
import { EntityIndex } from './model/entities.js';
import type { ViewTimeline } from './model/event-list.js';
import { Replay } from './replay/replay.js';

/**
 * What changed since the last frame. 'layout' = sizes or zoom (views re-lay themselves out); 'topology' = the
 * topology view asks for its own redraw (a scroll, a collapse) without making the other views redraw.
 */
export type Change = 'run' | 'time' | 'select' | 'layout' | 'topology' | 'branches' | 'filter' | 'status';

/** Where a run came from, so that a link can reproduce it and a fork can re-run it. */
export type RunSource =
  | { readonly kind: 'file'; readonly name: string }
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'scenario'; readonly name: string; readonly seed: number }
  | { readonly kind: 'fork'; readonly parent: string; readonly label: string };

export interface LoadedRun {
  /** Branch id ("main", "fork-1", …). */
  readonly id: string;
  readonly timeline: ViewTimeline;
  readonly replay: Replay;
  readonly analysis: Analysis;
  readonly entities: EntityIndex;
  readonly source: RunSource;
  /** Size of the document read, when read from text (bytes). */
  readonly bytes: number | undefined;
  /** Milliseconds from reading the text to ready for replay. */
  readonly loadMs: number;
  /**
   * Where the load time went (ms): parsing and checking the JSON, building keyframes before the replay is handed
   * over, deriving marks and series; and, once known, how long after that the keyframes built in the background took.
   */
  readonly timings: {
    parseMs: number;
    keyframesMs: number;
    analysisMs: number;
    backgroundKeyframesMs?: number;
    /** Read from a file: reading its bytes (in the load worker), rebuilding the events in the page, its version. */
    readMs?: number;
    unpackMs?: number;
    /** The worker's answer reaching the page (posting, waiting), and the page taking it in (see loader/client.ts). */
    postMs?: number;
    receiveMs?: number;
    /** When the worker began reading, from the page asking (negative: it began earlier, prefetched). */
    startMs?: number;
    /** The pause between the keyframes and the analysis (a turn of the event loop, for the page to paint). */
    pauseMs?: number;
    /** Read as it came: the part of the analysis done while the events arrived (not in `analysisMs`). */
    streamAnalysisMs?: number;
    version?: 1 | 2 | 3;
  };
}

export type FrameListener = (changes: ReadonlySet<Change>) => void;

/** Playback speeds: 1× (real time) … 10,000×. */
export const MIN_SPEED = 1;
export const MAX_SPEED = 10_000;
/** Ring of recent frame draw times (ms), for the benchmark and the status bar. */
const FRAME_SAMPLES = 600;

export class App {
  run: LoadedRun | null = null;
  /** Playhead time, µs. Between events while playing; equal to the current event's time after a step. */
  timeUs = 0;
  /** Selected entity id (node, instance, rack, …) or actor, or null. */
  selection: string | null = null;
  /** Selected event id, or -1. */
  selectedEvent = -1;
  playing = false;
  speed = 100;
  /** Called once when playback reaches a stop condition or the end. */
  private stopAt: ((fromPosition: number, toPosition: number) => number) | null = null;
  private readonly listeners: FrameListener[] = [];
  private readonly pending = new Set<Change>();
  private frameRequested = false;
  private lastFrameMs = 0;
  readonly frameTimes = new Float64Array(FRAME_SAMPLES);
  frameCount = 0;

  onFrame(fn: FrameListener): void {
    this.listeners.push(fn);
  }

  notify(...changes: Change[]): void {
    for (const c of changes) this.pending.add(c);
    this.requestFrame();
  }

  private requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame((now) => this.frame(now));
  }

  /** One animation frame: advance the playhead (rebuilding the state), then redraw. Its duration is recorded. */
  private frame(now: number): void {
    this.frameRequested = false;
    const t0 = performance.now();
    if (this.playing && this.run) {
      const dtMs = this.lastFrameMs ? Math.min(now - this.lastFrameMs, 100) : 0;
      this.advance(dtMs * 1000 * this.speed);
    }
    this.lastFrameMs = this.playing ? now : 0;
    if (this.pending.size > 0) {
      const changes = new Set(this.pending);
      this.pending.clear();
      for (const fn of this.listeners) fn(changes);
      this.frameTimes[this.frameCount % FRAME_SAMPLES] = performance.now() - t0;
      this.frameCount++;
    }
    if (this.playing) this.requestFrame();
  }

  /** Moves the playhead forward by `dtUs` of simulated time, honouring a stop condition. */
  private advance(dtUs: number): void {
    const run = this.run!;
    const end = run.timeline.durationUs;
    let t = Math.min(end, this.timeUs + dtUs);
    const from = run.replay.position;
    let to = run.replay.positionAtTime(t);
    if (this.stopAt && to > from) {
      const hit = this.stopAt(from, to);
      if (hit >= 0) {
        to = hit + 1;
        t = run.replay.events.at(hit)!.t;
        this.stopAt = null;
        this.playing = false;
        this.selectedEvent = hit;
        this.notify('select', 'status');
      }
    }
    run.replay.seek(to);
    this.timeUs = t;
    if (t >= end) {
      this.playing = false;
      this.notify('status');
    }
    this.notify('time');
  }

  /** Replaces the run (a new load, or a switch of branch), keeping the playhead time where possible. */
  setRun(run: LoadedRun, keepTime = false): void {
    this.run = run;
    const t = keepTime ? Math.min(this.timeUs, run.timeline.durationUs) : 0;
    this.timeUs = t;
    run.replay.seek(run.replay.positionAtTime(t));
    if (this.selectedEvent >= run.replay.n) this.selectedEvent = -1;
    if (!keepTime) {
      this.selectedEvent = -1;
      this.selection = null;
    }
    this.notify('run', 'time', 'select', 'status');
  }

  play(stopAt: ((from: number, to: number) => number) | null = null): void {
    if (!this.run) return;
    if (this.timeUs >= this.run.timeline.durationUs) this.seekTime(0);
    this.stopAt = stopAt;
    this.playing = true;
    this.lastFrameMs = 0;
    this.notify('status');
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.stopAt = null;
    this.notify('status');
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    this.speed = Math.max(MIN_SPEED, Math.min(MAX_SPEED, speed));
    this.notify('status');
  }

  /** Seeks the playhead to time `t` (µs): every event at or before t is applied. */
  seekTime(t: number): void {
    const run = this.run;
    if (!run) return;
    t = Math.max(0, Math.min(run.timeline.durationUs, Math.round(t)));
    run.replay.seek(run.replay.positionAtTime(t));
    this.timeUs = t;
    this.notify('time');
  }

  /** Seeks to position p (p events applied); the playhead goes to the time of the last applied event. */
  seekPosition(p: number): void {
    const run = this.run;
    if (!run) return;
    run.replay.seek(p);
    this.timeUs = run.replay.timeUs;
    this.notify('time');
  }

  /** Applies events up to and including `id`, and selects it. */
  goToEvent(id: number): void {
    const run = this.run;
    if (!run || id < 0 || id >= run.replay.n) return;
    this.pause();
    this.seekPosition(id + 1);
    this.selectedEvent = id;
    this.notify('select');
  }

  stepForward(): void {
    const run = this.run;
    if (!run) return;
    this.pause();
    if (run.replay.position >= run.replay.n) return;
    run.replay.stepForward();
    this.timeUs = run.replay.timeUs;
    this.selectedEvent = run.replay.position - 1;
    this.notify('time', 'select');
  }

  stepBack(): void {
    const run = this.run;
    if (!run) return;
    this.pause();
    if (run.replay.position <= 0) return;
    run.replay.stepBack();
    this.timeUs = run.replay.timeUs;
    this.selectedEvent = run.replay.position - 1;
    this.notify('time', 'select');
  }

  select(entity: string | null): void {
    if (this.selection === entity) return;
    this.selection = entity;
    this.notify('select');
  }

  selectEvent(id: number): void {
    this.selectedEvent = id;
    this.notify('select');
  }

  /** 95th percentile of the recorded frame draw times (ms), and the count they cover. */
  frameStats(): { p95: number; count: number; max: number } {
    const n = Math.min(this.frameCount, FRAME_SAMPLES);
    const xs = Array.from(this.frameTimes.subarray(0, n)).sort((a, b) => a - b);
    return { p95: xs[Math.floor(n * 0.95)] ?? 0, count: n, max: xs[n - 1] ?? 0 };
  }

  resetFrameStats(): void {
    this.frameCount = 0;
  }
}

/** Builds everything the viewer needs from a parsed timeline (keyframes, marks, series, entity index). */
export async function prepareRun(
  timeline: ViewTimeline,
  id: string,
  source: RunSource,
  bytes: number | undefined,
  onProgress?: (fraction: number) => void,
  analyser?: Analyser,
): Promise<LoadedRun> {
  const t0 = performance.now();
  const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
  // Progress is reported until the run is handed over; the keyframes built after that do not reopen the bar.
  let preparing = true;
  const replay = await Replay.load(timeline, {
    onProgress: (f) => {
      if (preparing) onProgress?.(f * 0.8);
    },
    pause,
  });
  const t1 = performance.now();
  // A turn of the event loop, for the page to paint its progress before the analysis; not needed when the analysis
  // was done while the events arrived (only its end is left).
  if (!analyser) await pause();
  const t2 = performance.now();
  // Begun while the events arrived, when they were read as they came; else derived here in one pass.
  const analysis = analyser ? analyser.finish(timeline) : analyse(timeline);
  onProgress?.(1);
  const entities = new EntityIndex(timeline.initial);
  const t3 = performance.now();
  preparing = false;
  const timings: LoadedRun['timings'] = {
    parseMs: 0,
    keyframesMs: t1 - t0,
    pauseMs: t2 - t1,
    analysisMs: t3 - t2,
  };
  void replay.complete.then(() => {
    timings.backgroundKeyframesMs = performance.now() - t3;
  });
  return {
    id,
    timeline,
    replay,
    analysis,
    entities,
    source,
    bytes,
    loadMs: t3 - t0,
    timings,
  };
}
