/**
 * The recovery ladder of a node or a role instance: the remedies the platform climbs, one after the other, while it
 * stays broken — restart the role, reimage (or reboot) its VM, reboot the host, service healing (start the instance
 * elsewhere), out for repair — with the rung it has reached, when it reached each, how long it spent there, how often
 * it was tried, and the deadline armed on the current rung (after which the next one is tried).
 *
 * A role that crashes again and again climbs by count rather than by time: the guest agent restarts it with back-off
 * until it has crashed `role.crashLoopCrashes` times within `role.crashLoopWindow`; the crash loop goes to the FC,
 * which reimages the instance and, if it loops again within `node.failureWindow`, moves it to another node
 * (`instance.correct`). Those crashes are separate faults, so the episode of a crash loop starts at the first crash
 * of its window. When the deployed package is at fault the FC is not asked: the guest agent alerts and goes on
 * restarting at the capped back-off, and the ladder stops at its first rung.
 */
import { lastAtOrBefore } from './analysis.js';
import { type Events, eventList } from './event-list.js';

export interface Rung {
  readonly key: 'restart' | 'vm' | 'host' | 'healing' | 'repair';
  readonly label: string;
  /** Event kinds that mean this rung was reached. */
  readonly kinds: readonly string[];
}

export const RUNGS: readonly Rung[] = [
  { key: 'restart', label: 'restart the role', kinds: ['instance.restart'] },
  { key: 'vm', label: 'reimage (reboot) the VM', kinds: ['instance.reimage', 'vm.reboot'] },
  { key: 'host', label: 'reboot the host', kinds: ['node.reboot'] },
  {
    key: 'healing',
    label: 'service healing: start elsewhere',
    kinds: ['healing.start', 'instance.correct', 'instance.moved'],
  },
  { key: 'repair', label: 'out for repair', kinds: ['node.out-for-repair', 'node.human-investigate'] },
];

export interface LadderDeadline {
  readonly t: number;
  readonly k: string;
  /** When this one passes the platform gives up on the rung and climbs to the next. */
  readonly next: boolean;
}

export interface Ladder {
  /** The fault that opened this episode (event id), or −1 when rungs were reached without a recorded fault. */
  readonly fault: number;
  /** Per rung: the event that first reached it in this episode, or −1. */
  readonly reached: readonly number[];
  /** Per rung: how many times it was tried in this episode (restarts, reimages, …). */
  readonly tries: readonly number[];
  /** The highest rung reached, or −1 (the fault is known but no remedy has been tried yet). */
  readonly current: number;
  /** The event that ended the episode (a `recover` after its last fault), or −1 while it is still open. */
  readonly recovered: number;
  /**
   * The deadlines still ahead, earliest first: what the current rung waits for (the host's boot, the next restart)
   * and, marked `next`, when it gives up on this rung and climbs to the next (the boot wait).
   */
  readonly deadlines: readonly LadderDeadline[];
  /** The crash loop declared in this episode (event id), or −1. */
  readonly crashLoop: number;
  /** Crashes of the role within the crash-loop window up to now (0 when the window is not known). */
  readonly crashes: number;
  /** After the crash loop the guest agent went on restarting instead of the FC stepping in: the package is at fault. */
  readonly packageAtFault: boolean;
}

/** The policies that shape a crash loop's climb (µs), from the run's resolved `policies.role`. */
export interface LadderPolicies {
  readonly crashLoopWindowUs?: number;
  readonly crashLoopCrashes?: number;
  readonly backoffMaxUs?: number;
}

/** The role policies a ladder needs, from a run's resolved policies (missing ones are left out). */
export function ladderPolicies(policies: unknown): LadderPolicies {
  const role = ((policies ?? {}) as { role?: Record<string, unknown> }).role ?? {};
  const num = (v: unknown) => (typeof v === 'number' && v > 0 ? v : undefined);
  const out: { -readonly [K in keyof LadderPolicies]: LadderPolicies[K] } = {};
  const w = num(role.crashLoopWindowUs);
  const c = num(role.crashLoopCrashes);
  const b = num(role.backoffMaxUs);
  if (w !== undefined) out.crashLoopWindowUs = w;
  if (c !== undefined) out.crashLoopCrashes = c;
  if (b !== undefined) out.backoffMaxUs = b;
  return out;
}

/** Deadline kinds that are what a rung waits for (a VM, a host, a role coming back), not a time to climb on. */
const WAITS = new Set(['vm.ready', 'node.boot', 'node.ready', 'instance.ready', 'instance.start', 'instance.restart']);

function rungOf(kind: string): number {
  return RUNGS.findIndex((r) => r.kinds.includes(kind));
}

/**
 * The ladder at the playhead (`position` events applied, time `nowUs`) for the events of `subjects` (an instance and
 * the nodes it was on, or a node), each given as its ascending event ids. Null when nothing ever broke.
 */
