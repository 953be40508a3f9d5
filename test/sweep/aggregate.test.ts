import { describe, expect, it } from 'vitest';
import { formatDurationUs } from '../../sim/cli/sweep/format.js';
import { makeHeader } from '../../sim/cli/sweep/header.js';
import { createProgress } from '../../sim/cli/sweep/progress.js';
import { gather, naturalCompare, summarizeSweep, toJson } from '../../sim/sweep/aggregate.js';
import type { RunRecord } from '../../sim/sweep/record.js';

const header = makeHeader({
  fabricsim: 'test',
  scenario: 's',
  scenarioHash: 'h',
  parameters: [{ path: 'policies.fc.missedPolls', values: [2, 4] }],
  seeds: { start: 1, count: 3 },
  runs: 6,
  shard: null,
});

function rec(run: number, ttr: (number | null)[], availability: number): RunRecord {
  const combo = Math.floor(run / 3);
  const seed = 1 + (run % 3);
  return {
    run,
    combo,
    seed,
    params: { 'policies.fc.missedPolls': combo === 0 ? 2 : 4 },
    traceHash: 'x',
    events: 1,
    metrics: {
      faults: ttr.map((t, i) => ({
        id: `f${i + 1}`,
        kind: 'node.crash',
        target: `n${i}`,
        atUs: 1000 * i,
        ttdUs: 5,
        ttrUs: t,
        detectedBy: 'fc',
      })),
      roles: [{ id: 'shop.web', availability, servedAvailability: availability, readyFraction: availability }],
      security: { attempts: 0, allowed: 0, denied: 0, violations: run % 2, exposureUs: 0 },
      fc: { noQuorumUs: 0, leaderChanges: 0 },
      sql: { failovers: 0, unavailableUs: 0 },
    },
    expectations: [{ name: 'recovered within 15m', passed: ttr.every((t) => t !== null), measured: '' }],
  };
}

const records: RunRecord[] = [
  rec(0, [10, 20], 0.99),
  rec(1, [30, null], 0.98),
  rec(2, [40, 50], 1),
  rec(3, [15, 20], 0.995),
  rec(4, [null, 60], 0.97),
  rec(5, [45, 55], 1),
];

