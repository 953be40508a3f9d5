/**
 * The part of a security model that does not depend on the seed, kept for the later runs of a sweep worker: the
 * address plan and endpoints, the configured rules compiled, the infrastructure paths they block and the users'
 * reach they allow, all derived from the resolved scenario and its built world alone. A run started from it is the
 * run that builds them itself: nothing here is changed by a run (a rule change compiles new tables; the caches the
 * plan, endpoints and host filters fill on first use hold pure functions of what they were built from).
 */
import type { ResolvedScenario, ResolvedSecurity } from '../../spec/index.js';
import type { Indices } from '../build.js';
import type { Endpoints } from './endpoints.js';
import type { BlockedPaths } from './infra.js';
import type { CompiledRules } from './packet-path.js';
import type { AddressPlan } from './plan.js';

export interface SecurityBase {
  /** What it was derived from: a model of another scenario object finds nothing. */
  readonly sc: ResolvedScenario;
  readonly sec: ResolvedSecurity;
  readonly plan: AddressPlan;
  readonly eps: Endpoints;
  /** The configured rules (`sec.rules`) compiled. */
  readonly rules: CompiledRules;
  /** The first recheck under them: probe ports and blocked paths. */
  readonly probePort: Int32Array;
  readonly blocked: BlockedPaths;
  /** The first reach computation: instances and their reach, in the order they were set. */
  readonly reachGi: Int32Array;
  readonly reachValue: Float64Array;
}

/** Bases by the built world's index tables (shared only between runs that share the built world). */
const BASES = new WeakMap<Indices, SecurityBase>();

/** The base kept for `ix` from an earlier run of the same scenario object, if any. */
export function sharedBase(sc: ResolvedScenario, sec: ResolvedSecurity, ix: Indices): SecurityBase | undefined {
  const b = BASES.get(ix);
  return b !== undefined && b.sc === sc && b.sec === sec ? b : undefined;
}

/** Keeps `base` for the later runs over the same built world. */
export function keepBase(ix: Indices, base: SecurityBase): void {
  BASES.set(ix, base);
}
