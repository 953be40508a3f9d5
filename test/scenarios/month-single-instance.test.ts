/**
 * The 500-run check at a smaller size: one instance under independent role crashes must never be left
 * stopped for good, however the crashes bunch up, and its availability must agree with the closed form X/(X+MTTR)
 * of an alternating renewal process (exponential up times with mean X, a restart of MTTR). The full 500-seed month
 * is in docs/sweeps.md ("A month of one instance").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/index.js';
import { ROOT, scenarioText } from '../model/helpers.js';

const TEXT = readFileSync(join(ROOT, 'scenarios', 'month-single-instance.yaml'), 'utf8');
const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);

function variant(duration: string, every: string) {
  expect(TEXT).toContain('duration: 30d');
  expect(TEXT).toContain('every: exponential(1h)');
  return scenarioText(TEXT.replace('duration: 30d', `duration: ${duration}`).replace('exponential(1h)', every));
}

describe('month-single-instance (50 seeds, shorter)', () => {
  it('under crashes bunched into crash loops, no run ends with the instance stopped for good', () => {
    // A crash every 10 minutes on average: crash loops happen in most runs, so the FC's reimage and move are used.
    const sc = variant('3d', 'exponential(10m)');
    let loops = 0;
    let moves = 0;
    for (const seed of SEEDS) {
      const { summary } = runScenario(sc, { seed, record: false });
      loops += summary.eventCounts['instance.crash-loop'] ?? 0;
      moves += summary.eventCounts['instance.correct'] ?? 0;
      // Every fault recovers, except one that started so late that its recovery (at worst a move to another node:
      // the FC's report, healing and a start, well under an hour) falls after the end of the run.
      for (const f of summary.faults) {
        if (f.ttrUs === null)
          expect(summary.durationUs - f.atUs, `seed ${seed}: ${f.id} never recovered`).toBeLessThan(3_600e6);
      }
      const role = summary.roles[0]!;
      expect(role.packageProblems).toBe(0);
      expect(role.availability, `seed ${seed}`).toBeGreaterThan(0.75);
    }
    expect(loops).toBeGreaterThan(20);
    expect(moves).toBeGreaterThan(0);
  });

  it('availability agrees with X/(X+MTTR) for hourly crashes (mean over 50 seven-day runs, within 0.3 %)', () => {
    const sc = variant('7d', 'exponential(1h)');
    const avail = SEEDS.map((seed) => runScenario(sc, { seed, record: false }).summary.roles[0]!.availability);
    const mean = avail.reduce((a, b) => a + b, 0) / avail.length;
    // A restart takes 2m1s (1 s back-off and a 2 min start); the mean up time is 1 h.
    const closed = 3600 / (3600 + 121);
    expect(Math.abs(mean - closed)).toBeLessThan(0.003);
    expect(Math.min(...avail)).toBeGreaterThan(0.94);
  });
});
