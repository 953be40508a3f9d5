// The model layer: the simulation kernel and its actors (the fabric, and the security actor that plays the scripted
// traffic). Built from a resolved scenario (sim/spec), recording into a trace (sim/trace).

export {
  BUILT_IN_POLICIES,
  isModulePath,
  type ModelPolicies,
  type PluginModules,
  POLICY_PATHS,
  PolicyError,
  phi,
  policyLabel,
} from './policies/index.js';
export {
  AddressPlan,
  Endpoints,
  isWallRule,
  overlay,
  planProblem,
  RuleBook,
  type SecurityFacts,
  SecurityModel,
  WallExplainer,
  type WallKind,
  type WallQuery,
  type WallRule,
  type WallTable,
} from './security/index.js';
export { type BuiltWorld, Simulation } from './simulation.js';
