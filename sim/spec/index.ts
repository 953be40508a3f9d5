// The spec layer: the model's input, resolved — types for the world, policies, faults, upgrades, expectations and the
// security configuration; the table of defaults; and the fault and traffic kinds. The scenario
// layer (above) produces it from a file; the model (above) reads it. It imports only the engine, network and auth
// layers.
export { DEFAULTS, type DefaultEntry, type Defaults } from './defaults.js';
export {
  FAULT_KINDS,
  type FaultKind,
  INTENTS,
  type Intent,
  SQL_AUTHENTICATION_KINDS,
  type SqlAuthenticationKind,
  TRAFFIC_KINDS,
  type TrafficKind,
} from './kinds.js';
export type {
  FailureDetector,
  HeartbeatView,
  PlacementNode,
  PlacementPolicy,
  PlacementRequest,
  PolicyChoice,
  PolicyChoices,
  PolicyEnv,
  PolicyFactory,
  PolicyOf,
  PolicyParams,
  PolicyPoint,
  UpgradeWalk,
  WalkView,
} from './policy.js';
export type {
  Expectation,
  FaultSpecResolved,
  Policies,
  ProbabilityExpectation,
  RandomFaultSpec,
  ResolvedCluster,
  ResolvedEndpoint,
  ResolvedImages,
  ResolvedRack,
  ResolvedRole,
  ResolvedScenario,
  ResolvedService,
  ResolvedTarget,
  ScriptedFaultSpec,
  UpgradeSpecResolved,
} from './scenario.js';
export { processId } from './scenario.js';
export type {
  FullRuleSet,
  PortSpecValue,
  ResolvedAclRule,
  ResolvedEndpointAclRule,
  ResolvedFirewallRule,
  ResolvedHostRule,
  ResolvedNsgRule,
  ResolvedOpenPort,
  ResolvedRuleSet,
  ResolvedSecurity,
  ResolvedSqlLogin,
  ResolvedSqlUser,
  ResolvedSqlUserChange,
  ResolvedTraffic,
  SecurityExpectation,
} from './security.js';
export type {
  ClusterState,
  InstanceState,
  InstanceStatus,
  NodeState,
  NodeStatus,
  RackState,
  ServiceState,
  VmStatus,
  World,
} from './world.js';
