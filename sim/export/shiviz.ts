/**
 * ShiViz logs: one line per event, with a vector clock derived from the cause chain, for ShiViz's space-time
 * diagrams of distributed systems.
 *
 * Hosts are the actors' tracks (an instance and its guest agent are one host, as in the trace formats). An event's
 * clock is its host's clock merged with its cause's clock (entry by entry, the larger count), then its host's own
 * entry plus one: so an event happened before another exactly when a chain of causes and same-host steps leads from
 * one to the other. Each host's own entry starts at 1 and goes up by one per event, as ShiViz requires.
 *
 * The file starts the way ShiViz reads an uploaded file: the first line is the parsing regular expression, the
 * second the (empty) delimiter between executions, and then the log. One line:
 *
 *   <time µs> <host> {"<host>":n,…} <kind> <subject>: <text>
 */
import type { Timeline } from '../trace/index.js';
import { type ChunkSink, TextChunker } from './chunks.js';
import { buildTracks } from './tracks.js';

/** The regular expression to paste into ShiViz (also the first line of the file). */
export const SHIVIZ_REGEX = String.raw`(?<time>\d+) (?<host>\S+) (?<clock>\{[^}]*\}) (?<event>.*)`;

/** A host name ShiViz's `\S+` and a JSON key both take as is. */
export function shivizHost(name: string): string {
  return name.replace(/[^\w.:/@*+-]/g, '_');
}

/** Text on one line. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** Writes `timeline` as a ShiViz log to `sink`, in pieces. */
export function writeShiViz(timeline: Timeline, sink: ChunkSink): void {
  const events = timeline.events;
  const n = events.length;
  const { tracks, eventTrack } = buildTracks(timeline);
  const hosts = tracks.map((t) => shivizHost(t.name));
  // Host names as JSON keys, quoted once.
  const keys = hosts.map((h) => JSON.stringify(h));

  // The last effect of each event: its clock is kept until then, and dropped after.
  const lastEffect = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const c = events[i]!.c;
    if (c >= 0) lastEffect[c] = i;
  }
  const kept = new Map<number, Map<number, number>>();
  const clocks: (Map<number, number> | undefined)[] = new Array(tracks.length);

  const out = new TextChunker(sink);
  out.push(`${SHIVIZ_REGEX}\n\n`);
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    const h = eventTrack[i]!;
    let clock = clocks[h];
    if (!clock) {
      clock = new Map();
      clocks[h] = clock;
    }
    if (e.c >= 0) {
      const cause = kept.get(e.c);
      if (cause) {
        for (const [host, count] of cause) {
          const mine = clock.get(host);
          if (mine === undefined || mine < count) clock.set(host, count);
        }
      }
      if (lastEffect[e.c] === i) kept.delete(e.c);
    }
    clock.set(h, (clock.get(h) ?? 0) + 1);
    if (lastEffect[i]! >= 0) kept.set(i, new Map(clock));
    let text = '{';
    let first = true;
    for (const [host, count] of clock) {
      text += `${first ? '' : ','}${keys[host]}:${count}`;
      first = false;
    }
    out.push(`${e.t} ${hosts[h]} ${text}} ${e.k} ${oneLine(e.s)}: ${oneLine(e.x)}\n`);
  }
  out.flush();
}
