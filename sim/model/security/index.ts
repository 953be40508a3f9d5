export { ClosedEnvironment } from './access.js';
export { type AttemptSubject, type DeployedSort, SecurityBook, type SecurityFacts, type WatchResult } from './book.js';
export { type Build, BuildPipeline } from './builds.js';
export { dictionary, generateCandidates } from './candidates.js';
export { Endpoints } from './endpoints.js';
export { type BlockedPaths, InfraPolicy } from './infra.js';
export { describeChange, overlay, SecurityModel } from './model.js';
export { INVARIANTS, type Invariant, PolicyOracle } from './oracle.js';
export {
  AddressPlan,
  clusterBlockBits,
  type Endpoint,
  EP,
  OUTSIDE,
  planProblem,
  SQL_CLUSTER,
  type Zone,
} from './plan.js';
export { RuleBook } from './rules.js';
export { SqlServer } from './sql.js';
