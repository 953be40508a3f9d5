/**
 * The heartbeat rhythm the engine does not record: the fabric controller polls each node's host agent, and the load
 * balancer probes each web instance, at fixed intervals; the answered ones are elided from the timeline (only the
 * unanswered are events). Their times are recovered here from the interval and the phase of the recorded ones, so
 * that the viewer can draw the healthy rhythm faintly and the missing answers in full — and count the polls a node
 * has missed in a row (1 … fc.missedPolls, then it is declared silent).
 */
import { lastAtOrBefore } from './analysis.js';
import { type Events, eventList } from './event-list.js';

/** The intervals (µs) of the two rhythms, from the scenario's resolved policies; 0 where unknown. */
export function rhythmIntervals(policies: unknown): { pollUs: number; probeUs: number; missedPolls: number } {
  const p = (policies ?? {}) as Record<string, Record<string, unknown>>;
  const num = (v: unknown) => (typeof v === 'number' && v > 0 ? v : 0);
  return {
    pollUs: num(p.fc?.pollIntervalUs),
    probeUs: num(p.loadBalancer?.probeIntervalUs),
    missedPolls: num(p.fc?.missedPolls),
  };
}

/**
 * Times in [fromUs, toUs] at which routine messages of period `intervalUs` reached `receiver` unrecorded: the
 * rhythm's beats (phase taken from the receiver's first recorded message of `kind`), less those within half a
 * period of a recorded one (those are drawn as they happened). Empty when the receiver never had one recorded.
 */
export function elidedBeats(
  eventsIn: Events,
  receiverEvents: Int32Array | undefined,
  kind: string,
  intervalUs: number,
  fromUs: number,
  toUs: number,
  limit = 400,
): number[] {
  const events = eventList(eventsIn);
  if (!receiverEvents || intervalUs <= 0) return [];
  const recorded: number[] = [];
  let phase = -1;
  for (const id of receiverEvents) {
    const e = events.at(id)!;
    if (e.k !== kind) continue;
    if (phase < 0) phase = e.t % intervalUs;
    if (e.t >= fromUs - intervalUs && e.t <= toUs + intervalUs) recorded.push(e.t);
  }
  if (phase < 0) return [];
  const out: number[] = [];
  let j = 0;
  const first = Math.ceil((Math.max(0, fromUs) - phase) / intervalUs) * intervalUs + phase;
  for (let t = first; t <= toUs && out.length < limit; t += intervalUs) {
    while (j < recorded.length && recorded[j]! < t - intervalUs / 2) j++;
    if (j < recorded.length && Math.abs(recorded[j]! - t) <= intervalUs / 2) continue;
    out.push(t);
  }
  return out;
}

/**
 * How many of the FC's polls to a node's host agent went unanswered in a row, up to the playhead: 0 when the last
 * one was answered (no failure within one and a half intervals), `silent: true` once the node was declared silent in
 * this streak.
 */
export function missedPolls(
  eventsIn: Events,
  agentEvents: Int32Array | undefined,
  nodeEvents: Int32Array | undefined,
  position: number,
  nowUs: number,
  intervalUs: number,
): { missed: number; silent: boolean } {
  const events = eventList(eventsIn);
  if (!agentEvents || intervalUs <= 0) return { missed: 0, silent: false };
  let j = lastAtOrBefore(agentEvents, position - 1);
  let missed = 0;
  let later = nowUs;
  let first = nowUs;
  for (; j >= 0; j--) {
    const e = events.at(agentEvents[j]!)!;
    if (e.k !== 'msg.poll' || !e.m || e.m.ok) continue;
    if (later - e.t > intervalUs * 1.5) break; // an answered poll came between: the streak ends here
    missed++;
    later = e.t;
    first = e.t;
  }
  let silent = false;
  if (missed > 0 && nodeEvents) {
    for (let k = lastAtOrBefore(nodeEvents, position - 1); k >= 0; k--) {
      const e = events.at(nodeEvents[k]!)!;
      if (e.t < first) break;
      if (e.k === 'node.silent') {
        silent = true;
        break;
      }
    }
  }
  return { missed, silent };
}
