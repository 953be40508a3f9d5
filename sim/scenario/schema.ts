/**
 * The scenario format, version 1: the single source of the scenario's TypeScript types, of its validation and of the
 * JSON Schema that editors use (`fabricsim schema`).
 *
 * The schema describes the file as written (durations are strings such as "15s"); `resolve.ts` turns a parsed file
 * into a `ResolvedScenario` with integer microseconds, explicit nodes and instances, and defaults filled in.
 */
import { z } from 'zod';
import { DEFAULTS, FAULT_KINDS, type FaultKind } from '../spec/index.js';
import { SECURITY_EXPECTATIONS, SecuritySpec } from './security-schema.js';

const DURATION_PATTERN = /^(0|(\d+(\.\d+)?(us|µs|ms|s|m|h|d))+)$/;

/** A duration string such as "250ms", "15s", "1h30m" or "2d" (checked again, with a precise message, on resolve). */
export const Duration = z
  .string()
  .regex(DURATION_PATTERN, { message: 'a duration such as "250ms", "15s", "10m", "1h30m" or "2d"' })
  .describe('A duration: a number with a unit (us, ms, s, m, h, d), e.g. "250ms", "15s", "1h30m", "2d".');

/** An id: letters, digits, `_` and `-` (dots separate the parts of instance ids, so they are not allowed in ids). */
export const Id = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, { message: 'an id made of letters, digits, "_" and "-"' })
  .describe('An identifier: letters, digits, "_" and "-".');

/**
 * A distribution, written compactly as a call: `exponential(30d)`, `uniform(1m, 5m)`, `normal(10m, 1m)`,
 * `lognormal(10m, 0.5)`, `weibull(1.5, 30d)`, `constant(1h)`; or as an object for an empirical table.
 */
export const DistributionText = z
  .string()
  .regex(/^(constant|uniform|exponential|normal|lognormal|weibull)\(\s*[^()]+\)$/, {
    message:
      'a distribution such as "exponential(30d)", "uniform(1m, 5m)", "normal(10m, 1m)", "lognormal(10m, 0.5)", "weibull(1.5, 30d)" or "constant(1h)"',
  })
  .describe('A distribution of durations, e.g. "exponential(30d)", "uniform(1m, 5m)", "lognormal(10m, 0.5)".');

export const EmpiricalDistribution = z
  .strictObject({
    empirical: z.array(Duration).min(1).describe('The values, sampled as steps.'),
    weights: z.array(z.number().nonnegative()).optional().describe('Relative weights, one per value (default equal).'),
  })
  .describe('An empirical distribution: a table of durations with optional weights.');

export const DistributionSpec = z.union([DistributionText, EmpiricalDistribution, z.literal('default')]);

// ---------------------------------------------------------------------------------------------------------------
// Topology

const RackSpec = z.strictObject({
  id: Id.optional().describe('Rack (fault domain) id; default "<cluster>-r<index>".'),
  nodes: z.union([z.number().int().min(1), z.array(Id).min(1)]).describe('How many nodes, or their explicit ids.'),
});

export const ClusterSpec = z
  .strictObject({
    id: Id.optional().describe('Cluster id (or id prefix when count > 1); default "c<index>".'),
    count: z.number().int().min(1).optional().describe('How many clusters of this shape (ids "<id>-<n>").'),
    racks: z
      .union([z.number().int().min(1), z.array(RackSpec).min(1)])
      .describe('How many racks (fault domains), or each rack explicitly.'),
    nodesPerRack: z.number().int().min(1).optional().describe('Nodes in each rack when `racks` is a number.'),
  })
  .describe('A cluster: racks (fault domains) of nodes, managed by its own fabric controller.');

const Endpoint = z.strictObject({
  name: Id.optional(),
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(['http', 'https', 'tcp', 'udp']).optional().describe('Default tcp.'),
});

export const RoleSpec = z.strictObject({
  id: Id.describe('Role id, unique within its service.'),
  kind: z.enum(['web', 'worker']).describe('Web roles are reachable from the internet; worker roles are not.'),
  instances: z.number().int().min(1).describe('Number of role instances.'),
  inputEndpoints: z.array(Endpoint).optional().describe('Load-balanced endpoints (web roles default to port 80).'),
  internalEndpoints: z.array(Endpoint).max(5).optional().describe('Instance-to-instance endpoints (at most 5).'),
  instanceInputEndpoints: z
    .array(
      z.strictObject({
        name: Id.optional(),
        localPort: z.number().int().min(1).max(65535).describe('The port on each instance.'),
        publicPort: z
          .number()
          .int()
          .min(1)
          .max(65535)
          .describe('The VIP port of instance 0; instance k has publicPort + k.'),
        protocol: z.enum(['tcp', 'udp']).optional().describe('Default tcp.'),
      }),
    )
    .optional()
    .describe('Endpoints of each instance of its own through the VIP, one public port per instance (not balanced).'),
});

