/**
 * The built-in placement policies. `spread`: the fault domain holding the fewest instances of the role first (never
 * the failed node's), and in it the least-loaded usable node — service healing's behaviour since the beginning (the
 * initial layout under `spread` stays build.ts's round-robin over fault and update domains). `pack`: the first
 * usable node, in index order, that has a free slot — fill nodes in order, ignoring fault domains.
 */
import type { PlacementPolicy, PlacementRequest, PolicyParams } from '../../spec/index.js';
import { knownParams } from './detectors.js';

export function spreadPlacement(params: PolicyParams): PlacementPolicy {
  knownParams('spread', params, []);
  return {
    place(r: PlacementRequest): string | null {
      let domains = 0;
      for (const n of r.nodes) if (n.faultDomain + 1 > domains) domains = n.faultDomain + 1;
      const count = new Int32Array(domains);
      for (const n of r.nodes) count[n.faultDomain]! += n.roleInstances;
      const order: number[] = [];
      for (let d = 0; d < domains; d++) if (d !== r.avoidFaultDomain) order.push(d);
      order.sort((a, b) => count[a]! - count[b]! || a - b);
      for (const d of order) {
        let best: string | null = null;
        let bestLoad = Number.POSITIVE_INFINITY;
        for (const n of r.nodes) {
          if (n.faultDomain !== d || !n.usable || n.instances >= r.slots) continue;
          if (n.instances < bestLoad) {
            best = n.id;
            bestLoad = n.instances;
          }
        }
        if (best !== null) return best;
      }
      return null;
    },
  };
}

export function packPlacement(params: PolicyParams): PlacementPolicy {
  knownParams('pack', params, []);
  return {
    place(r: PlacementRequest): string | null {
      for (const n of r.nodes) if (n.usable && n.instances < r.slots) return n.id;
      return null;
    },
  };
}
