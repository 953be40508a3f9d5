/**
 * The replay model: rebuilds the world state at any point of a timeline, fast, in both directions.
 *
 * A *position* p ∈ [0, n] counts the events applied: the state at p is the initial state with events 0 … p−1 applied,
 * so the "current" event at p is p−1 (none at 0).
 *
 * - Keyframes: every K events a full state is kept. States share every untouched branch with their predecessor
 *   (copy-on-write, see cow.ts), so a keyframe costs only what changed in its segment, not a copy of the world.
 *   They are built after the replay is handed over — in the background, and on demand for a seek ahead of them.
 * - Seek: start from the keyframe at or before the target and apply the remaining (< K) events in one batch.
 * - Step back: apply the inverse patches of one event. Inverse patches are computed lazily, a segment at a time,
 *   with immer (`produceWithPatches` from the segment's keyframe), and a few segments are cached.
 *
 * States are treated as immutable (never frozen, for speed): views compare references to skip unchanged parts.
 * Nothing here touches the DOM, so the model runs and is tested in Node.
 */
import { enablePatches, Immer, type Patch as ImmerPatch } from 'immer';
import type { World } from '../../../sim/spec/index.js';
import type { Patch, TimelineEvent } from '../../../sim/trace/index.js';
import { type EventList, eventList, type ViewTimeline } from '../model/event-list.js';
import { CowBatch } from './cow.js';

enablePatches();

const immer = new Immer({ autoFreeze: false });

/** Events between keyframes. 512 keeps a seek under a few ms and costs ~2,000 keyframes per million events. */
export const DEFAULT_KEYFRAME_EVERY = 512;
/** Segments whose inverse patches are kept (stepping back through them is one patch set per step). */
const INVERSE_CACHE_SEGMENTS = 4;

export interface ReplayOptions {
  /** Events between keyframes (K); default 512. */
  readonly keyframeEvery?: number;
}

/** Segments built between two pauses while keyframes are built in the background. */
const SEGMENTS_PER_SLICE = 64;

export class Replay {
  readonly timeline: ViewTimeline;
  readonly events: EventList;
  /** Number of events. */
  readonly n: number;
  readonly keyframeEvery: number;
  /** keyframes[j] is the state at position j·K. */
  private readonly keyframes: World[] = [];
  /** Segment index → inverse patches of each event of that segment (index within the segment). */
  private readonly inverseCache = new Map<number, ImmerPatch[][]>();
  private _position = 0;
  private _state: World;
  /** Resolves when every keyframe is built (at once for `loadSync`; in the background after `load`). */
  complete: Promise<void> = Promise.resolve();

  private constructor(timeline: ViewTimeline, options: ReplayOptions) {
    this.timeline = timeline;
    this.events = eventList(timeline.events);
    this.n = this.events.length;
    this.keyframeEvery = Math.max(1, Math.floor(options.keyframeEvery ?? DEFAULT_KEYFRAME_EVERY));
    this._state = timeline.initial;
  }

  /**
   * Returns as soon as the replay can be used: keyframes are built afterwards (from after the first pause), a slice of
   * segments at a time with a `pause()` between slices (the app passes a macrotask, so the page stays interactive),
   * and on demand — a seek past the last one built builds up to it first, so every state is exact whenever it is
   * asked for. `complete` resolves when all are built. With no `pause` they are all built before this returns.
   */
  static async load(
    timeline: ViewTimeline,
    options: ReplayOptions & { onProgress?: (fraction: number) => void; pause?: () => Promise<void> } = {},
  ): Promise<Replay> {
    const r = new Replay(timeline, options);
    r.keyframes.push(timeline.initial);
    const pause = options.pause;
    if (!pause) {
      while (r.buildNextKeyframe());
      options.onProgress?.(1);
      return r;
    }
    r.complete = (async () => {
      // None before the replay is handed over: building them makes the events' objects (and patches) of each
      // segment, which a timeline loaded as columns has not made yet.
      await pause();
      let slice = 0;
      while (r.buildNextKeyframe()) {
        if (++slice >= SEGMENTS_PER_SLICE) {
          slice = 0;
          options.onProgress?.(((r.keyframes.length - 1) * r.keyframeEvery) / Math.max(1, r.n));
          await pause();
        }
      }
      options.onProgress?.(1);
    })();
    return r;
  }

  /** Builds the next keyframe from the last one; false when all are built. */
  private buildNextKeyframe(): boolean {
    const k = this.keyframeEvery;
    const j = this.keyframes.length;
    const start = (j - 1) * k;
    if (start + k > this.n) return false;
    this.keyframes.push(this.applyRange(this.keyframes[j - 1]!, start, start + k));
    return true;
  }