export function recoveryLadder(
  eventsIn: Events,
  subjects: readonly Int32Array[],
  position: number,
  nowUs: number,
  policies: LadderPolicies = {},
): Ladder | null {
  const events = eventList(eventsIn);
  // The subjects' events up to the playhead, merged in order.
  const ids: number[] = [];
  for (const list of subjects) {
    const last = lastAtOrBefore(list, position - 1);
    for (let j = 0; j <= last; j++) ids.push(list[j]!);
  }
  ids.sort((a, b) => a - b);
  // The episode: from the latest fault (or, without one, the first remedy) on …
  let start = -1;
  for (let j = ids.length - 1; j >= 0; j--) {
    if (events.at(ids[j]!)!.k === 'fault.start') {
      start = j;
      break;
    }
  }
  // … or, in a crash loop, from the first fault of the crashes that made it.
  let crashLoop = -1;
  for (let j = ids.length - 1; j >= 0; j--) {
    const e = events.at(ids[j]!)!;
    if (e.k === 'instance.crash-loop') {
      crashLoop = ids[j]!;
      break;
    }
  }
  const window = policies.crashLoopWindowUs ?? 0;
  if (crashLoop >= 0 && start >= 0 && crashLoop < ids[start]!) {
    // The loop is older than the latest fault: it belongs to this episode only if no recovery came in between.
    let recoveredSince = false;
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j]!;
      if (id > crashLoop && id < ids[start]! && events.at(id)!.k === 'recover') recoveredSince = true;
    }
    if (recoveredSince) crashLoop = -1;
  }
  /** Moves the episode's start back to the first fault of the crashes that made the loop `loop`. */
  const openAtLoop = (loop: number) => {
    const from = events.at(loop)!.t - window;
    for (let j = 0; j < ids.length; j++) {
      const e = events.at(ids[j]!)!;
      if (e.k === 'fault.start' && e.t > from && ids[j]! <= loop) {
        if (start < 0 || j < start) start = j;
        break;
      }
    }
  };
  if (crashLoop >= 0 && window > 0) {
    openAtLoop(crashLoop);
    // Moved because it looped again after a reimage: the reimage, and the loop before it, are this episode's too.
    const corrected = ids.some((id) => id >= crashLoop && events.at(id)!.k === 'instance.correct');
    if (corrected) {
      for (let j = start - 1; j >= 0; j--) {
        const e = events.at(ids[j]!)!;
        if (e.k !== 'instance.reimage') continue;
        if (e.c >= 0 && events.at(e.c)!.k === 'instance.crash-loop') openAtLoop(e.c);
        break;
      }
    }
  }
  const fault = start >= 0 ? ids[start]! : -1;
  const reached = RUNGS.map(() => -1);
  const latest = RUNGS.map(() => -1);
  const tries = RUNGS.map(() => 0);
  let current = -1;
  let recovered = -1;
  let restartAfterLoop = false;
  for (let j = Math.max(0, start); j < ids.length; j++) {
    const id = ids[j]!;
    const k = events.at(id)!.k;
    if (k === 'fault.start' && j > start) recovered = -1; // a new fault inside the episode: not recovered yet
    if (k === 'recover' && fault >= 0) recovered = id;
    if (k === 'instance.restart' && crashLoop >= 0 && id > crashLoop) restartAfterLoop = true;
    const r = rungOf(k);
    if (r < 0) continue;
    if (start < 0 && current < 0 && recovered >= 0) continue;
    // One rung reached by several kinds (a healing's start and the move it makes) counts as one try per cause.
    if (reached[r]! < 0 || events.at(id)!.c !== latest[r]) tries[r]!++;
    if (reached[r]! < 0) reached[r] = id;
    latest[r] = id;
    current = Math.max(current, r);
  }
  if (fault < 0 && current < 0) return null;
  if (crashLoop >= 0 && fault >= 0 && crashLoop < fault) crashLoop = -1;
  const packageAtFault = crashLoop >= 0 && restartAfterLoop && current <= 0;
  const deadlines: LadderDeadline[] = [];
  if (current >= 0 && recovered < 0) {
    // Armed by the latest event of the current rung: what it waits for, and a give-up time (the FC's boot wait)
    // after which it climbs on. A reimaged VM has no give-up time: the FC climbs only if the role loops again.
    for (const d of events.at(latest[current]!)!.d ?? []) {
      if (d.t <= nowUs) continue;
      deadlines.push({ t: d.t, k: d.k, next: !WAITS.has(d.k) && current < RUNGS.length - 1 });
    }
    // On the restart rung the next restart is armed by the crash before it.
    if (current === 0) {
      for (let j = ids.length - 1; j >= Math.max(0, start); j--) {
        const d = (events.at(ids[j]!)!.d ?? []).find((x) => x.k === 'instance.restart' && x.t > nowUs);
        if (d) {
          deadlines.push({ t: d.t, k: d.k, next: false });
          break;
        }
      }
    }
  }
  // The package is at fault and nothing recorded the next restart: it comes at the capped back-off.
  if (packageAtFault && recovered < 0 && deadlines.length === 0 && policies.backoffMaxUs) {
    const lastRestart = latest[0]! > crashLoop ? events.at(latest[0]!)!.t : events.at(crashLoop)!.t;
    const t = lastRestart + policies.backoffMaxUs;
    if (t > nowUs) deadlines.push({ t, k: 'instance.restart', next: false });
  }
  deadlines.sort((a, b) => a.t - b.t);
  let crashes = 0;
  if (window > 0) {
    for (let j = ids.length - 1; j >= 0; j--) {
      const e = events.at(ids[j]!)!;
      if (e.t <= nowUs - window || e.k === 'instance.reimage' || e.k === 'instance.correct') break;
      if (e.k === 'instance.crash') crashes++;
    }
  }
  return { fault, reached, tries, current, recovered, deadlines, crashLoop, crashes, packageAtFault };
}
