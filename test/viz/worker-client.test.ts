/** A dead worker fails every request still waiting on it, once, with a message naming the worker. */
import { describe, expect, it } from 'vitest';
import { failPending } from '../../viz/src/worker-client.js';

describe('failPending', () => {
  it('rejects every pending request with the worker named, clears them and stops the default report', () => {
    const errors: string[] = [];
    const pending = new Map<number, { reject: (e: Error) => void }>();
    for (const id of [1, 2, 3]) pending.set(id, { reject: (e) => errors.push(`${id}: ${e.message}`) });
    let prevented = false;
    const ev = { message: 'out of memory', preventDefault: () => (prevented = true) } as unknown as ErrorEvent;
    failPending(pending, 'load', ev);
    expect(errors).toEqual([
      '1: the load worker failed: out of memory',
      '2: the load worker failed: out of memory',
      '3: the load worker failed: out of memory',
    ]);
    expect(pending.size).toBe(0);
    expect(prevented).toBe(true);
  });

  it('says "unknown error" when the browser gives no message', () => {
    const errors: string[] = [];
    const pending = new Map([[7, { reject: (e: Error) => errors.push(e.message) }]]);
    failPending(pending, 'run', { message: '', preventDefault: () => {} } as unknown as ErrorEvent);
    expect(errors).toEqual(['the run worker failed: unknown error']);
  });
});
