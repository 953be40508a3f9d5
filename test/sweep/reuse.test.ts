/**
 * Sweeps reuse the built world: each worker thread builds a combination's world once and starts every seed from it
 * (`reuseWorld`, sim/run.ts). Every run must still be the run a fresh process does: seeds A, B, A through one
 * executor (what a worker thread runs) give the results line of a fresh run each, and the shared world is left as
 * built. So for the security model's seed-independent part (sim/model/security/base.ts): the address plan and
 * endpoints, the configured rules compiled, the paths they block and the users' reach, derived once and reused.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeExecutor, type WorkerInit } from '../../sim/cli/sweep/execute.js';
import type { Runner } from '../../sim/cli/sweep/runner.js';
import { loadScenario, runScenario, VERSION } from '../../sim/index.js';
import { buildWorld } from '../../sim/model/build.js';
import { SecurityModel } from '../../sim/model/index.js';
import { runResolved } from '../../sim/run.js';
import { recordOf } from '../../sim/sweep/record.js';

const runner: Runner = {
  VERSION,
  loadScenario: (text, opts) => loadScenario(text, opts),
  runScenario: (sc, opts) => runScenario(sc as ReturnType<typeof loadScenario>, opts),
};

// Random faults with healing (sweep-bench), and the security model on a small fabric with random faults; the last
// one with configured rules that refuse some users and block a node's polls, misconfigurations and attacks.
const SECURITY = 'test/sweep/fixtures/security-reuse.yaml';
const FILES = ['scenarios/sweep-bench.yaml', 'scenarios/security-admin-boundary.yaml', SECURITY];
const SEEDS = [7, 12, 7];

function fresh(text: string, fileName: string, seed: number, run: number): string {
  // A scenario object of its own: nothing built by an earlier run can be found for it.
  const summary = runScenario(loadScenario(text, { fileName }), { seed, record: false }).summary;
  return JSON.stringify(recordOf({ run, combo: 0, seed }, {}, summary));
}

describe('sweep workers reuse the built world', () => {
  for (const fileName of FILES) {
    it(`${fileName}: seeds A, B, A in one executor give a fresh run's results line each`, () => {
      const text = readFileSync(fileName, 'utf8');
      const init: WorkerInit = { runnerUrl: '', combos: [{ text, fileName, params: {} }], extendsFiles: [] };
      const execute = makeExecutor(init, runner);
      const lines = SEEDS.map((seed, run) => execute({ run, combo: 0, seed }));
      for (const [run, seed] of SEEDS.entries()) {
        const line = lines[run]!;
        expect(JSON.parse(line).error).toBeUndefined();
        expect(line).toBe(fresh(text, fileName, seed, run));
      }
      expect(JSON.parse(lines[0]!).traceHash).not.toBe(JSON.parse(lines[1]!).traceHash);
    });
  }

  it('starts every seed from the one built world and leaves it as built', () => {
    const sc = loadScenario(readFileSync('scenarios/sweep-bench.yaml', 'utf8')).resolved;
    const runs = SEEDS.map((seed) => runResolved(sc, { seed, record: false, reuseWorld: true }));
    expect(runs[1]!.sim.initial).toBe(runs[0]!.sim.initial);
    expect(runs[2]!.sim.initial).toBe(runs[0]!.sim.initial);
    // The runs changed their own worlds (faults, healing), never the built one.
    const changed = runs[0]!.sim.world.clusters.flatMap((c, ci) =>
      c.instances.filter((x, i) => x !== runs[0]!.sim.initial.clusters[ci]!.instances[i]),
    );
    expect(changed.length).toBeGreaterThan(0);
    expect(runs[0]!.sim.initial).toEqual(buildWorld(sc).world);
    for (const [i, seed] of SEEDS.entries()) {
      expect(runs[i]!.summary).toEqual(runResolved(sc, { seed, record: false }).summary);
    }
  });

  it("starts every seed from one security base and leaves it as derived (rules changed by a run's misconfigurations)", () => {
    const sc = loadScenario(readFileSync(SECURITY, 'utf8')).resolved;
    const runs = SEEDS.map((seed) => runResolved(sc, { seed, record: false, reuseWorld: true }));
    const models = runs.map((r) => SecurityModel.of(r.sim)!);
    expect(models[1]!.eps).toBe(models[0]!.eps);
    expect(models[2]!.plan).toBe(models[0]!.plan);
    // Every run recompiled its rules (four misconfigurations, each applied and reverted).
    for (const m of models) expect(m.rules.version).toBe(9);
    for (const [i, seed] of SEEDS.entries()) {
      const fresh = runResolved(sc, { seed, record: false });
      expect(SecurityModel.of(fresh.sim)!.eps).not.toBe(models[0]!.eps);
      expect(runs[i]!.summary).toEqual(fresh.summary);
    }
    // The configured rules refuse some users and block a node's polls from the start: not a trivial base.
    expect(runs[0]!.summary.roles.find((r) => r.id === 'shop.web')!.servedAvailability).toBeLessThan(0.9);
    // A later run starts from what the first derived, unchanged by the runs since: the same walls and reach as a
    // model that derives them itself.
    const later = runResolved(sc, { seed: 99, record: false, reuseWorld: true, untilUs: 1 });
    const own = runResolved(sc, { seed: 99, record: false, untilUs: 1 });
    const a = SecurityModel.of(later.sim)!;
    const b = SecurityModel.of(own.sim)!;
    expect(a.eps).toBe(models[0]!.eps);
    expect(a.rules.version).toBe(1);
    expect(a.rules.compiledWalls().nsg).toEqual(b.rules.compiledWalls().nsg);
    expect(a.rules.compiledWalls().hostAcl).toEqual(b.rules.compiledWalls().hostAcl);
    expect(a.infra.disturbing).toBe(true);
    expect(b.infra.disturbing).toBe(true);
    expect(later.summary).toEqual(own.summary);
  });

  it('builds afresh when recording, or when the placement policy is not the built-in one', () => {
    const sc = loadScenario(readFileSync('scenarios/sweep-bench.yaml', 'utf8')).resolved;
    const a = runResolved(sc, { seed: 1, record: true, reuseWorld: true, untilUs: 1 });
    const b = runResolved(sc, { seed: 1, record: true, reuseWorld: true, untilUs: 1 });
    expect(b.sim.initial).not.toBe(a.sim.initial);
    const pack = loadScenario(readFileSync('scenarios/policy-pack.yaml', 'utf8')).resolved;
    const c = runResolved(pack, { seed: 1, record: false, reuseWorld: true, untilUs: 1 });
    const d = runResolved(pack, { seed: 2, record: false, reuseWorld: true, untilUs: 1 });
    expect(d.sim.initial).not.toBe(c.sim.initial);
  });
});
