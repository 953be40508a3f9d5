/**
 * What the page's worker clients (the run worker, the load worker) share: when a worker dies, every request still
 * waiting on it fails with one message naming the worker, and the client drops the worker so that its next request
 * starts a fresh one.
 */

/** Fails and forgets every pending request because `what` worker died (`ev`); the caller then drops the worker. */
export function failPending(pending: Map<number, { reject: (e: Error) => void }>, what: string, ev: ErrorEvent): void {
  ev.preventDefault();
  const err = new Error(`the ${what} worker failed: ${ev.message || 'unknown error'}`);
  for (const p of pending.values()) p.reject(err);
  pending.clear();
}
