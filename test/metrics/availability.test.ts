import { describe, expect, it } from 'vitest';
import { AvailabilityTracker } from '../../sim/metrics/index.js';

describe('AvailabilityTracker: merged down and degraded time', () => {
  it('counts overlapping outages of one role once', () => {
    const t = new AvailabilityTracker(new Int32Array([2]), ['worker']);
    t.change(0, 0, 2, 0); // both healthy from the start
    t.change(0, 10, -1, 0); // first instance down at 10
    t.change(0, 15, -1, 0); // second down at 15: the role is down
    t.change(0, 20, 1, 0); // one back at 20
    t.change(0, 30, 1, 0); // both back at 30
    const [r] = t.results(100);
    expect(r!.downUs).toBe(5); // 15–20
    expect(r!.degradedUs).toBe(20); // 10–30, not 20 + 15 = 35 summed per instance
    expect(r!.availability).toBeCloseTo(0.95, 12);
  });
});
