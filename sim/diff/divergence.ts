/**
 * Where two runs part: events are compared by everything but their human-readable text (which the trace hash skips
 * too), in order; the first index at which they differ — or at which the shorter run ends — is the divergence.
 * Shared by `fabricsim diff` and the viewer's side-by-side comparison, so that both name the same event.
 */
import { canonicalJson } from '../scenario/index.js';
import type { TimelineEvent } from '../trace/index.js';

/** An event's identity for comparison: everything but its human-readable text. */
export function eventKey(e: TimelineEvent): string {
  const { x: _text, ...rest } = e;
  return canonicalJson(rest);
}

/** The index of the first event that differs, or -1 when the events are the same. */
export function firstDivergence(a: readonly TimelineEvent[], b: readonly TimelineEvent[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (eventKey(a[i]!) !== eventKey(b[i]!)) return i;
  return a.length === b.length ? -1 : n;
}
