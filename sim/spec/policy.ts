/**
 * The policy interfaces: the three decisions of the fabric controller that a researcher may replace — failure
 * detection of a node, placement of an instance, and the walk of a rolling upgrade over update domains
 * (docs/policies.md). A policy is made once per run by a factory `(params, env) => policy`; it is given only what it
 * may use (simulated time, a named seeded random stream, read-only views of what it decides over) and returns a
 * decision. It never changes the world: the model checks the decision and applies it, or stops the run with a
 * `PolicyError` when the decision is impossible.
 *
 * Types only; the built-ins live in `sim/model/policies/`.
 */

/** A policy's parameters as the scenario gives them (`{ use: phi-accrual, threshold: 8 }` minus `use`). */
export type PolicyParams = Readonly<Record<string, string | number | boolean>>;

/** A policy named by a scenario: a built-in name or a module path (`./my-detector.js`), and its parameters. */
export interface PolicyChoice {
  readonly use: string;
  readonly params: PolicyParams;
}

/** The pluggable decision points. */
export type PolicyPoint = 'detector' | 'placement' | 'upgradeWalk';

/** The scenario's choices; a point left out uses the built-in current policy. Present only when one is chosen. */
export type PolicyChoices = { readonly [P in PolicyPoint]?: PolicyChoice };

/** What every policy may use besides its view. */
export interface PolicyEnv {
  /** Simulated time now, in µs. */
  now(): number;
  /** A seeded random stream of its own (`policy/<point>`): uniform in [0, 1). Same seed → same numbers. */
  random(): number;
}

// ---------------------------------------------------------------------------------------------------------------
// Failure detection

/** What a detector sees of one node's heartbeats (the FC's polls of its host agent). Read-only, valid for one call. */
export interface HeartbeatView {
  /** The node's id ("c0-r1-n2"). */
  readonly node: string;
  /** Consecutive polls whose reply deadline has passed unanswered. */
  readonly missed: number;
  /** Time of the last answered poll (µs), including routine polls elided on a quiet link: they arrived on time. */
  readonly lastHeartbeatUs: number;
  /** The poll interval and reply timeout (µs). */
  readonly intervalUs: number;
  readonly timeoutUs: number;
  /**
   * Recent inter-arrival times (µs), oldest first, at most the detector's `history` of them; empty unless the
   * detector asked for a history. Elided routine polls count as arrivals exactly one interval apart.
   */
  readonly intervals: readonly number[];
}

export interface FailureDetector {
  /** How many recent inter-arrival times the detector wants in its view (0 or absent: none, the cheapest). */
  readonly history?: number;
  /**
   * Called when a poll's reply deadline passes unanswered (and only then: never per routine poll). True declares
   * the node silent; the FC then starts its recovery ladder.
   */
  suspect(view: HeartbeatView, env: PolicyEnv): boolean;
  /** Optional: one line saying why the node was declared silent (the timeline's Why? panel shows it). */
  explain?(view: HeartbeatView): string;
}

// ---------------------------------------------------------------------------------------------------------------
// Placement

/** One node as placement sees it. */
export interface PlacementNode {
  readonly id: string;
  /** Fault domain (rack) index in the cluster. */
  readonly faultDomain: number;
  /** Ready, powered and its host agent up. */
  readonly usable: boolean;
  /** Instances placed on it now. */
  readonly instances: number;
  /** Of those, instances of the role being placed. */
  readonly roleInstances: number;
}

export interface PlacementRequest {
  /** The instance ("shop.web.3") and its role ("shop.web"). */
  readonly instance: string;
  readonly role: string;
  readonly cluster: string;
  /** True while the initial deployment is laid out; false for service healing. */
  readonly initial: boolean;
  /** A fault domain to avoid (the failed node's), or -1. */
  readonly avoidFaultDomain: number;
  /** The cluster's nodes in index order. */
  readonly nodes: readonly PlacementNode[];
  /** Instances one node can host (`policies.node.slots`). */
  readonly slots: number;
}

export interface PlacementPolicy {
  /** The id of a usable node with a free slot, or null when the instance should wait unplaced. */
  place(request: PlacementRequest, env: PolicyEnv): string | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Upgrade walk

export interface WalkView {
  /** The service and upgrade ids. */
  readonly service: string;
  readonly upgrade: string;
  readonly updateDomains: number;
  /** Update domains already walked (updated and healthy), in the order they were walked. */
  readonly walked: readonly number[];
}

export interface UpgradeWalk {
  /**
   * The update domains to update together next (non-empty, none walked before, each in 0 … updateDomains−1). Called
   * when the upgrade starts and each time the previous batch is healthy, until every update domain is walked.
   */
  next(view: WalkView, env: PolicyEnv): readonly number[];
}

/** What each point's policy is. */
export interface PolicyOf {
  detector: FailureDetector;
  placement: PlacementPolicy;
  upgradeWalk: UpgradeWalk;
}

/** A policy module's factory: given the scenario's parameters, returns the policy for one run. */
export type PolicyFactory<P extends PolicyPoint = PolicyPoint> = (params: PolicyParams, env: PolicyEnv) => PolicyOf[P];
