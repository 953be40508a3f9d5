/**
 * Writing a timeline: the text `fabricsim run --out` writes and `readTimeline` reads back (one JSON document and a
 * final newline).
 */
import type { Timeline } from './format.js';

/** The timeline as the text of a timeline file. */
export function writeTimeline(timeline: Timeline): string {
  return `${JSON.stringify(timeline)}\n`;
}
