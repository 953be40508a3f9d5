import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, type Scenario } from '../../sim/index.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export function scenarioFile(name: string): Scenario {
  const path = join(ROOT, 'scenarios', name);
  return loadScenario(readFileSync(path, 'utf8'), {
    fileName: path,
    readExtends: (n) => {
      const p = join(ROOT, 'scenarios', n);
      return { text: readFileSync(p, 'utf8'), fileName: p };
    },
  });
}

/** A scenario from YAML text, with a small default topology when the text gives none. */
export function scenarioText(yaml: string): Scenario {
  return loadScenario(yaml, { fileName: 'inline.yaml' });
}
