/**
 * fabricsim's layer order, lowest first, as the architecture test enforces it (docs/architecture.md draws it). A file
 * may import its own layer or a lower one. A new folder under sim/ that is not listed here counts as a pure tool
 * (above the scenario layer and `run`, below the public API), which is where new pure code belongs.
 */
import { readdirSync } from 'node:fs';
import type { Layer, Rules } from './imports.js';

const LISTED: Layer[] = [
  { name: 'engine', paths: ['sim/engine/', 'sim/version.ts'] },
  { name: 'network', paths: ['sim/network/'] },
  { name: 'auth', paths: ['sim/auth/'] },
  { name: 'spec', paths: ['sim/spec/'] },
  { name: 'metrics/trace', paths: ['sim/metrics/', 'sim/trace/'] },
  { name: 'model', paths: ['sim/model/'] },
  { name: 'scenario', paths: ['sim/scenario/'] },
  { name: 'run', paths: ['sim/run.ts'] },
  { name: 'tools', paths: ['sim/sweep/'] },
  { name: 'api', paths: ['sim/index.ts', 'sim/validation.ts'] },
  { name: 'cli', paths: ['sim/cli/'] },
  { name: 'vitest', paths: ['sim/vitest/'] },
  { name: 'viz', paths: ['viz/'] },
];

/** The layers, with every unlisted folder under `sim/` (in `projectRoot`) added to the tools layer. */
export function projectLayers(projectRoot: string): Layer[] {
  const listed = new Set(LISTED.flatMap((l) => l.paths));
  const extra = readdirSync(`${projectRoot}/sim`, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !listed.has(`sim/${e.name}/`))
    .map((e) => `sim/${e.name}/`);
  return LISTED.map((l) => (l.name === 'tools' ? { ...l, paths: [...l.paths, ...extra] } : l));
}

export function projectRules(projectRoot: string): Rules {
  return { layers: projectLayers(projectRoot), barrelRoots: ['sim'], barrelExempt: ['test/'] };
}
