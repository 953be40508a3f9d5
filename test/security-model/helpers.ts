import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSimulation, loadScenario, type Scenario } from '../../sim/index.js';
import { SecurityModel } from '../../sim/model/security/index.js';

export const ROOT = join(import.meta.dirname, '..', '..');

/** A scenario file from scenarios/. */
export function scenarioFile(name: string): Scenario {
  const path = join(ROOT, 'scenarios', name);
  return loadScenario(readFileSync(path, 'utf8'), { fileName: path });
}

/** A scenario from YAML text. */
export function scenarioText(yaml: string): Scenario {
  return loadScenario(yaml, { fileName: 'inline.yaml' });
}

/** A small shop: one cluster of 2 × 2 nodes, two web and two worker instances, and a `security:` section. */
export function shop(security: string, extra = '', duration = '1h'): Scenario {
  return scenarioText(`
version: 1
seed: 7
duration: ${duration}
topology:
  clusters:
    - { id: c0, racks: 2, nodesPerRack: 2 }
services:
  - id: shop
    roles:
      - { id: web, kind: web, instances: 2, inputEndpoints: [{ name: http, port: 80 }] }
      - { id: worker, kind: worker, instances: 2, internalEndpoints: [{ name: jobs, port: 9000 }] }
${extra}
security:
${security}
`);
}

/** A simulation of `sc` (not run) and its security model. */
export function built(sc: Scenario) {
  const sim = createSimulation(sc.resolved, { record: true });
  const model = SecurityModel.of(sim);
  if (!model) throw new Error('the scenario has no security section');
  return { sim, model };
}