export const ServiceSpec = z.strictObject({
  id: Id.describe('Service id (or id prefix when count > 1).'),
  count: z.number().int().min(1).optional().describe('How many services of this shape (ids "<id>-<n>").'),
  cluster: z
    .string()
    .optional()
    .describe('The cluster it lives in; default the first. "*" spreads copies round-robin over all clusters.'),
  updateDomains: z.number().int().min(1).max(20).optional().describe('Update domains (default 5, at most 20).'),
  roles: z.array(RoleSpec).min(1),
});

// ---------------------------------------------------------------------------------------------------------------
// Policies: generated from DEFAULTS, so every default is overridable under the same name.

function policySection<S extends Record<string, { value: string | number | boolean; note: string }>>(section: S) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, entry] of Object.entries(section)) {
    const base =
      typeof entry.value === 'string'
        ? Duration
        : typeof entry.value === 'boolean'
          ? z.boolean()
          : z.number().nonnegative();
    shape[key] = base.optional().describe(`${entry.note} Default ${JSON.stringify(entry.value)}.`);
  }
  return z.strictObject(shape).optional();
}

/** A pluggable policy (docs/policies.md): a built-in's name or a module file, as a string or with parameters. */
const PolicyChoiceSpec = (what: string, builtIns: string) =>
  z
    .union([
      z.string().min(1),
      z
        .object({
          use: z.string().min(1).describe(`${builtIns}, or a module file relative to the scenario (./my-policy.js).`),
        })
        .catchall(z.union([z.string(), z.number(), z.boolean()])),
    ])
    .optional()
    .describe(`${what} (docs/policies.md). ${builtIns}; or { use: NAME, …parameters }.`);

/** The pluggable decisions, beside the FC's timings. */
const PLUGGABLE = {
  detector: PolicyChoiceSpec(
    'How the FC decides a node is silent',
    'Built-ins "fixed" (default: fc.missedPolls) and "phi-accrual" (threshold, window, minStdDeviation, acceptablePause)',
  ),
  placement: PolicyChoiceSpec(
    'Where new and healed instances go',
    'Built-ins "spread" (default: over fault and update domains) and "pack" (fill nodes in order)',
  ),
  upgradeWalk: PolicyChoiceSpec(
    'How an upgrade walks update domains',
    'Built-ins "sequential" (default: one at a time, each healthy first) and "parallel" (k at a time)',
  ),
};

export const PoliciesSpec = z.strictObject(
  Object.fromEntries(
    Object.entries(DEFAULTS).map(([name, section]) => [
      name,
      name === 'fc' ? policySection(section).unwrap().extend(PLUGGABLE).optional() : policySection(section),
    ]),
  ),
);

// ---------------------------------------------------------------------------------------------------------------
// Faults

export { FAULT_KINDS, type FaultKind };

export const Target = z.union([
  z.string().min(1).describe('An id or a glob over ids ("shop.web.*", "c0-r1-*").'),
  z.strictObject({
    random: z.number().int().min(1).describe('Pick this many targets with the seeded "targets" stream.'),
    among: z.string().optional().describe('Glob limiting the candidates (default all of the fault kind’s targets).'),
  }),
  z.strictObject({ faultDomain: z.string().describe('Every node of this rack (fault domain).') }),
]);

const FaultCommon = {
  id: Id.optional().describe('A name to refer to this fault in expectations.'),
  kind: z.enum(FAULT_KINDS),
  duration: Duration.optional().describe('For transient faults: how long the fault lasts.'),
  groups: z
    .array(z.array(z.string()).min(1))
    .min(2)
    .optional()
    .describe('network.partition: the groups (globs over node ids or actor names) that cannot reach each other.'),
  lossRate: z.number().min(0).max(1).optional().describe('network.loss: probability that a message is dropped.'),
  extraLatency: Duration.optional().describe('network.latency: latency added to every message.'),
  image: z
    .string()
    .min(1)
    .optional()
    .describe('os.wrong-image: the image the VM is given instead of its role’s (default "unapproved-image").'),
};

