/**
 * The run summary: what `fabricsim run --json` prints, what `runScenario` returns as `summary`, what sweeps aggregate
 * and what the viewer charts. Times are integer µs; a value not reached within the run is `null` (never 0).
 */

/** A component that can notice a fault (the scenario schema's DETECTORS). */
export type Detector =
  | 'fc'
  | 'host-agent'
  | 'guest-agent'
  | 'load-balancer'
  | 'watchdog'
  | 'failover-manager'
  | 'monitoring';

export interface FaultResult {
  /**
   * Names the arrival, the same under every parameter value of a sweep: the scenario-given id or "f<n>" (n-th entry
   * of `faults:`), "<id>/<target>" for a scripted fault on several targets, "<id>#<k>" for a random process's k-th
   * arrival.
   */
  readonly id: string;
  readonly kind: string;
  /** The entity the fault hit (node, instance, rack, replica…). */
  readonly target: string;
  readonly atUs: number;
  /** Instances affected (Ready or about to be when the fault hit). */
  readonly affected: number;
  detectedAtUs: number | null;
  detectedBy: Detector | null;
  /** When each component first noticed the fault (the first is detectedAtUs/detectedBy), in time order. */
  readonly detections: { readonly by: Detector; readonly atUs: number }[];
  recoveredAtUs: number | null;
  /** detectedAtUs − atUs, or null when never detected. */
  ttdUs: number | null;
  /** recoveredAtUs − atUs, or null when not recovered within the run. */
  ttrUs: number | null;
  /** Timeline event id of the fault's start (for opening the replay there). */
  readonly event: number;
}

/** Arrivals of one fault process (an entry of the scenario's `faults:`), including those that changed nothing. */
export interface FaultArrivals {
  /** The process id (so `faultArrivals[f1]` in a metric path): the scenario's id, or "f<n>" for the n-th entry of `faults:`. */
  readonly id: string;
  readonly kind: string;
  /** Every arrival (one per target for a scripted fault on several targets). */
  arrivals: number;
  /** Arrivals at a target that was already down: recorded as `fault.missed`, no fault opened. */
  missed: number;
}

export interface RoleResult {
  /** "<service>.<role>" */
  readonly id: string;
  readonly instances: number;
  /** Share of the run with at least one Ready instance. */
  availability: number;
  /**
   * Share of the run in which users reach the role (web roles): an instance Ready and in the load balancer's rotation,
   * weighted at each moment by the share of the users (`security.users`) whose requests the rules let through to it.
   */
  servedAvailability: number;
  /** Time-average of (Ready instances / instances). */
  readyFraction: number;
  /** Time with no instance Ready (µs): the merged down intervals of the role, overlapping faults counted once. */
  downUs: number;
  /** Time with at least one instance not Ready (µs), merged the same way. */
  degradedUs: number;
  /** Instances that end the run alerted for a problem in the deployed package (restarts still going on). */
  packageProblems: number;
}

/** A fault domain (rack): the merged time during which at least one of its nodes was down. */
export interface FaultDomainResult {
  /** Rack id. */
  readonly id: string;
  readonly nodes: number;
  /** Time with at least one node not up (not Ready, powered and with its host agent), µs; overlaps counted once. */
  downUs: number;
}

export interface SecurityKindTally {
  attempts: number;
  allowed: number;
  denied: number;
  violations: number;
  /** Deciding rule → count. */
  byRule: Record<string, number>;
}

/** Attempts of one intent (user, attack, admin, service, pipeline). */
export interface SecurityIntentTally {
  attempts: number;
  allowed: number;
  denied: number;
  violations: number;
}

export interface SecuritySummary {
  attempts: number;
  allowed: number;
  denied: number;
  violations: number;
  /** Exposure window: first admitted forbidden flow to the end of the last one admitted while a rule was wrong. */
  exposureUs: number;
  byKind: Record<string, SecurityKindTally>;
  /** The same counts per intent: users' visits apart from attacks, administrators' actions, the pipeline's. */
  byIntent: Record<string, SecurityIntentTally>;
}

export interface ExpectationResult {
  /** e.g. "recovered shop.web.* within 15m". */
  readonly name: string;
  readonly passed: boolean;
  /** Human-readable measured value, e.g. "9m12s" or "not recovered". */
  readonly measured: string;
  readonly bound: string;
  /** Time (µs) of the moment that decides the failure, for opening the replay there. */
  readonly atUs: number | null;
}

/** OS images per role (issue 11): present when the scenario has `images:`. */
export interface ImagesSummary {
  /** Stretches of time during which a VM or node ran an image other than the one the FC chose for its role. */
  violations: number;
  /** Their summed length (µs). */
  wrongUs: number;
  /** Instance id → the image its VM runs at the end of the run (null while it has no VM). */
  instances: Record<string, string | null>;
  /** Node id → the host image it runs at the end of the run. */
  nodes: Record<string, string | null>;
}

export interface RunSummary {
  readonly fabricsim: string;
  readonly scenario: string;
  readonly scenarioHash: string;
  readonly seed: number;
  readonly traceHash: string;
  readonly durationUs: number;
  readonly events: number;
  readonly eventCounts: Record<string, number>;
  readonly defaults: Record<string, string | number | boolean>;
  readonly faults: FaultResult[];
  /** Per fault process: arrivals and arrivals that hit a target already down (in the order of `faults:`). */
  readonly faultArrivals: FaultArrivals[];
  readonly roles: RoleResult[];
  /** Per fault domain (rack), in topology order. */
  readonly faultDomains: FaultDomainResult[];
  readonly fc: { noQuorumUs: number; leaderChanges: number };
  /** Per watchdog: the time it was down (blind itself), µs. */
  readonly watchdogs: { id: string; blindUs: number }[];
  /** `blindUs`: time with no live watchdog covering the SQL cluster (the cluster is blind), µs. */
  readonly sql: { failovers: number; unavailableUs: number; blindUs: number };
  readonly security: SecuritySummary;
  readonly expectations: ExpectationResult[];
  /** OS images per role (issue 11): only when the scenario has an `images:` section. */
  readonly images?: ImagesSummary;
}
