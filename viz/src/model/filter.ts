/** The event log's filter: by kind, subject and text, over all events, into a dense list of ids. */
import type { TimelineEvent } from '../../../sim/trace/index.js';

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
export function filterEvents(events: readonly TimelineEvent[], f: LogFilter): Int32Array | undefined {
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
    const e = events[i]!;
    if (!anyKind && !exact.has(e.k) && !prefixes.some((p) => e.k.startsWith(p))) continue;
    if (subject && !e.s.toLowerCase().includes(subject)) continue;
    if (
      text &&
      !e.x.toLowerCase().includes(text) &&
      !e.k.toLowerCase().includes(text) &&
      !e.s.toLowerCase().includes(text) &&
      !(e.r ?? '').toLowerCase().includes(text)
    ) {
      continue;
    }
    out[n++] = i;
  }
  return out.slice(0, n);
}