export const ScriptedFault = z.strictObject({
  at: Duration.describe('When the fault starts.'),
  target: Target.optional(),
  ...FaultCommon,
});

export const RandomFault = z.strictObject({
  every: DistributionSpec.describe('Time between faults on each target ("default" uses the default rate).'),
  targets: z.string().optional().describe('Glob over the fault kind’s targets (default all).'),
  start: Duration.optional().describe('Faults start after this time (default 0).'),
  until: Duration.optional().describe('No new faults after this time (default the end of the run).'),
  // estimate (issue 16): random repair times, for models with a closed-form answer (k-of-n with repairs).
  repair: z
    .union([DistributionText, EmpiricalDistribution])
    .optional()
    .describe('Each fault lasts a time drawn from this distribution (its own stream per target); instead of duration.'),
  ...FaultCommon,
});

export const FaultSpec = z.union([ScriptedFault, RandomFault]);

// ---------------------------------------------------------------------------------------------------------------
// Upgrades (change-managed rolling upgrades)

export const UpgradeSpec = z.strictObject({
  at: Duration,
  id: Id.optional(),
  service: z.string().describe('Service to upgrade.'),
  kind: z.enum(['role', 'os']).optional().describe('A role package update or an OS image update (default role).'),
  failing: z.boolean().optional().describe('The new version crashes at every start (a bad update).'),
  rollbackAfter: Duration.optional().describe('Roll back this long after the deployment gets stuck.'),
  image: z
    .string()
    .min(1)
    .optional()
    .describe('kind os, with images: the image the service’s roles move to (default: the old name + "+<upgrade id>").'),
});

// ---------------------------------------------------------------------------------------------------------------
// OS images per role (issue 11)

const ImageName = z.string().min(1);
export const ImagesSpec = z
  .strictObject({
    host: ImageName.describe('The host OS image of every node (the infrastructure role under the VMs).'),
    web: ImageName.describe('The image the FC gives the VMs of web roles.'),
    worker: ImageName.describe('The image the FC gives the VMs of worker roles.'),
    roles: z
      .record(z.string(), ImageName)
      .optional()
      .describe('Per role id ("<service>.<role>"): an image other than its kind’s.'),
  })
  .describe('OS images the FC chooses by role, at deployment, healing and reimage; OS upgrades move them.');

// ---------------------------------------------------------------------------------------------------------------
// Expectations

const DurationOrNumber = z.union([Duration, z.number()]);

/** The components that can notice a fault. */
export const DETECTORS = [
  'fc',
  'host-agent',
  'guest-agent',
  'load-balancer',
  'watchdog',
  'failover-manager',
  'monitoring',
] as const;

export const ExpectationSpec = z.union([
  z.strictObject({
    recovered: z.strictObject({
      target: z.string().describe('A fault id, or a glob over fault targets.'),
      within: Duration,
    }),
  }),
  z.strictObject({
    detected: z.strictObject({
      target: z.string(),
      within: Duration,
      by: z.enum(DETECTORS).optional(),
    }),
  }),
  z.strictObject({
    notDetected: z.strictObject({
      target: z.string(),
      by: z.enum(DETECTORS).optional(),
    }),
  }),
  z.strictObject({
    availability: z.strictObject({
      role: z.string().describe('"<service>.<role>" or a glob.'),
      atLeast: z.number().min(0).max(1),
      served: z
        .boolean()
        .optional()
        .describe('Measure served availability (in rotation and reachable by the users) instead of running.'),
    }),
  }),
  z.strictObject({
    metric: z
      .string()
      .describe('A path in the --json summary, e.g. "fc.noQuorumUs" or "roles[shop.web].readyFraction".'),
    atLeast: DurationOrNumber.optional(),
    atMost: DurationOrNumber.optional(),
    equals: z
      .union([z.number(), z.string(), z.boolean(), z.null()])
      .optional()
      .describe('Exact value; null matches a value that was never reached (e.g. a fault not recovered).'),
  }),
  // security (issue 5): denied, allowed, never, violations, exposure.
  ...SECURITY_EXPECTATIONS,
  // estimate (issue 16): a probability over many runs, decided by a sequential test (docs/estimate.md).
  z.strictObject({
    probability: z.strictObject({
      event: z.string().describe('An event expression, e.g. "replicasDown(db0) >= 3" (docs/estimate.md).'),
      atMost: z.number().min(0).max(1).describe('Passes when P(event within a run) ≤ this.'),
      confidence: z.number().gt(0).lt(1).optional().describe('Confidence of the decision (default 0.95).'),
      method: z.enum(['crude', 'splitting']).optional().describe('Default splitting.'),
      effort: z.number().int().min(1).optional().describe('Trials per stage (or crude runs per replication).'),
    }),
  }),
  // explore (issue 13): a state some run should reach.
  z.strictObject({
    sometimes: z
      .strictObject({ event: z.string().min(1).describe('An event kind, e.g. "node.out-for-repair".') })
      .describe('Reached when a run records this event at least once; explore reports it covered or a GAP.'),
  }),
]);

