/**
 * The closed lists the model switches on: the kinds of fault it can inject and the kinds of scripted security traffic
 * it can play. The scenario schema validates files against the same lists.
 */

export const FAULT_KINDS = [
  'role.crash',
  'role.hang',
  'role.config-error',
  'vm.crash',
  'vm.hang',
  'node.crash',
  'node.hardware',
  'host-agent.crash',
  'rack.power-loss',
  'fc.replica-crash',
  'sql.replica-crash',
  'watchdog.crash',
  'network.partition',
  'network.loss',
  'network.latency',
  'os.wrong-image',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const TRAFFIC_KINDS = [
  'connect',
  'sql-login',
  'sql-brute-force',
  'sql-spray',
  'sql-create-login',
  'install',
  'admin-login',
  'jit-request',
  'create-account',
  'build',
  'release',
  'misconfigure',
] as const;
export type TrafficKind = (typeof TRAFFIC_KINDS)[number];

/** How a SQL client authenticates: SQL Server authentication, Windows integrated, or Microsoft Entra ID (Azure AD). */
export const SQL_AUTHENTICATION_KINDS = ['sql', 'windows', 'entra'] as const;
export type SqlAuthenticationKind = (typeof SQL_AUTHENTICATION_KINDS)[number];

/**
 * Why a scripted attempt is made, for counting: users' ordinary visits and logins, attacks, administrators' and
 * operators' actions, the platform's own service-to-service traffic, and the build pipeline.
 */
export const INTENTS = ['user', 'attack', 'admin', 'service', 'pipeline'] as const;
export type Intent = (typeof INTENTS)[number];
