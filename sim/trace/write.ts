/**
 * Writing a timeline: the text `fabricsim run --out` writes and `readTimeline` reads back (one JSON document and a
 * final newline), in version 2 (events in columns) unless version 1 is asked for.
 */
import { TIMELINE_FILE_VERSION, type Timeline, type TimelineFileVersion } from './format.js';
import { timelineWriter } from './stream.js';

/** The timeline as the text of a timeline file. */
export function writeTimeline(timeline: Timeline, version: TimelineFileVersion = TIMELINE_FILE_VERSION): string {
  if (version === 1) return `${JSON.stringify(timeline)}\n`;
  const parts: string[] = [];
  const sink = timelineWriter((s) => parts.push(s), version);
  const { events, summary, traceHash, ...head } = timeline;
  sink.begin(head);
  for (const e of events) sink.event(e);
  sink.end(summary, traceHash);
  return parts.join('');
}
