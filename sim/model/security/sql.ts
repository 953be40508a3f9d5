/**
 * The SQL Database server as attackers meet it: SQL logins only (in master), users per database mapped to logins,
 * fixed database roles with DENY over GRANT, the server and database firewall (whose changes apply after a delay),
 * and the gateway's DoSGuard, which blocks an address after repeated failures — there is no per-account lockout.
 *
 * A guess succeeds only if it equals the login's real password, character for character.
 */

import {
  checkPassword,
  DOSGUARD_BLOCKED,
  DosGuard,
  effectivePermission,
  type Permission,
  type SqlPrincipal,
} from '../../auth/index.js';
import type { Address } from '../../network/index.js';
import { type CompiledSqlFirewall, compileSqlFirewall, type Decision, makeDecision } from '../../network/index.js';
import type { FullRuleSet, ResolvedSecurity, ResolvedSqlUserChange, SqlAuthenticationKind } from '../../spec/index.js';

export const AUTH_OK = makeDecision(true, 'auth:password', 'login and password match');
export const AUTH_WRONG_PASSWORD = makeDecision(false, 'auth:wrong-password', 'login failed: wrong password');
export const AUTH_UNKNOWN_LOGIN = makeDecision(false, 'auth:unknown-login', 'login failed: no such login');
export const AUTH_NO_USER = makeDecision(false, 'auth:no-user-in-database', 'the login has no user in that database');
/** The rule that refuses every login not made with SQL Server authentication. */
export const SQL_AUTHENTICATION_ONLY_RULE = 'auth:sql-authentication-only';
const AUTH_KIND_REFUSED: Readonly<Record<Exclude<SqlAuthenticationKind, 'sql'>, Decision>> = {
  windows: makeDecision(
    false,
    SQL_AUTHENTICATION_ONLY_RULE,
    'SQL Database supports only SQL Server authentication: Windows integrated authentication is refused',
  ),
  entra: makeDecision(
    false,
    SQL_AUTHENTICATION_ONLY_RULE,
    'SQL Database supports only SQL Server authentication: Microsoft Entra (Azure AD) authentication is refused',
  ),
};
export const CREATE_OK = makeDecision(true, 'password:meets-policy', 'login created: the password meets the policy');
export const CREATE_POLICY_OFF = makeDecision(
  true,
  'config:password-policy-off',
  'login created without a password-policy check',
);
export const CREATE_EXISTS = makeDecision(false, 'login:exists', 'a login of that name exists');
export const CREATE_UNKNOWN_CREATOR = makeDecision(false, 'auth:unknown-login', 'the creating login does not exist');

interface Login {
  readonly password: string;
  readonly roles: readonly string[];
  readonly serverAdmin: boolean;
}

export interface LoginOutcome {
  readonly decision: Decision;
  /** The credentials were right (whatever the permission check then said). */
  readonly authenticated: boolean;
  /** This failure made DoSGuard block the address. */
  readonly blockedNow: boolean;
}

export class SqlServer {
  private readonly logins = new Map<string, Login>();
  /** `${database}/${login}` → the database user. */
  private readonly users = new Map<string, SqlPrincipal>();
  private firewall: CompiledSqlFirewall;
  readonly dosGuard: DosGuard;
  private readonly passwordDecisions = new Map<string, Decision>();

  constructor(
    private readonly sec: ResolvedSecurity,
    rules: FullRuleSet,
  ) {
    for (const l of sec.sql.logins) {
      this.logins.set(l.name, { password: l.password, roles: l.roles, serverAdmin: l.serverAdmin });
    }
    this.setUserChanges(rules.sqlUsers ?? []);
    this.firewall = compileSqlFirewall(rules.sqlFirewall, 'sql');
    this.dosGuard = new DosGuard(sec.sql.dosGuard);
  }

