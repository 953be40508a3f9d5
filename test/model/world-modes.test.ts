/**
 * The kernel's two ways of keeping the world (sim/model/kernel.ts): persistent with recording on (an old reference
 * keeps its state), in place with recording off (the built world, `initial`, stays as built), and the scoped recipes
 * of mutInst / mutNode, which must record exactly the patches immer records for a draft of the whole world.
 */
import { Immer } from 'immer';
import { describe, expect, it } from 'vitest';
import type { World } from '../../sim/index.js';
import { createSimulation } from '../../sim/run.js';
import { scenarioFile } from './helpers.js';

const HOUR = 3_600_000_000;

function simOf(name: string, record: boolean) {
  const sc = scenarioFile(name);
  return createSimulation(sc.resolved, { seed: sc.seed, record });
}

describe('the world kept by the kernel', () => {
  it('with recording off, changes the world in place but never the built world (initial)', () => {
    // role-crash: only instance changes (mutInst), so the instance array is the one the kernel started with.
    const sim = simOf('role-crash.yaml', false);
    const built = structuredClone(sim.initial);
    sim.sched.run({ until: sim.k.sc.durationUs });
    expect(sim.rec.count).toBeGreaterThan(10);
    expect(sim.initial).toEqual(built);
    // A change to one instance: the same array, holding a new instance object; the old object is untouched.
    const instances = sim.world.clusters[0]!.instances;
    const before = instances[1]!;
    sim.change(
      'test',
      'x',
      -1,
      'test',
      sim.k.mutInst(1, (i) => void (i.hung = !i.hung)),
    );
    expect(sim.world.clusters[0]!.instances).toBe(instances);
    expect(instances[1]).not.toBe(before);
    expect(instances[1]!.hung).toBe(!before.hung);
    expect(sim.initial).toEqual(built);
  });

  it('with recording on, keeps every old world as it was (a new world per change)', () => {
    const sim = simOf('node-crash-healing.yaml', true);
    const kept: { world: World; copy: World }[] = [];
    for (let t = HOUR / 4; t <= sim.k.sc.durationUs; t += HOUR / 4) {
      sim.sched.run({ until: t });
      kept.push({ world: sim.world, copy: structuredClone(sim.world) });
    }
    expect(new Set(kept.map((k) => k.world)).size).toBeGreaterThan(2);
    for (const k of kept) expect(k.world).toEqual(k.copy);
  });

  for (const record of [true, false]) {
    it(`records for mutInst and mutNode the patches immer gives on the whole world (recording ${record ? 'on' : 'off'})`, () => {
      const sim = simOf('quickstart.yaml', record);
      const k = sim.k;
      const immer = new Immer({ autoFreeze: false });
      const patchesOf = (recipe: Parameters<typeof k.change>[4]) => {
        const before = structuredClone(k.world);
        const expected = immer.produceWithPatches(before, recipe!);
        let got: unknown;
        // The kernel records through emit, or emitFieldReplaces for the flat drafter's fields (the patches those
        // stand for are made here from its arguments).
        const emit = k.rec.emit.bind(k.rec);
        const emitFields = k.rec.emitFieldReplaces.bind(k.rec);
        k.rec.emit = (t, kind, s, c, x, p, e) => {
          got = p;
          return emit(t, kind, s, c, x, p, e);
        };
        k.rec.emitFieldReplaces = (t, kind, s, c, x, e, prefix, keys, values, n) => {
          got =
            n === 0
              ? undefined
              : keys.slice(0, n).map((key, i) => ({ op: 'replace', path: [...prefix, key], value: values[i] }));
          return emitFields(t, kind, s, c, x, e, prefix, keys, values, n);
        };
        k.change('test', 'x', -1, 'test', recipe);
        k.rec.emit = emit;
        k.rec.emitFieldReplaces = emitFields;
        expect(got ?? []).toEqual(expected[1]);
        expect(k.world).toEqual(expected[0]);
        return got;
      };
      const last = k.ix.instCluster.length - 1;
      const p1 = patchesOf(
        k.mutInst(last, (i) => {
          i.status = 'Busy';
          i.hung = true;
        }),
      );
      expect(p1).toEqual([
        {
          op: 'replace',
          path: ['clusters', k.ix.instCluster[last], 'instances', k.ix.instLocal[last], 'status'],
          value: 'Busy',
        },
        {
          op: 'replace',
          path: ['clusters', k.ix.instCluster[last], 'instances', k.ix.instLocal[last], 'hung'],
          value: true,
        },
      ]);
      const gn = k.ix.nodeCluster.length - 1;
      patchesOf(
        k.mutNode(gn, (n, c) => {
          n.status = 'Unhealthy';
          n.instances.push(0);
          c.fc.leader = -1;
        }),
      );
      // No change, no patches.
      expect(patchesOf(k.mutInst(0, () => {}))).toBeUndefined();
    });
  }

  for (const name of ['node-crash-healing.yaml', 'rack-power-loss.yaml', 'host-agent-crash.yaml', 'vm-crash.yaml']) {
    it(`keeps the pollers' flat copies (instNode, instVmRebooting, instVmRunning, instInRotation, healthyFlag, nodeAgentUp) equal to the world: ${name}`, () => {
      const sim = simOf(name, false);
      const k = sim.k;
      const check = (): void => {
        for (let gi = 0; gi < k.ix.instCluster.length; gi++) {
          expect(k.instNode[gi]).toBe(k.nodeOfInst(gi));
          expect(k.instVmRebooting[gi]).toBe(k.inst(gi).vm === 'Rebooting' ? 1 : 0);
          expect(k.instVmRunning[gi]).toBe(k.inst(gi).vm === 'Running' ? 1 : 0);
          expect(k.instInRotation[gi]).toBe(k.inst(gi).inRotation ? 1 : 0);
          expect(k.healthyFlag[gi]).toBe(k.isHealthy(k.inst(gi)) ? 1 : 0);
        }
        for (let gn = 0; gn < k.ix.nodeCluster.length; gn++) {
          const n = k.node(gn);
          expect(k.nodeAgentUp[gn]).toBe(n.powered && n.hostAgentUp ? 1 : 0);
        }
      };
      let changed = 0;
      const nodes0 = k.ix.nodeCluster.length;
      for (let t = 0; t <= k.sc.durationUs; t += 60_000_000) {
        sim.sched.run({ until: t });
        check();
        for (let gn = 0; gn < nodes0; gn++) if (k.nodeAgentUp[gn] === 0) changed++;
      }
      if (name !== 'vm-crash.yaml') expect(changed).toBeGreaterThan(0);
    });
  }
});