  /** Keyframe j (the state at position j·K), building the ones missing before it. */
  private keyframe(j: number): World {
    while (this.keyframes.length <= j && this.buildNextKeyframe());
    return this.keyframes[Math.min(j, this.keyframes.length - 1)]!;
  }

  /** Keyframes built so far, and how many there will be. */
  get keyframesBuilt(): { built: number; total: number } {
    return { built: this.keyframes.length, total: Math.floor(this.n / this.keyframeEvery) + 1 };
  }

  /** Synchronous variant of `load`, for tests and small timelines. */
  static loadSync(timeline: ViewTimeline, options: ReplayOptions = {}): Replay {
    const r = new Replay(timeline, options);
    const k = r.keyframeEvery;
    let state = timeline.initial;
    r.keyframes.push(state);
    for (let start = 0; start + k <= r.n; start += k) {
      state = r.applyRange(state, start, start + k);
      r.keyframes.push(state);
    }
    return r;
  }

  get position(): number {
    return this._position;
  }

  get state(): World {
    return this._state;
  }

  /** The last applied event, or undefined at position 0. */
  get current(): TimelineEvent | undefined {
    return this._position > 0 ? this.events.at(this._position - 1) : undefined;
  }

  /** Simulated time (µs) of the current position: that of the last applied event, 0 before the first. */
  get timeUs(): number {
    return this.current?.t ?? 0;
  }

  /** The state at position `p` (clamped), computed from the nearest keyframe at or before it. Does not move. */
  stateAt(p: number): World {
    p = clampPosition(p, this.n);
    if (p === this._position) return this._state;
    // Moving forward a little from where we are is cheaper than going back to a keyframe.
    if (p > this._position && p - this._position <= this.keyframeEvery) {
      return this.applyRange(this._state, this._position, p);
    }
    const j = Math.floor(p / this.keyframeEvery);
    const base = this.keyframe(j);
    return this.applyRange(base, j * this.keyframeEvery, p);
  }

  /** Moves to position `p` (clamped to [0, n]). */
  seek(p: number): World {
    p = clampPosition(p, this.n);
    if (p === this._position - 1 && p >= 0) return this.stepBack();
    this._state = this.stateAt(p);
    this._position = p;
    return this._state;
  }

  /** Moves to the position just after every event with time ≤ `timeUs`. */
  seekTime(timeUs: number): World {
    return this.seek(this.positionAtTime(timeUs));
  }

  /** Number of events with t ≤ timeUs (binary search). */
  positionAtTime(timeUs: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events.time(mid) <= timeUs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Applies the next event. */
  stepForward(): World {
    if (this._position >= this.n) return this._state;
    this._state = this.applyRange(this._state, this._position, this._position + 1);
    this._position++;
    return this._state;
  }

  /** Undoes the current event with its inverse patches. */
  stepBack(): World {
    if (this._position <= 0) return this._state;
    const i = this._position - 1;
    const inverse = this.inverseOf(i);
    if (inverse.length > 0) {
      const batch = new CowBatch(this._state);
      batch.apply(inverse as Patch[]);
      this._state = batch.result;
    }
    this._position = i;
    return this._state;
  }

  /** The inverse patches of event `i` (computed for its whole segment on first use). */
  inverseOf(i: number): ImmerPatch[] {
    const k = this.keyframeEvery;
    const seg = Math.floor(i / k);
    let inv = this.inverseCache.get(seg);
    if (!inv) {
      inv = [];
      let s = this.keyframe(seg);
      const end = Math.min(this.n, (seg + 1) * k);
      for (let e = seg * k; e < end; e++) {
        const patches = this.events.at(e)!.p;
        if (!patches || patches.length === 0) {
          inv.push([]);
          continue;
        }
        const [next, , inverse] = immer.produceWithPatches(s, (d) => {
          immer.applyPatches(d, patches as ImmerPatch[]);
        });
        s = next as World;
        inv.push(inverse);
      }
      this.inverseCache.set(seg, inv);
      if (this.inverseCache.size > INVERSE_CACHE_SEGMENTS) {
        const oldest = this.inverseCache.keys().next().value as number;
        this.inverseCache.delete(oldest);
      }
    }
    return inv[i - seg * k]!;
  }

  /** Applies events [from, to) to `state` in one copy-on-write batch (one copy per touched branch). */
  private applyRange(state: World, from: number, to: number): World {
    if (to <= from) return state;
    const events = this.events;
    let batch: CowBatch<World> | null = null;
    for (let i = from; i < to; i++) {
      const p = events.at(i)!.p;
      if (p && p.length > 0) {
        batch ??= new CowBatch(state);
        batch.apply(p);
      }
    }
    return batch ? batch.result : state;
  }
}

function clampPosition(p: number, n: number): number {
  if (!Number.isFinite(p)) return p > 0 ? n : 0;
  return Math.max(0, Math.min(n, Math.floor(p)));
}
