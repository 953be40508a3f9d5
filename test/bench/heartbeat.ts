/**
 * Heartbeat: 10,000 instances each send a heartbeat every 15 s from a random phase in [0, 15 s). Each heartbeat
 * cancels its instance's 45 s watchdog timer and re-arms it, then schedules the next heartbeat. One simulated hour:
 * ≈ 2.4 M heartbeats and as many cancels; no watchdog ever fires.
 *
 * Draws: one phase per instance, in instance order. The baseline below makes the same draws and cancels eagerly
 * too (removal from the heap by position), so both sides must report the same checksum.
 */
import seedrandom from 'seedrandom';
import { type EventFn, type EventHandle, hours, Random, Scheduler, seconds } from '../../sim/engine/index.js';
import { race, type WorkResult } from './harness.js';

const INSTANCES = 10_000;
const HEARTBEAT_US = 15_000_000;
const WATCHDOG_US = 45_000_000;
const END_US = 3_600_000_000;
const SEED = 42;

function checksum(beats: Float64Array, cancels: number, timeouts: number, events: number, nowUs: number): string {
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < beats.length; i++) {
    total += beats[i]!;
    weighted += (i + 1) * beats[i]!;
  }
  return `events=${events} beats=${total} weighted=${weighted} cancels=${cancels} timeouts=${timeouts} now=${nowUs}`;
}

/** The engine: Scheduler + Random, handlers made once, watchdog handles kept per instance. */
export function heartbeatEngine(): WorkResult {
  const sched = new Scheduler(32_768);
  const rng = Random.root(SEED);
  const beats = new Float64Array(INSTANCES);
  const watchdog = new Float64Array(INSTANCES); // EventHandle per instance
  let cancels = 0;
  let timeouts = 0;
  const onWatchdog: EventFn = () => {
    timeouts++;
  };
  const onHeartbeat: EventFn = (i) => {
    beats[i]!++;
    if (sched.cancel(watchdog[i]! as EventHandle)) cancels++;
    watchdog[i] = sched.after(WATCHDOG_US, onWatchdog, i);
    sched.after(HEARTBEAT_US, onHeartbeat, i);
  };
  for (let i = 0; i < INSTANCES; i++) {
    sched.at(rng.int(0, HEARTBEAT_US - 1), onHeartbeat, i);
    watchdog[i] = sched.at(seconds(45), onWatchdog, i);
  }
  const res = sched.run({ until: hours(1) });
  return { events: res.events, checksum: checksum(beats, cancels, timeouts, res.events, res.nowUs) };
}

/**
 * The bare baseline: a minimal binary min-heap over parallel typed arrays ordered by (time, sequence), with a
 * fixed id per timer (heartbeat of instance i = i, its watchdog = INSTANCES + i) and an id → heap position index
 * for removal. Shares no code with sim/. Same generator and seed string as Random.root(42) ("2:42|").
 */
export function heartbeatBaseline(): WorkResult {
  const prng = seedrandom.alea('2:42|');
  const cap = 2 * INSTANCES;
  const time = new Float64Array(cap);
  const seqs = new Float64Array(cap);
  const ids = new Int32Array(cap);
  const pos = new Int32Array(cap).fill(-1);
  let n = 0;
  let seq = 0;

  const place = (p: number, t: number, s: number, id: number): void => {
    time[p] = t;
    seqs[p] = s;
    ids[p] = id;
    pos[id] = p;
  };
  const moveTo = (from: number, to: number): void => {
    time[to] = time[from]!;
    seqs[to] = seqs[from]!;
    const id = ids[from]!;
    ids[to] = id;
    pos[id] = to;
  };
  const siftUp = (p: number, t: number, s: number, id: number): void => {
    while (p > 0) {
      const parent = (p - 1) >> 1;
      const pt = time[parent]!;
      if (pt < t || (pt === t && seqs[parent]! < s)) break;
      moveTo(parent, p);
      p = parent;
    }
    place(p, t, s, id);
  };
  const siftDown = (p: number, t: number, s: number, id: number): void => {
    const half = n >> 1;
    while (p < half) {
      let child = 2 * p + 1;
      const right = child + 1;
      if (right < n && (time[right]! < time[child]! || (time[right] === time[child] && seqs[right]! < seqs[child]!))) {
        child = right;
      }
      const ct = time[child]!;
      if (t < ct || (t === ct && s < seqs[child]!)) break;
      moveTo(child, p);
      p = child;
    }
    place(p, t, s, id);
  };
  const push = (t: number, id: number): void => {
    siftUp(n++, t, seq++, id);
  };
  // Removes the entry at heap position p.
  const removeAt = (p: number): void => {
    pos[ids[p]!] = -1;
    const last = --n;
    if (p === last) return;
    const t = time[last]!;
    const s = seqs[last]!;
    const id = ids[last]!;
    if (p > 0) {
      const parent = (p - 1) >> 1;
      if (t < time[parent]! || (t === time[parent] && s < seqs[parent]!)) {
        siftUp(p, t, s, id);
        return;
      }
    }
    siftDown(p, t, s, id);
  };

  const beats = new Float64Array(INSTANCES);
  let cancels = 0;
  let timeouts = 0;
  for (let i = 0; i < INSTANCES; i++) {
    push(Math.floor(prng() * HEARTBEAT_US), i);
    push(WATCHDOG_US, INSTANCES + i);
  }
  let now = 0;
  let events = 0;
  while (n > 0 && time[0]! <= END_US) {
    now = time[0]!;
    const id = ids[0]!;
    removeAt(0);
    events++;
    if (id < INSTANCES) {
      beats[id]!++;
      const wd = INSTANCES + id;
      if (pos[wd]! >= 0) {
        removeAt(pos[wd]!);
        cancels++;
      }
      push(now + WATCHDOG_US, wd);
      push(now + HEARTBEAT_US, id);
    } else {
      timeouts++;
    }
  }
  if (n > 0) now = END_US;
  return { events, checksum: checksum(beats, cancels, timeouts, events, now) };
}

export function run(_args: string[]): number {
  return race({
    name: 'heartbeat',
    describe: `${INSTANCES} instances, heartbeat every 15 s re-arming a 45 s watchdog (cancel + schedule), 1 h, seed ${SEED}`,
    engine: heartbeatEngine,
    baseline: heartbeatBaseline,
  });
}