  /**
   * The database users' rights in force: as declared, with each change's given fields in place of the declared ones
   * (the first change naming a user wins: misconfigurations go in front). GRANT and DENY take effect at once.
   */
  setUserChanges(changes: readonly ResolvedSqlUserChange[]): void {
    this.users.clear();
    for (const u of this.sec.sql.users) {
      const c = changes.find((x) => x.login === u.login && x.database === u.database);
      this.users.set(`${u.database}/${u.login}`, {
        name: u.name,
        roles: c?.roles ?? u.roles,
        grants: c?.grants ?? u.grants,
        denies: c?.denies ?? u.denies,
      });
    }
  }

  /** The rights in force of the user of `login` in `database` (a declared user). */
  userRights(login: string, database: string): SqlPrincipal | undefined {
    return this.users.get(`${database}/${login}`);
  }

  /** Installs new firewall rules (the caller applies the documented delay). */
  setFirewall(fw: FullRuleSet['sqlFirewall']): void {
    this.firewall = compileSqlFirewall(fw, 'sql');
  }

  hasLogin(name: string): boolean {
    return this.logins.has(name);
  }

  loginNames(): string[] {
    return [...this.logins.keys()];
  }

  /** The server firewall's decision for a client (inside Azure or not) connecting to `database`. */
  firewallCheck(client: Address, database: string, fromAzure: boolean): Decision {
    return this.firewall.evaluate(client, database, fromAzure);
  }

  /**
   * A login attempt that passed the firewall: DoSGuard (when on), then the kind of authentication — anything but
   * SQL Server authentication is refused, without counting towards DoSGuard (no password was tried) — then the
   * credentials; a wrong password or unknown login counts towards blocking the address.
   */
  authenticate(
    client: Address,
    login: string,
    password: string,
    nowUs: number,
    guard: boolean,
    kind: SqlAuthenticationKind = 'sql',
  ): LoginOutcome {
    if (guard) {
      const g = this.dosGuard.check(client, nowUs);
      if (!g.allowed) return { decision: g, authenticated: false, blockedNow: false };
    }
    if (kind !== 'sql') return { decision: AUTH_KIND_REFUSED[kind], authenticated: false, blockedNow: false };
    const l = this.logins.get(login);
    const decision = l === undefined ? AUTH_UNKNOWN_LOGIN : l.password === password ? AUTH_OK : AUTH_WRONG_PASSWORD;
    if (decision.allowed) return { decision, authenticated: true, blockedNow: false };
    const blockedNow = guard && this.dosGuard.recordFailure(client, nowUs) === DOSGUARD_BLOCKED;
    return { decision, authenticated: false, blockedNow };
  }

  /** Whether `login` may exercise `permission` in `database` (DENY over GRANT, across its roles). */
  authorize(login: string, database: string, permission: Permission): Decision {
    const l = this.logins.get(login);
    if (l?.serverAdmin) return effectivePermission({ name: login, serverAdmin: true }, permission);
    const user = this.users.get(`${database}/${login}`);
    if (user === undefined) return AUTH_NO_USER;
    return effectivePermission(user, permission);
  }

  /**
   * `creator` creates login `name` with `password`: it needs ALTER ANY LOGIN (server admin or loginmanager), and
   * with the policy on the password must pass it.
   */
  createLogin(creator: string, name: string, password: string, policy: boolean): Decision {
    const c = this.logins.get(creator);
    if (c === undefined) return CREATE_UNKNOWN_CREATOR;
    const right = effectivePermission(
      { name: creator, serverAdmin: c.serverAdmin, roles: [...c.roles] },
      'ALTER ANY LOGIN',
    );
    if (!right.allowed) return right;
    if (this.logins.has(name)) return CREATE_EXISTS;
    if (policy) {
      const check = checkPassword(name, password);
      if (!check.ok) return this.passwordDecision(check.failures[0]!);
    }
    this.logins.set(name, { password, roles: [], serverAdmin: false });
    return policy ? CREATE_OK : CREATE_POLICY_OFF;
  }

  private passwordDecision(failure: string): Decision {
    let d = this.passwordDecisions.get(failure);
    if (d === undefined) {
      d = makeDecision(false, `password:${failure}`, `the password breaks the policy (${failure})`);
      this.passwordDecisions.set(failure, d);
    }
    return d;
  }
}