describe('summarizeSweep: counts, rates and availability figures', () => {
  const withTime = records.map((r) => ({
    ...r,
    metrics: {
      ...r.metrics!,
      durationUs: 10_000,
      faultArrivals: [{ id: 'f1', kind: 'node.crash', arrivals: 3, missed: 1 }],
    },
  }));
  const s = summarizeSweep(header, withTime);

  it('counts arrivals (with missed ones) and estimates MTTF over the observed time', () => {
    const c0 = s.faultFigures.find((f) => f.kind === 'node.crash')!.byCombination[0]!;
    expect([c0.runs, c0.exposureUs, c0.arrivals, c0.missed, c0.faults, c0.recovered, c0.censored]).toEqual([
      3, 30_000, 9, 3, 6, 5, 1,
    ]);
    expect(c0.mttf.meanUs).toBe(30_000 / 9);
    expect(c0.mttf.ci.lo!).toBeLessThan(30_000 / 9);
    expect(c0.mttf.ci.hi!).toBeGreaterThan(30_000 / 9);
  });

  it('takes MTTR over the time on test, counting an unrecovered fault up to the end of its run', () => {
    const c0 = s.faultFigures[0]!.byCombination[0]!;
    // Recovered: 10, 20, 30, 40, 50; the fault f2 of run 1 (at 1000 µs) is censored at 10,000 µs → 9,000 µs.
    expect(c0.mttr.meanUs).toBe((10 + 20 + 30 + 40 + 50 + 9000) / 5);
  });

  it('writes availability as nines and downtime per year, and uses the rule of three without downtime', () => {
    const web = s.roleFigures.find((r) => r.role === 'shop.web')!;
    const c0 = web.byCombination[0]!;
    const mean = (0.99 + 0.98 + 1) / 3;
    expect(c0.mean).toBeCloseTo(mean, 12);
    expect(c0.nines).toBeCloseTo(-Math.log10(1 - mean), 12);
    expect(c0.runsWithDowntime).toBe(2);
    expect(c0.ruleOfThree).toBeNull();
    const perfect = summarizeSweep(
      header,
      withTime.map((r) => ({
        ...r,
        metrics: { ...r.metrics, roles: [{ ...r.metrics.roles[0]!, availability: 1 }] },
      })),
    );
    const p0 = perfect.roleFigures[0]!.byCombination[0]!;
    expect([p0.nines, p0.downtimePerYearUs, p0.runsWithDowntime, p0.ruleOfThree]).toEqual([
      Number.POSITIVE_INFINITY,
      0,
      0,
      1,
    ]);
  });

  it('sums package problems and averages the merged down time per role (older records without them: unknown, 0)', () => {
    const withRoles = withTime.map((r) => ({
      ...r,
      metrics: {
        ...r.metrics,
        roles: [{ ...r.metrics.roles[0]!, downUs: 100 * (r.run + 1), packageProblems: r.run === 1 ? 2 : 0 }],
      },
    }));
    const figures = summarizeSweep(header, withRoles).roleFigures[0]!.byCombination;
    expect(figures.map((c) => [c.meanDownUs, c.packageProblems, c.runsWithPackageProblems])).toEqual([
      [200, 2, 1],
      [500, 0, 0],
    ]);
    const old = s.roleFigures[0]!.byCombination[0]!;
    expect([old.meanDownUs, old.packageProblems, old.runsWithPackageProblems]).toEqual([null, 0, 0]);
  });

  it('states the censoring with each figure', () => {
    for (const m of s.metrics) expect(m.censoring.length).toBeGreaterThan(10);
    expect(s.faultFigures[0]!.censoring).toContain('end of its run');
    expect(s.roleFigures[0]!.censoring).toContain('end of the run');
  });
});

describe('summarizeSweep', () => {
  it('is the same whatever order the records come in', () => {
    const a = toJson(summarizeSweep(header, records));
    const shuffled = [records[4]!, records[1]!, records[5]!, records[0]!, records[3]!, records[2]!];
    expect(toJson(summarizeSweep(header, shuffled))).toBe(a);
  });

  it('counts unrecovered faults as +∞ (censored), in n and in the share, and writes them "inf"', () => {
    const s = summarizeSweep(header, records);
    const ttr = s.metrics.find((m) => m.key === 'ttr')!;
    expect(ttr.byCombination[0]).toMatchObject({ combo: 'c0', n: 6, censored: 1 });
    expect(ttr.byCombination[0]!.censoredShare).toBeCloseTo(1 / 6, 15);
    expect(ttr.byCombination[0]!.mean.value).toBe(30); // (10 + 20 + 30 + 40 + 50) / 5
    expect(ttr.byCombination[0]!.max).toBe(Number.POSITIVE_INFINITY);
    expect(toJson(ttr.byCombination[0]!.max)).toBe('"inf"');
  });

  it('pairs by seed and fault; pairs with a censored member are counted by kind', () => {
    const s = summarizeSweep(header, records);
    const d = s.differences[0]!.metrics.find((m) => m.key === 'ttr')!;
    // Pairs (c0, c1): seed 1 f1 10→15, f2 20→20; seed 2 f1 30→∞, f2 ∞→60; seed 3 f1 40→45, f2 50→55.
    expect(d).toMatchObject({ pairs: 6, unmatched: 0, n: 4, onlyACensored: 1, onlyBCensored: 1, bothCensored: 0 });
    expect(d.mean).toBe((5 + 0 + 5 + 5) / 4);
    expect([d.bLower, d.equal, d.bHigher]).toEqual([0, 1, 3]);
  });

  it('reports expectation pass rates per combination', () => {
    const s = summarizeSweep(header, records);
    expect(s.expectations).toHaveLength(1);
    expect(s.expectations[0]!.byCombination.map((c) => [c.passed, c.n])).toEqual([
      [2, 3],
      [2, 3],
    ]);
  });

  it('naturalCompare orders digit runs as numbers', () => {
    expect(['f10', 'f2', 'f1', 'g0', 'f02'].sort(naturalCompare)).toEqual(['f1', 'f2', 'f02', 'f10', 'g0']);
  });
});

