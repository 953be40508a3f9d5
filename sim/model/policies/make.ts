/**
 * Making a run's policies from the scenario's choices: a built-in by name, or a module given by the caller under the
 * name the scenario uses (`runScenario(scenario, { plugins: { './my-detector.js': module } })`; the command line
 * imports module files itself). A plug-in's calls are guarded: while it runs, `Math.random`, `Date.now`, `new
 * Date()` and `performance.now` throw (a policy gets time and randomness only from its env, or the run would not be
 * reproducible); a throw, a guard tripping or a result of the wrong shape becomes a one-line `PolicyError`. Built-ins
 * are trusted and called directly, so the default policies cost nothing extra.
 */
import type { Random } from '../../engine/index.js';
import type {
  FailureDetector,
  PlacementPolicy,
  PolicyChoice,
  PolicyChoices,
  PolicyEnv,
  PolicyParams,
  PolicyPoint,
  ResolvedScenario,
  UpgradeWalk,
} from '../../spec/index.js';
import { fixedDetector, phiAccrualDetector } from './detectors.js';
import { PolicyError } from './errors.js';
import { packPlacement, spreadPlacement } from './placement.js';
import { parallelWalk, sequentialWalk } from './walks.js';

/** Where each point is named in a scenario. */
export const POLICY_PATHS: Readonly<Record<PolicyPoint, string>> = {
  detector: 'policies.fc.detector',
  placement: 'policies.fc.placement',
  upgradeWalk: 'policies.fc.upgradeWalk',
};

/** The built-in policies of each point; the first is the current behaviour, used when a scenario names none. */
export const BUILT_IN_POLICIES: Readonly<Record<PolicyPoint, readonly string[]>> = {
  detector: ['fixed', 'phi-accrual'],
  placement: ['spread', 'pack'],
  upgradeWalk: ['sequential', 'parallel'],
};

/** True when `use` names a module file rather than a built-in (`./x.js`, `../x.mjs`, `/abs/x.js`). */
export function isModulePath(use: string): boolean {
  return /^\.{0,2}\//.test(use) || /\.(m?js|ts)$/.test(use);
}

/** Plug-in modules by the name the scenario uses for them (its `use:` text). */
export type PluginModules = Readonly<Record<string, unknown>>;

export interface ModelPolicies {
  readonly detector: FailureDetector;
  readonly placement: PlacementPolicy;
  readonly upgradeWalk: UpgradeWalk;
  /** "phi-accrual(threshold=8)" etc. for the timeline; null for the built-in current policy. */
  readonly labels: Readonly<Record<PolicyPoint, string | null>>;
  /** Each policy's env (simulated time, its own random stream). */
  readonly env: Readonly<Record<PolicyPoint, PolicyEnv>>;
  /** "policy policies.fc.placement (pack)": who to name in an error. */
  readonly who: Readonly<Record<PolicyPoint, string>>;
  /** The current built-in placement (`spread`) is in use: the initial layout stays the classic one. */
  readonly classicPlacement: boolean;
}

export function policyLabel(c: PolicyChoice): string {
  const ps = Object.entries(c.params).map(([k, v]) => `${k}=${v}`);
  return ps.length === 0 ? c.use : `${c.use}(${ps.join(', ')})`;
}

const WALL_CLOCK = 'reads the wall clock';
const RANDOM = 'reads Math.random; use env.random() instead';

function trip(what: string): never {
  throw new GuardTripped(what);
}
class GuardTripped extends Error {}

/** Runs `fn` with Math.random, Date and performance.now replaced by guards that throw. */
function guarded<T>(fn: () => T): T {
  const g = globalThis as { Date: DateConstructor; performance?: { now(): number } };
  const random = Math.random;
  const RealDate = g.Date;
  const perf = g.performance;
  const perfNow = perf?.now;
  Math.random = () => trip(RANDOM);
  g.Date = new Proxy(RealDate, {
    construct(target, args) {
      if (args.length === 0) trip(WALL_CLOCK);
      return Reflect.construct(target, args);
    },
    apply: () => trip(WALL_CLOCK),
    get(target, key) {
      if (key === 'now') return () => trip(WALL_CLOCK);
      return Reflect.get(target, key);
    },
  });
  if (perf && perfNow) perf.now = () => trip(WALL_CLOCK);
  try {
    return fn();
  } finally {
    Math.random = random;
    g.Date = RealDate;
    if (perf && perfNow) perf.now = perfNow;
  }
}

/** Calls a plug-in: guarded, with any failure turned into a PolicyError naming `who` and `call`. */
function callPlugin<T>(who: string, call: string, fn: () => T): T {
  try {
    return guarded(fn);
  } catch (e) {
    if (e instanceof PolicyError) throw e;
    const what = e instanceof GuardTripped ? e.message : `threw: ${e instanceof Error ? e.message : String(e)}`;
    throw new PolicyError(`${who}: ${call} ${what}`);
  }
}

function factoryOf(point: PolicyPoint, mod: unknown): ((p: PolicyParams, env: PolicyEnv) => unknown) | null {
  if (typeof mod === 'function') return mod as never;
  if (mod === null || typeof mod !== 'object') return null;
  const m = mod as Record<string, unknown>;
  if (typeof m[point] === 'function') return m[point] as never;
  if (typeof m.default === 'function') return m.default as never;
  if (m.default !== null && typeof m.default === 'object') return factoryOf(point, m.default);
  return null;
}

function requireMethod(who: string, obj: unknown, method: string, iface: string): void {
  if (obj === null || typeof obj !== 'object' || typeof (obj as Record<string, unknown>)[method] !== 'function') {
    throw new PolicyError(`${who}: the factory returned ${describe(obj)}, not a ${iface} (no ${method}() method)`);
  }
}

