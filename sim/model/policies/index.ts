// Pluggable policies (docs/policies.md): the built-ins of each decision point, and making a run's policies from the
// scenario's choices and the caller's plug-in modules. The interfaces are in sim/spec/policy.ts.
export { fixedDetector, phi, phiAccrualDetector } from './detectors.js';
export { PolicyError } from './errors.js';
export {
  BUILT_IN_POLICIES,
  isModulePath,
  type ModelPolicies,
  makePolicies,
  type PluginModules,
  POLICY_PATHS,
  policyLabel,
} from './make.js';
export { packPlacement, spreadPlacement } from './placement.js';
export { parallelWalk, sequentialWalk } from './walks.js';
