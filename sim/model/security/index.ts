// The security side of the model. Which part does what:
// - packet-path.ts (RuleBook): decides a packet — chains the rule engines of sim/network/rules (ACLs, NSG, host
//   filter, VLANs, SQL firewall) in the order a packet meets them; infra.ts applies it to the model's own messages.
// - access.ts, sql.ts, builds.ts: check a login (admin access, JIT, SQL logins over sim/auth's password and permission
//   checks, DoSGuard) and a build (virus scans, approval, staged release).
// - traffic-actor.ts (SecurityModel): the actor that plays the scripted traffic and records what decided each attempt;
//   oracle.ts judges admitted attempts against the policy, book.ts tallies them.
// - plan.ts, endpoints.ts: the address plan and named endpoints.
export { ClosedEnvironment } from './access.js';
export { type AttemptSubject, type DeployedSort, SecurityBook, type SecurityFacts, type WatchResult } from './book.js';
export { type Build, BuildPipeline } from './builds.js';
export { dictionary, generateCandidates } from './candidates.js';
export { Endpoints } from './endpoints.js';
export { type BlockedPaths, InfraPolicy } from './infra.js';
export { INVARIANTS, type Invariant, PolicyOracle } from './oracle.js';
export { type CompiledWalls, RuleBook } from './packet-path.js';
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
export { SqlServer } from './sql.js';
export { describeChange, overlay, SecurityModel } from './traffic-actor.js';
export { isWallRule, WallExplainer, type WallKind, type WallQuery, type WallRule, type WallTable } from './walls.js';
