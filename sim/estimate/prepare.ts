/**
 * Turns a scenario and the user's choices (event, method, importance, levels, effort) into an `EstimateSetup`:
 * compiles the event against the scenario's structure and derives or checks the levels, so every mistake is found
 * before the first run.
 */
import type { PluginModules } from '../model/index.js';
import { createSimulation, resolvedScenarioHash } from '../run.js';
import type { ResolvedScenario } from '../spec/index.js';
import { compileEvent } from './functions.js';
import { deriveLevels, type Levels, namedLevels } from './importance.js';
import type { EstimateKey, Method } from './report.js';
import type { EstimateSetup } from './splitting.js';

export interface EstimateOptions {
  readonly event: string;
  readonly method?: Method;
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** An importance function (a quantity over the state); needs `levels`. */
  readonly importance?: string;
  readonly levels?: readonly number[];
  /** Trials per stage (splitting, default 1000) or runs per replication (crude, default 10,000). */
  readonly effort?: number;
}

export const DEFAULT_EFFORT: Readonly<Record<Method, number>> = { splitting: 1000, crude: 10_000 };

export function prepareEstimate(
  sc: ResolvedScenario,
  opts: EstimateOptions,
  plugins?: PluginModules,
): { setup: EstimateSetup; key: EstimateKey } {
  const method = opts.method ?? 'splitting';
  const seed = opts.seed ?? sc.seed;
  const probe = createSimulation(sc, { seed, record: false, ...(plugins === undefined ? {} : { plugins }) });
  const world = probe.world;
  const event = compileEvent(opts.event, world);
  let levels: Levels;
  if (method === 'crude') {
    levels = { importance: () => 0, describe: '', thresholds: [] };
  } else if (opts.importance !== undefined) {
    levels = namedLevels(opts.importance, opts.levels ?? [], world);
  } else {
    levels = deriveLevels(event, opts.event, world, probe);
  }
  const effort = opts.effort ?? DEFAULT_EFFORT[method];
  if (!(Number.isSafeInteger(effort) && effort >= 1))
    throw new RangeError(`effort must be an integer ≥ 1 (got ${effort})`);
  const key: EstimateKey = {
    method,
    scenario: sc.name,
    scenarioHash: resolvedScenarioHash(sc),
    seed,
    event: opts.event,
    importance: method === 'crude' ? null : levels.describe,
    thresholds: levels.thresholds,
    effort,
    horizonUs: sc.durationUs,
  };
  return { setup: { scenario: sc, seed, event, levels, effort, ...(plugins === undefined ? {} : { plugins }) }, key };
}
