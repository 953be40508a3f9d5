/**
 * The fresh placement of a world (`buildWorld` without a placement policy) takes, for each instance, the least-loaded
 * node of the first rack with room (racks tried round-robin from a rotating start), the first in rack order on a tie.
 * buildWorld finds that node without scanning the rack; this checks it against the scan, over random shapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildWorld } from '../../sim/model/build.js';
import { scenarioText } from './helpers.js';

/** The scanning reference: what buildWorld placed before it stopped scanning racks. */
function scanPlacement(racks: number[][], slots: number, roles: { instances: number }[]): number[] {
  const load = new Map<number, number>();
  let rackStart = 0;
  const out: number[] = [];
  for (const r of roles) {
    const start = rackStart;
    for (let k = 0; k < r.instances; k++) {
      let chosen = -1;
      for (let j = 0; j < racks.length && chosen < 0; j++) {
        let bestLoad = Number.POSITIVE_INFINITY;
        for (const ni of racks[(start + k + j) % racks.length]!) {
          const l = load.get(ni) ?? 0;
          if (l < slots && l < bestLoad) {
            chosen = ni;
            bestLoad = l;
          }
        }
      }
      if (chosen >= 0) load.set(chosen, (load.get(chosen) ?? 0) + 1);
      out.push(chosen);
    }
    rackStart = (start + r.instances) % Math.max(1, racks.length);
  }
  return out;
}

describe('buildWorld placement', () => {
  it('places every instance on the node a scan of the racks would choose, full racks and overflow included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
        (racks, perRack, slots, sizes) => {
          const sc = scenarioText(`
version: 1
seed: 1
duration: 1h
policies: { node: { slots: ${slots} } }
topology:
  clusters:
    - { id: c0, racks: ${racks}, nodesPerRack: ${perRack} }
services:
  - id: s
    roles:
${sizes.map((n, i) => `      - { id: r${i}, kind: worker, instances: ${n} }`).join('\n')}
`);
          const { world } = buildWorld(sc.resolved);
          const c = world.clusters[0]!;
          const want = scanPlacement(
            c.racks.map((r) => r.nodes),
            slots,
            sizes.map((n) => ({ instances: n })),
          );
          expect(c.instances.map((i) => i.node)).toEqual(want);
        },
      ),
      { numRuns: 200, seed: 15 },
    );
  });
});
