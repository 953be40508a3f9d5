/**
 * The model's input, resolved: the world to build (clusters, racks, services, roles), the policies (every timing and
 * rate, in integer µs), the faults and upgrades to play, and the expectations to check. The scenario layer produces
 * it from a file (`sim/scenario/resolve.ts`); the model only reads it. Types only, so the model never depends on how a
 * scenario is parsed.
 */
import type { Distribution } from '../engine/index.js';
import type { DEFAULTS } from './defaults.js';
import type { FaultKind } from './kinds.js';
import type { PolicyChoices } from './policy.js';
import type { ResolvedSecurity, SecurityExpectation } from './security.js';

// ---------------------------------------------------------------------------------------------------------------
// Resolved policies: the same names as DEFAULTS; durations become integer µs with a `Us` suffix.

type DefaultsShape = typeof DEFAULTS;
type ResolvedSection<S> = {
  [K in keyof S as S[K] extends { value: string } ? `${K & string}Us` : K]: S[K] extends { value: string }
    ? number
    : S[K] extends { value: boolean }
      ? boolean
      : number;
};
export type Policies = { [S in keyof DefaultsShape]: ResolvedSection<DefaultsShape[S]> };

export interface ResolvedRack {
  readonly id: string;
  readonly nodes: string[];
}
export interface ResolvedCluster {
  readonly id: string;
  readonly racks: ResolvedRack[];
}
export interface ResolvedEndpoint {
  readonly name: string;
  readonly port: number;
  readonly protocol: 'http' | 'https' | 'tcp' | 'udp';
}
export interface ResolvedRole {
  /** "<service>.<role>" */
  readonly id: string;
  readonly name: string;
  readonly kind: 'web' | 'worker';
  readonly instances: number;
  readonly inputEndpoints: ResolvedEndpoint[];
  readonly internalEndpoints: ResolvedEndpoint[];
  /** Each instance's own endpoint through the VIP: instance k on `publicPort + k`, delivered to `localPort`. */
  readonly instanceInputEndpoints?: ResolvedInstanceEndpoint[];
}
export interface ResolvedInstanceEndpoint {
  readonly name: string;
  readonly localPort: number;
  readonly publicPort: number;
  readonly protocol: 'tcp' | 'udp';
}
export interface ResolvedService {
  readonly id: string;
  readonly cluster: number;
  readonly updateDomains: number;
  readonly roles: ResolvedRole[];
}

export type ResolvedTarget =
  | { readonly kind: 'glob'; readonly pattern: string }
  | { readonly kind: 'random'; readonly count: number; readonly among: string }
  | { readonly kind: 'faultDomain'; readonly rack: string }
  | { readonly kind: 'none' };

interface FaultBase {
  readonly kind: FaultKind;
  readonly durationUs: number | null;
  readonly groups: string[][] | null;
  readonly lossRate: number;
  readonly extraLatencyUs: number;
  /** Index in the file's `faults` list. */
  readonly index: number;
  /** os.wrong-image: the image the VM is given (present only for that kind). */
  readonly image?: string;
}
export interface ScriptedFaultSpec extends FaultBase {
  readonly type: 'scripted';
  readonly id: string | null;
  readonly atUs: number;
  readonly target: ResolvedTarget;
}
export interface RandomFaultSpec extends FaultBase {
  readonly type: 'random';
  readonly id: string | null;
  readonly every: Distribution;
  readonly targets: string;
  readonly startUs: number;
  readonly untilUs: number;
  /** How long each fault lasts, drawn per fault (instead of `durationUs`); absent when not given. */
  readonly repair?: Distribution;
}
export type FaultSpecResolved = ScriptedFaultSpec | RandomFaultSpec;

/**
 * The id of a fault process: the scenario's id, or "f<n>" for the n-th entry (1-based) of `faults:`. A scripted fault
 * on several targets gives "<id>/<target>"; a random process's arrivals are "<id>#<k>" (k-th arrival, 1-based).
 * Ids name arrivals, never a count of accepted faults, so they pair across the parameter values of a sweep.
 */
export function processId(f: Pick<FaultBase, 'index'> & { readonly id: string | null }): string {
  return f.id ?? `f${f.index + 1}`;
}

export interface UpgradeSpecResolved {
  readonly id: string;
  readonly atUs: number;
  readonly service: number;
  readonly kind: 'role' | 'os';
  readonly failing: boolean;
  readonly rollbackAfterUs: number | null;
  /** An OS upgrade under `images:`: the image the service's roles move to (absent: derived from the old one). */
  readonly image?: string;
}

/**
 * OS images (`images:`): the image the FC chooses for each role's VMs, and the host image of every node (the
 * infrastructure role that runs the hypervisor, host agent and FC's own agents).
 */
export interface ResolvedImages {
  readonly host: string;
  /** Role id ("<service>.<role>") → the image its VMs get at deployment, healing and reimage. */
  readonly roles: Readonly<Record<string, string>>;
}

export type Expectation =
  | { readonly type: 'recovered'; readonly target: string; readonly withinUs: number; readonly index: number }
  | {
      readonly type: 'detected';
      readonly target: string;
      readonly withinUs: number;
      readonly by: string | null;
      readonly index: number;
    }
  | { readonly type: 'notDetected'; readonly target: string; readonly by: string | null; readonly index: number }
  | {
      readonly type: 'availability';
      readonly role: string;
      readonly atLeast: number;
      readonly served: boolean;
      readonly index: number;
    }
  | {
      readonly type: 'metric';
      readonly metric: string;
      readonly atLeast: number | null;
      readonly atMost: number | null;
      /** `undefined` when not given; `null` expects a value never reached. */
      readonly equals: number | string | boolean | null | undefined;
      readonly index: number;
    }
  | SecurityExpectation // security (issue 5)
  | { readonly type: 'sometimes'; readonly event: string; readonly index: number }; // explore (issue 13)

export interface ResolvedScenario {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly durationUs: number;
  readonly clusters: ResolvedCluster[];
  readonly services: ResolvedService[];
  readonly policies: Policies;
  /** Pluggable policies (docs/policies.md): present only when the scenario names one other than the built-in current. */
  readonly choices?: PolicyChoices;
  readonly faults: FaultSpecResolved[];
  readonly upgrades: UpgradeSpecResolved[];
  readonly expect: Expectation[];
  readonly counts: { readonly nodes: number; readonly instances: number };
  /** security (issue 5): present when the scenario has a `security:` section. */
  readonly security?: ResolvedSecurity;
  /** OS images per role (issue 11): present when the scenario has an `images:` section. */
  readonly images?: ResolvedImages;
  /** estimate (issue 16): `probability` expectations, decided over many runs by `check`; absent when none. */
  readonly probabilities?: ProbabilityExpectation[];
}

/** An `expect: [{ probability: … }]` entry: P(event within a run) ≤ atMost, decided at `confidence`. */
export interface ProbabilityExpectation {
  /** Index in the file's `expect` list. */
  readonly index: number;
  readonly event: string;
  readonly atMost: number;
  readonly confidence: number;
  readonly method: 'crude' | 'splitting';
  readonly effort: number | null;
}
