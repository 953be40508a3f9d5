import { getHeapSnapshot } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { joinName } from '../../sim/engine/index.js';
import { loadScenario } from '../../sim/index.js';
import { createSimulation } from '../../sim/run.js';
import { regionYaml } from '../bench/region.js';

/** Counts the heap's ropes (V8's "concatenated string" nodes), from a heap snapshot of this process. */
async function ropes(): Promise<number> {
  let text = '';
  for await (const chunk of getHeapSnapshot()) text += String(chunk);
  const snap = JSON.parse(text) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const cons = snap.snapshot.meta.node_types[0].indexOf('concatenated string');
  const typeAt = fields.indexOf('type');
  let n = 0;
  for (let i = typeAt; i < snap.nodes.length; i += fields.length) if (snap.nodes[i] === cons) n++;
  return n;
}

describe('names kept for the run', () => {
  it('joinName gives the concatenation', () => {
    expect(joinName('svc-12.worker', '.', 345)).toBe('svc-12.worker.345');
    expect(joinName('ga:', 'svc-1.web.0')).toBe('ga:svc-1.web.0');
    expect(joinName()).toBe('');
  });

  it('a built world holds its instance ids and actor names as flat strings, not ropes', async () => {
    // 4,000 instances: ids "svc-1.worker.17" and names "ga:svc-1.worker.17" are long enough (13 characters or more)
    // for `+` or a template literal to make a rope; built that way, the world held about 2.4 ropes an instance (9,600
    // here), and with joinName a few hundred in all (other short-lived text).
    const sc = loadScenario(regionYaml(4000, '1h'), { fileName: 'region-4000.yaml' });
    const before = await ropes();
    const sim = createSimulation(sc.resolved, { record: false });
    const after = await ropes();
    expect(sim.sched.pending).toBeGreaterThan(0); // the world stays alive across the second snapshot
    expect(after - before).toBeLessThan(1000);
  }, 60_000);
});