describe('formatting and progress', () => {
  it('formatDurationUs picks a readable unit', () => {
    expect([0, 850, 12_345, 4_520_000, 552_400_000, 7_392_000_000, 273_120_000_000].map(formatDurationUs)).toEqual([
      '0s',
      '850us',
      '12.3ms',
      '4.52s',
      '9m12.4s',
      '2h03m12s',
      '3d03h52m',
    ]);
    expect(formatDurationUs(Number.POSITIVE_INFINITY)).toBe('∞');
  });

  it('off a terminal, progress is plain periodic lines with rate and ETA, and a last line', () => {
    let text = '';
    const p = createProgress({
      total: 3,
      resumed: 2,
      stream: { write: (t: string) => (text += t) },
      tty: false,
      intervalMs: 0,
    });
    p.tick();
    p.tick();
    p.tick();
    p.stop();
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^sweep: 1\/3 runs \(\+2 resumed\) \(33%\), [\d.]+ runs\/s, ETA /);
    expect(lines.at(-1)).toMatch(/^sweep: 3\/3 runs \(\+2 resumed\) \(100%\), [\d.]+ runs\/s, done in /);
  });
});

describe('summarizeSweep at scale: per-role look-ups and sample order', () => {
  // 30 roles listed in a different order in every run, and fault ids whose natural order differs from code order.
  const roleIds = Array.from({ length: 30 }, (_, i) => `svc${i}.web`);
  const big: RunRecord[] = [0, 1, 2].map((run) => {
    const base = rec(run, [10 * (run + 1), 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120], 1);
    const order = roleIds.map((_, i) => roleIds[(i * 7 + run * 11) % roleIds.length]!);
    return {
      ...base,
      metrics: {
        ...base.metrics!,
        roles: order.map((id) => {
          const a = 1 - (Number(id.slice(3, -4)) + 1) / 1000 - run / 1e5;
          return { id, availability: a, servedAvailability: a, readyFraction: a, downUs: run, packageProblems: run };
        }),
      },
    };
  });
  const s = summarizeSweep({ ...header, runs: 3 }, big);

  it('gives each role the mean of its own entries, whatever their order in each run', () => {
    for (const id of roleIds) {
      const k = Number(id.slice(3, -4));
      const m = s.metrics.find((x) => x.key === `availability[${id}]`)!.byCombination[0]!;
      const want = (1 - (k + 1) / 1000) * 3 - (0 + 1 + 2) / 1e5;
      expect(m.n).toBe(3);
      expect(m.mean.value!).toBeCloseTo(want / 3, 12);
      const fig = s.roleFigures.find((r) => r.role === id)!.byCombination[0]!;
      expect([fig.runs, fig.runsWithDowntime, fig.meanDownUs, fig.packageProblems]).toEqual([3, 3, 1, 3]);
    }
    expect(s.roleFigures.map((r) => r.role)).toEqual([...roleIds].sort(naturalCompare));
  });

  it('orders fault samples by natural id order, then seed (f2 before f10)', () => {
    const ttr = gather({ ...header, runs: 3 }, big).metrics.find((x) => x.def.key === 'ttr')!.byCombo[0]!;
    const want = Array.from({ length: 12 }, (_, i) => [1, 2, 3].map((seed) => `f${i + 1}/${seed}`)).flat();
    expect(ttr.map((x) => `${x.item}/${x.seed}`)).toEqual(want);
  });
});