export function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return 'an object';
  return `${typeof x} ${JSON.stringify(x)}`;
}

function wrapDetector(who: string, d: FailureDetector): FailureDetector {
  requireMethod(who, d, 'suspect', 'failure detector');
  const history = d.history ?? 0;
  if (!Number.isInteger(history) || history < 0 || history > 100_000) {
    throw new PolicyError(`${who}: history must be a whole number from 0 to 100000, got ${describe(d.history)}`);
  }
  return {
    history,
    suspect(v, env) {
      const r = callPlugin(who, `suspect(${v.node})`, () => d.suspect(v, env));
      if (typeof r !== 'boolean')
        throw new PolicyError(`${who}: suspect(${v.node}) returned ${describe(r)}, not true or false`);
      return r;
    },
    explain(v) {
      if (typeof d.explain !== 'function') return '';
      const r = callPlugin(who, `explain(${v.node})`, () => d.explain!(v));
      return typeof r === 'string' ? r : '';
    },
  };
}

function wrapPlacement(who: string, p: PlacementPolicy): PlacementPolicy {
  requireMethod(who, p, 'place', 'placement policy');
  return {
    place(r, env) {
      const out = callPlugin(who, `place(${r.instance})`, () => p.place(r, env));
      if (out !== null && typeof out !== 'string') {
        throw new PolicyError(`${who}: place(${r.instance}) returned ${describe(out)}, not a node id or null`);
      }
      return out;
    },
  };
}

function wrapWalk(who: string, w: UpgradeWalk): UpgradeWalk {
  requireMethod(who, w, 'next', 'upgrade walk');
  return {
    next(v, env) {
      const out = callPlugin(who, `next(${v.upgrade})`, () => w.next(v, env));
      if (!Array.isArray(out))
        throw new PolicyError(`${who}: next(${v.upgrade}) returned ${describe(out)}, not an array of update domains`);
      return out;
    },
  };
}

/** Makes the run's three policies. `clock` gives simulated time; `rng` is the run's root stream. */
export function makePolicies(
  sc: ResolvedScenario,
  plugins: PluginModules | undefined,
  clock: () => number,
  rng: Random,
): ModelPolicies {
  const choices: PolicyChoices = sc.choices ?? {};
  const envOf = (point: PolicyPoint): PolicyEnv => {
    let stream: Random | null = null;
    return {
      now: clock,
      random: () => {
        stream ??= rng.fork('policy').fork(point);
        return stream.next();
      },
    };
  };
  const envs = { detector: envOf('detector'), placement: envOf('placement'), upgradeWalk: envOf('upgradeWalk') };
  const one = <P extends PolicyPoint>(
    point: P,
    builtIn: (c: PolicyChoice, env: PolicyEnv) => unknown,
    wrap: (who: string, x: never) => unknown,
  ) => {
    const c = choices[point] ?? { use: BUILT_IN_POLICIES[point][0]!, params: {} };
    const env = envs[point];
    const who = `policy ${POLICY_PATHS[point]} (${c.use})`;
    // Module paths come from `plugins`; other names are built-ins (a plug-in cannot shadow a built-in's name).
    const given =
      isModulePath(c.use) && plugins !== undefined && Object.hasOwn(plugins, c.use) ? plugins[c.use] : undefined;
    if (!isModulePath(c.use) && BUILT_IN_POLICIES[point].includes(c.use)) {
      try {
        return builtIn(c, env);
      } catch (e) {
        if (e instanceof PolicyError) throw new PolicyError(`${POLICY_PATHS[point]}: ${e.message}`);
        throw e;
      }
    }
    if (given === undefined) {
      throw new PolicyError(
        isModulePath(c.use)
          ? `${who}: the module was not loaded (the command line loads module files; from code, pass it in runScenario's plugins)`
          : `${who}: no such built-in policy (built-ins: ${BUILT_IN_POLICIES[point].join(', ')}; or a module file such as ./my-policy.js)`,
      );
    }
    const factory = factoryOf(point, given);
    if (factory === null) {
      throw new PolicyError(
        `${who}: the module exports no ${point} factory (expected \`export default function (params, env)\` or \`export function ${point}(params, env)\`)`,
      );
    }
    const made = callPlugin(who, 'the factory', () => factory(c.params, env));
    return wrap(who, made as never);
  };
  const detector = one(
    'detector',
    (c) => (c.use === 'fixed' ? fixedDetector(c.params, sc.policies.fc.missedPolls) : phiAccrualDetector(c.params)),
    wrapDetector,
  ) as FailureDetector;
  const placement = one(
    'placement',
    (c) => (c.use === 'spread' ? spreadPlacement(c.params) : packPlacement(c.params)),
    wrapPlacement,
  ) as PlacementPolicy;
  const upgradeWalk = one(
    'upgradeWalk',
    (c) => (c.use === 'sequential' ? sequentialWalk(c.params) : parallelWalk(c.params)),
    wrapWalk,
  ) as UpgradeWalk;
  const whoOf = (p: PolicyPoint) => `policy ${POLICY_PATHS[p]} (${choices[p]?.use ?? BUILT_IN_POLICIES[p][0]})`;
  const label = (p: PolicyPoint) => (choices[p] ? `${POLICY_PATHS[p]}=${policyLabel(choices[p])}` : null);
  return {
    detector,
    placement,
    upgradeWalk,
    env: envs,
    who: {
      detector: whoOf('detector'),
      placement: whoOf('placement'),
      upgradeWalk: whoOf('upgradeWalk'),
    },
    labels: { detector: label('detector'), placement: label('placement'), upgradeWalk: label('upgradeWalk') },
    classicPlacement: choices.placement === undefined || choices.placement.use === 'spread',
  };
}