// ---------------------------------------------------------------------------------------------------------------
// Exploration (issue 13): the fault space `fabricsim explore` searches.

/** Fault kinds an exploration can draw: those aimed at one target (network faults need groups or rates). */
export const EXPLORE_KINDS = FAULT_KINDS.filter((k) => !k.startsWith('network.') && k !== 'os.wrong-image');

export const ExploreSpec = z
  .strictObject({
    faults: z.strictObject({
      kinds: z
        .array(z.enum(EXPLORE_KINDS as [FaultKind, ...FaultKind[]]))
        .min(1)
        .describe('Fault kinds to draw.'),
      max: z.number().int().min(1).max(50).describe('At most this many faults added to each run.'),
      min: z.number().int().min(0).optional().describe('At least this many (default 1).'),
      window: z
        .tuple([Duration, Duration])
        .optional()
        .describe('Faults start between these times (default the whole run).'),
      targets: z.string().optional().describe('Glob limiting the targets (default every target of each kind).'),
      duration: z
        .union([Duration, DistributionText])
        .optional()
        .describe('How long each drawn fault lasts: a duration or a distribution (default the kind’s own recovery).'),
    }),
    strategy: z
      .enum(['random', 'swarm', 'coverage'])
      .optional()
      .describe('random draws; swarm also switches kinds and targets off per run; coverage prefers new coverage.'),
    runs: z.number().int().min(1).optional().describe('Runs when --runs and --time are not given (default 200).'),
    lanes: z
      .number()
      .int()
      .min(1)
      .max(256)
      .optional()
      .describe('Independent lanes of runs (default 8): the unit of parallelism, sharding and feedback.'),
    invariants: z.boolean().optional().describe('Check the model invariants at every step (default true).'),
  })
  .describe('The fault space that `fabricsim explore` searches.');

// ---------------------------------------------------------------------------------------------------------------
// The document

export const ScenarioSpec = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).describe('Scenario format version; must be 1.'),
    name: z.string().optional(),
    description: z.string().optional(),
    extends: z.string().optional().describe('Another scenario file whose content this one overrides.'),
    seed: z.number().int().min(0).max(0xffffffff).optional().describe('Default seed (0 … 2^32−1); --seed overrides.'),
    duration: Duration.describe('Simulated time to run.'),
    topology: z.strictObject({ clusters: z.array(ClusterSpec).min(1) }),
    services: z.array(ServiceSpec).optional(),
    policies: PoliciesSpec.optional(),
    faults: z.array(FaultSpec).optional(),
    upgrades: z.array(UpgradeSpec).optional(),
    images: ImagesSpec.optional(), // OS images per role (issue 11)
    expect: z.array(ExpectationSpec).optional(),
    security: SecuritySpec.optional(), // security (issue 5)
    explore: ExploreSpec.optional(), // explore (issue 13)
  })
  .describe('A fabricsim scenario (format version 1).');

export type ScenarioFile = z.infer<typeof ScenarioSpec>;
export type ClusterFile = z.infer<typeof ClusterSpec>;
export type ServiceFile = z.infer<typeof ServiceSpec>;
export type FaultFile = z.infer<typeof FaultSpec>;
export type ExpectationFile = z.infer<typeof ExpectationSpec>;
export type UpgradeFile = z.infer<typeof UpgradeSpec>;
export type ExploreFile = z.infer<typeof ExploreSpec>;

/** The JSON Schema of the scenario format, for editors and `fabricsim schema`. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSpec, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://fabricsim.dev/schema/scenario-v1.json', title: 'fabricsim scenario' };
}
