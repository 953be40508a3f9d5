/** The event log's filter: by kind, subject and text, over all events, into a dense list of ids. */
import { type Events, eventList } from './event-list.js';

export interface LogFilter {
  /** Kinds to show; empty = all. A kind ending in ".*" matches a prefix ("msg.*"). */
  readonly kinds: readonly string[];
  /** Substring of the subject (case-insensitive); empty = any. */
  readonly subject: string;
  /** Substring of the text, kind, subject or rule (case-insensitive); empty = any. */
  readonly text: string;
}

export const NO_FILTER: LogFilter = { kinds: [], subject: '', text: '' };

export function isEmptyFilter(f: LogFilter): boolean {
  return f.kinds.length === 0 && f.subject.trim() === '' && f.text.trim() === '';
}

/** Ids of the events that pass the filter, ascending; undefined when the filter is empty (all events pass). */
export function filterEvents(eventsIn: Events, f: LogFilter): Int32Array | undefined {
  const events = eventList(eventsIn);
  if (isEmptyFilter(f)) return undefined;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const k of f.kinds) {
    if (k.endsWith('.*')) prefixes.push(k.slice(0, -1));
    else exact.add(k);
  }
  const anyKind = f.kinds.length === 0;
  const subject = f.subject.trim().toLowerCase();
  const text = f.text.trim().toLowerCase();
  const out = new Int32Array(events.length);
  let n = 0;
  for (let i = 0; i < events.length; i++) {
    const k = events.kind(i);
    if (!anyKind && !exact.has(k) && !prefixes.some((p) => k.startsWith(p))) continue;
    const s = events.subject(i);
    if (subject && !s.toLowerCase().includes(subject)) continue;
    if (
      text &&
      !events.text(i).toLowerCase().includes(text) &&
      !k.toLowerCase().includes(text) &&
      !s.toLowerCase().includes(text) &&
      !(events.rule(i) ?? '').toLowerCase().includes(text)
    ) {
      continue;
    }
    out[n++] = i;
  }
  return out.slice(0, n);
}
