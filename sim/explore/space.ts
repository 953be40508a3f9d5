/**
 * The fault space of a scenario's `explore:` section, resolved: which kinds, which targets of each kind, how many
 * faults, when, for how long — plus the strategy, the default budget, the lanes and whether invariants are checked.
 */

import type { Random } from '../engine/index.js';
import { compileGlob, type Distribution, makeSampler, parseDuration } from '../engine/index.js';
import type { FaultKind, ScenarioFile } from '../scenario/index.js';
import { FAULT_TARGETS, idSpaces, parseDistribution, type ResolvedScenario } from '../scenario/index.js';

export const STRATEGIES = ['random', 'swarm', 'coverage'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface FaultSpace {
  readonly kinds: readonly FaultKind[];
  /** Candidate targets of each kind, in the model's id order. */
  readonly targets: Readonly<Partial<Record<FaultKind, readonly string[]>>>;
  readonly min: number;
  readonly max: number;
  readonly windowUs: readonly [number, number];
  /** How long each fault lasts: null for the kind's own recovery; a sampler otherwise. */
  readonly duration: ((r: Random) => number) | null;
  /** The text it came from, for reports. */
  readonly durationText: string | null;
}

export interface ExploreConfig {
  readonly space: FaultSpace;
  readonly strategy: Strategy;
  readonly runs: number;
  readonly lanes: number;
  readonly invariants: boolean;
  /** `sometimes` events the scenario expects, judged over all runs. */
  readonly sometimes: readonly string[];
}

/** A mistake in the `explore:` section (the command line reports it as a user error). */
export class ExploreConfigError extends Error {
  override name = 'ExploreConfigError';
}

/** Resolves the `explore:` section of a validated, resolved scenario. */
export function exploreConfig(file: ScenarioFile, sc: ResolvedScenario): ExploreConfig {
  const e = file.explore;
  if (e === undefined) {
    throw new ExploreConfigError(
      'the scenario has no "explore:" section (e.g. explore: { faults: { kinds: [node.crash], max: 2 } })',
    );
  }
  const f = e.faults;
  const spaces = idSpaces(sc.clusters, sc.services, sc.policies);
  const re = compileGlob(f.targets ?? '*');
  const targets: Partial<Record<FaultKind, string[]>> = {};
  for (const kind of f.kinds) {
    const ids = spaces[FAULT_TARGETS[kind]].filter((id) => re.test(id));
    if (ids.length === 0) {
      throw new ExploreConfigError(
        `explore.faults: no ${kind} target${f.targets === undefined ? '' : ` matches "${f.targets}"`}`,
      );
    }
    targets[kind] = ids;
  }
  const min = f.min ?? 1;
  if (min > f.max) throw new ExploreConfigError(`explore.faults: min ${min} is more than max ${f.max}`);
  const windowUs: [number, number] = f.window
    ? [parseDuration(f.window[0]), parseDuration(f.window[1])]
    : [0, sc.durationUs - 1];
  if (windowUs[0] > windowUs[1]) throw new ExploreConfigError('explore.faults.window: the start is after the end');
  if (windowUs[1] >= sc.durationUs) {
    throw new ExploreConfigError('explore.faults.window: the window must end before the run does');
  }
  let duration: ((r: Random) => number) | null = null;
  if (f.duration !== undefined) {
    if (/\(/.test(f.duration)) {
      const d: Distribution = parseDistribution(f.duration, ['explore', 'faults', 'duration'], null);
      const sample = makeSampler(d);
      duration = (r) => sample(r);
    } else {
      const us = parseDuration(f.duration);
      duration = () => us;
    }
  }
  return {
    space: { kinds: [...f.kinds], targets, min, max: f.max, windowUs, duration, durationText: f.duration ?? null },
    strategy: e.strategy ?? 'random',
    runs: e.runs ?? 200,
    lanes: e.lanes ?? 8,
    invariants: e.invariants ?? true,
    sometimes: sc.expect.flatMap((x) => (x.type === 'sometimes' ? [x.event] : [])),
  };
}
