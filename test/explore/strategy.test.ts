/**
 * Schedule strategies: same seed, same schedules; swarm switches kinds off; coverage mutates its corpus; the
 * invariant check on a world; a time budget.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exploreCommand } from '../../sim/cli/explore/command.js';
import {
  type ExploreContext,
  exploreConfig,
  LaneState,
  laneRuns,
  readyOnDeadNodes,
  scheduleFor,
} from '../../sim/explore/index.js';
import { loadScenario } from '../../sim/index.js';
import { createSimulation } from '../../sim/run.js';

function context(strategy: string, exploreSeed = 1): ExploreContext {
  const text = readFileSync('scenarios/explore/robust-spread.yaml', 'utf8').replace(
    'strategy: coverage',
    `strategy: ${strategy}`,
  );
  const sc = loadScenario(text, { fileName: 'r.yaml' });
  const base = { ...sc.file };
  delete base.explore;
  return { base, name: sc.name, runSeed: sc.seed, exploreSeed, config: exploreConfig(sc.file, sc.resolved) };
}

describe('strategies', () => {
  it('draw the same schedule for the same seed and run, another for another seed, within the space', () => {
    const a = context('random');
    const runs = Array.from({ length: 50 }, (_, i) => scheduleFor(a, i, null));
    expect(Array.from({ length: 50 }, (_, i) => scheduleFor(a, i, null))).toEqual(runs);
    expect(scheduleFor(context('random', 2), 0, null)).not.toEqual(runs[0]);
    for (const s of runs) {
      expect(s.length).toBeGreaterThanOrEqual(1);
      expect(s.length).toBeLessThanOrEqual(2);
      for (const f of s) {
        expect(['role.crash', 'vm.crash', 'node.crash', 'rack.power-loss']).toContain(f.kind);
        expect(a.config.space.targets[f.kind]).toContain(f.target);
      }
      expect(s.map((f) => f.id)).toEqual(s.map((_, j) => `x${j + 1}`));
    }
  });

  it('swarm switches whole kinds off: runs with two faults of one kind happen far more often than at random', () => {
    const share = (strategy: string) => {
      const ctx = context(strategy);
      let one = 0;
      let two = 0;
      for (let i = 0; i < 400; i++) {
        const s = scheduleFor(ctx, i, null);
        if (s.length !== 2) continue;
        two++;
        if (s[0]!.kind === s[1]!.kind) one++;
      }
      return one / two;
    };
    expect(share('swarm')).toBeGreaterThan(share('random') + 0.15);
  });

  it('coverage mutates schedules from its corpus once a run reached something new', () => {
    const ctx = context('coverage');
    const state = new LaneState();
    const records = [...laneRuns(ctx, 0, 8 * 12, new Map())].map((x) => x.record);
    for (const r of records) state.feed(r);
    expect(state.corpus.length).toBeGreaterThan(0);
    // Mutated schedules keep faults (kind and start) of corpus entries far more often than fresh draws do.
    const keyOf = (f: { kind: string; target: string; at: string }) => `${f.kind} ${f.target} ${f.at}`;
    const corpusKeys = new Set(state.corpus.flat().map(keyOf));
    let guided = 0;
    let fresh = 0;
    for (let r = 96; r < 96 + 8 * 40; r += 8) {
      if (scheduleFor(ctx, r, state).some((f) => corpusKeys.has(keyOf(f)))) guided++;
      if (scheduleFor(ctx, r, null).some((f) => corpusKeys.has(keyOf(f)))) fresh++;
    }
    expect(guided).toBeGreaterThan(15);
    expect(fresh).toBeLessThan(3);
    // Replaying recorded runs gives the same lane as running them.
    const done = new Map(records.map((r) => [r.run, r]));
    expect([...laneRuns(ctx, 0, 8 * 12, done)].every((x) => !x.fresh)).toBe(true);
  });
});

describe('invariants and budgets', () => {
  it('readyOnDeadNodes names an instance Ready on an unpowered node', () => {
    const sc = loadScenario(readFileSync('scenarios/quickstart.yaml', 'utf8'), { fileName: 'q.yaml' });
    const w = structuredClone(createSimulation(sc.resolved, { record: false }).world);
    expect(readyOnDeadNodes(w)).toEqual([]);
    const c = w.clusters[0]!;
    const inst = c.instances[0]!;
    inst.status = 'Ready';
    c.nodes[inst.node]!.powered = false;
    expect(readyOnDeadNodes(w)).toEqual([`${inst.id} on ${c.nodes[inst.node]!.id}`]);
  });

  it('--time explores until the time is up and records a time budget', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'explore-time-'));
    let out = '';
    const code = await exploreCommand(
      ['scenarios/explore/robust-spread.yaml', '--time', '1s', '--out', dir, '--json'],
      { out: (s) => void (out += s), err: () => {}, now: () => 0 },
      { worker: 'inProcess' },
    );
    expect(code).toBe(0);
    expect(JSON.parse(out).runs).toBeGreaterThan(0);
    const header = JSON.parse(readFileSync(join(dir, 'robust-spread.explore.jsonl'), 'utf8').split('\n')[0]!);
    expect(header.runs).toBeNull();
  });
});
