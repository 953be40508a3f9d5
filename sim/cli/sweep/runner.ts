/**
 * The runner API that sweeps drive (`sim/runner/index.ts`): loaded by URL so that the worker threads and the main
 * thread load the same module, and so that tests can point both at a stand-in.
 */
import type { RunSummary } from '../../metrics/index.js';

/** Reads a scenario named by `extends` in the file `from`. */
export type ReadExtends = (name: string, from: string) => { text: string; fileName: string };

export interface LoadOptions {
  fileName?: string;
  readExtends?: ReadExtends;
}

/** What a sweep needs of `sim/index.ts`. The scenario is opaque here. */
export interface Runner {
  readonly VERSION: string;
  loadScenario(text: string, opts?: LoadOptions): unknown;
  runScenario(
    scenario: unknown,
    opts?: { seed?: number; record?: boolean; plugins?: Record<string, unknown>; reuseWorld?: boolean },
  ): { summary: RunSummary };
}

/** `sim/runner/index.js` (`dist/sim/runner/index.js` when compiled): loading and running, without the exporters. */
export const DEFAULT_RUNNER_URL: string = new URL('../../runner/index.js', import.meta.url).href;

/** Imports the runner module at `url` and checks that it offers the API. */
export async function loadRunner(url: string = DEFAULT_RUNNER_URL): Promise<Runner> {
  const mod = (await import(url)) as Partial<Runner>;
  if (typeof mod.loadScenario !== 'function' || typeof mod.runScenario !== 'function') {
    throw new Error(`${url} does not export loadScenario and runScenario`);
  }
  return {
    VERSION: typeof mod.VERSION === 'string' ? mod.VERSION : 'unknown',
    loadScenario: mod.loadScenario.bind(mod),
    runScenario: mod.runScenario.bind(mod),
  };
}

/** True for the loader's located user errors (`ScenarioError`: file:line:col: path: message) and their kin. */
export function isScenarioError(err: unknown): err is Error {
  return err instanceof Error && /^(ScenarioError|ScenarioIssue|DurationError)$/.test(err.name);
}
