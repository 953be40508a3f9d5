/**
 * Planted-fault scenarios for the shrink test and the explore bench: k web instances on distinct nodes all crash at
 * 2h (the planted faults, together the only cause of the failure), hidden among 20 harmless faults on worker
 * instances and on nodes without web instances.
 */
import { loadScenario } from '../../sim/index.js';
import { createSimulation } from '../../sim/run.js';

/** Web instances on distinct racks; k of them crash at once (planted); 20 harmless faults elsewhere. */
export function planted(k: number): { text: string; planted: string[] } {
  const base = `
version: 1
name: planted-${k}
seed: 21
duration: 4h
topology:
  clusters:
    - { id: c0, racks: 4, nodesPerRack: 3 }
services:
  - id: shop
    roles:
      - { id: web, kind: web, instances: ${k} }
      - { id: worker, kind: worker, instances: 4 }
expect:
  - availability: { role: shop.web, atLeast: 0.999 }
`;
  const sc = loadScenario(base, { fileName: 'p.yaml' });
  const world = createSimulation(sc.resolved, { record: false }).world.clusters[0]!;
  const webNodes = new Set<string>();
  const plantedLines: string[] = [];
  for (const inst of world.instances) {
    if (!inst.role.endsWith('.web')) continue;
    const node = world.nodes[inst.node]!.id;
    webNodes.add(node);
    plantedLines.push(`  - { id: planted-${plantedLines.length}, at: 2h, kind: node.crash, target: ${node} }`);
  }
  const workers = world.instances.filter((i) => i.role.endsWith('.worker')).map((i) => i.id);
  const spare = world.nodes.map((n) => n.id).filter((n) => !webNodes.has(n));
  const harmless: string[] = [];
  for (let j = 0; j < 20; j++) {
    const at = `${10 + j * 9}m`;
    if (j % 3 === 0) harmless.push(`  - { at: ${at}, kind: node.crash, target: ${spare[j % spare.length]} }`);
    else if (j % 3 === 1) harmless.push(`  - { at: ${at}, kind: role.crash, target: ${workers[j % workers.length]} }`);
    else harmless.push(`  - { at: ${at}, kind: vm.crash, target: ${workers[j % workers.length]} }`);
  }
  // Planted faults hidden among the harmless ones.
  const all = [...harmless];
  plantedLines.forEach((p, i) => {
    all.splice(3 + i * 7, 0, p);
  });
  return { text: `${base}faults:\n${all.join('\n')}\n`, planted: plantedLines.map((_, i) => `planted-${i}`) };
}
