/**
 * The recovery ladder of a node or a role instance: the remedies the platform climbs, one after the other, while it
 * stays broken — restart the role, reboot (reimage) its VM, reboot the host, service healing (start the instances
 * elsewhere), out for repair — with the rung it has reached, when it reached each, how long it spent there, and
 * the deadline armed on the current rung (after which the next one is tried).
 */
import type { TimelineEvent } from '../../../sim/trace/index.js';
import { lastAtOrBefore } from './analysis.js';

export interface Rung {
  readonly key: 'restart' | 'vm' | 'host' | 'healing' | 'repair';
  readonly label: string;
  /** Event kinds that mean this rung was reached. */
  readonly kinds: readonly string[];
}

export const RUNGS: readonly Rung[] = [
  { key: 'restart', label: 'restart the role', kinds: ['instance.restart'] },
  { key: 'vm', label: 'reboot (reimage) the VM', kinds: ['vm.reboot'] },
  { key: 'host', label: 'reboot the host', kinds: ['node.reboot'] },
  { key: 'healing', label: 'service healing: start elsewhere', kinds: ['healing.start', 'instance.moved'] },
  { key: 'repair', label: 'out for repair', kinds: ['node.out-for-repair', 'node.human-investigate'] },
];

export interface Ladder {
  /** The fault that opened this episode (event id), or −1 when rungs were reached without a recorded fault. */
  readonly fault: number;
  /** Per rung: the event that reached it in this episode, or −1. */
  readonly reached: readonly number[];
  /** The highest rung reached, or −1 (the fault is known but no remedy has been tried yet). */
  readonly current: number;
  /** The event that ended the episode (a `recover`), or −1 while it is still open. */
  readonly recovered: number;
  /**
   * The deadlines still ahead that the current rung's event armed, earliest first: what it waits for (the host's
   * boot) and, last, when it gives up on this rung and climbs to the next (the boot wait).
   */
  readonly deadlines: readonly { readonly t: number; readonly k: string }[];
}

function rungOf(kind: string): number {
  return RUNGS.findIndex((r) => r.kinds.includes(kind));
}

/**
 * The ladder at the playhead (`position` events applied, time `nowUs`) for the events of `subjects` (an instance and
 * the nodes it was on, or a node), each given as its ascending event ids. Null when nothing ever broke.
 */
export function recoveryLadder(
  events: readonly TimelineEvent[],
  subjects: readonly Int32Array[],
  position: number,
  nowUs: number,
): Ladder | null {
  // The subjects' events up to the playhead, merged in order.
  const ids: number[] = [];
  for (const list of subjects) {
    const last = lastAtOrBefore(list, position - 1);
    for (let j = 0; j <= last; j++) ids.push(list[j]!);
  }
  ids.sort((a, b) => a - b);
  // The episode: from the latest fault (or, without one, the first remedy) on.
  let start = -1;
  for (let j = ids.length - 1; j >= 0; j--) {
    if (events[ids[j]!]!.k === 'fault.start') {
      start = j;
      break;
    }
  }
  const fault = start >= 0 ? ids[start]! : -1;
  const reached = RUNGS.map(() => -1);
  let current = -1;
  let recovered = -1;
  for (let j = Math.max(0, start); j < ids.length; j++) {
    const id = ids[j]!;
    const k = events[id]!.k;
    if (k === 'recover' && fault >= 0) recovered = id;
    const r = rungOf(k);
    if (r < 0 || reached[r]! >= 0) continue;
    if (start < 0 && current < 0 && recovered >= 0) continue;
    reached[r] = id;
    current = Math.max(current, r);
  }
  if (fault < 0 && current < 0) return null;
  const deadlines =
    current >= 0 && recovered < 0
      ? (events[reached[current]!]!.d ?? [])
          .filter((d) => d.t > nowUs)
          .map((d) => ({ t: d.t, k: d.k }))
          .sort((a, b) => a.t - b.t)
      : [];
  return { fault, reached, current, recovered, deadlines };
}
