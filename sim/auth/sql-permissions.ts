/**
 * SQL Database permissions: the fixed database roles, the two master roles, explicit GRANT/DENY, and how they combine.
 *
 * - The server admin is unlimited (it maps to dbo, on which DENY has no effect).
 * - A user's permissions are the union of its own grants and those of every role it belongs to.
 * - DENY overrides GRANT: a DENY anywhere — on the user or on any of its roles — wins, including a DENY of a permission
 *   that implies the one asked for (DENY CONTROL denies SELECT).
 * - Some permissions imply others: CONTROL implies every database permission; ALTER implies the ALTER ANY … and
 *   CREATE … permissions. SQL has more than 100 permissions; this is a representative subset.
 */
import type { Decision } from '../network/index.js';

export const DATABASE_PERMISSIONS = [
  'CONNECT',
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'EXECUTE',
  'REFERENCES',
  'VIEW DEFINITION',
  'ALTER',
  'CONTROL',
  'CREATE TABLE',
  'CREATE VIEW',
  'CREATE PROCEDURE',
  'CREATE FUNCTION',
  'CREATE SCHEMA',
  'ALTER ANY SCHEMA',
  'ALTER ANY USER',
  'ALTER ANY ROLE',
  'ALTER ANY APPLICATION ROLE',
  'BACKUP DATABASE',
  'BACKUP LOG',
  'CHECKPOINT',
] as const;

/** Permissions held in master: creating databases (dbmanager) and logins (loginmanager). */
export const SERVER_PERMISSIONS = ['CREATE DATABASE', 'ALTER ANY LOGIN'] as const;

export type DatabasePermission = (typeof DATABASE_PERMISSIONS)[number];
export type ServerPermission = (typeof SERVER_PERMISSIONS)[number];
export type Permission = DatabasePermission | ServerPermission;

/** Direct implications: holding the key holds each listed permission too. */
export const PERMISSION_IMPLIES: Readonly<Partial<Record<Permission, readonly Permission[]>>> = {
  CONTROL: DATABASE_PERMISSIONS.filter((p) => p !== 'CONTROL'),
  ALTER: [
    'CREATE TABLE',
    'CREATE VIEW',
    'CREATE PROCEDURE',
    'CREATE FUNCTION',
    'CREATE SCHEMA',
    'ALTER ANY SCHEMA',
    'ALTER ANY USER',
    'ALTER ANY ROLE',
    'ALTER ANY APPLICATION ROLE',
  ],
};

/** `permission` and every permission that implies it, in a fixed order (the permission itself first). */
export function permissionsCovering(permission: Permission): readonly Permission[] {
  const out: Permission[] = [permission];
  for (const [holder, implied] of Object.entries(PERMISSION_IMPLIES) as [Permission, readonly Permission[]][]) {
    if (implied.includes(permission)) out.push(holder);
  }
  return out;
}

export interface RoleDefinition {
  readonly name: string;
  readonly grants?: readonly Permission[];
  readonly denies?: readonly Permission[];
}

/** The nine fixed database roles and the two master roles, with their (representative) permission sets. */
export const FIXED_ROLES: Readonly<Record<string, RoleDefinition>> = Object.freeze({
  db_owner: { name: 'db_owner', grants: ['CONTROL'] },
  db_securityadmin: {
    name: 'db_securityadmin',
    grants: ['ALTER ANY ROLE', 'ALTER ANY APPLICATION ROLE', 'CREATE SCHEMA', 'VIEW DEFINITION'],
  },
  db_accessadmin: { name: 'db_accessadmin', grants: ['ALTER ANY USER', 'CONNECT', 'CREATE SCHEMA'] },
  db_backupoperator: { name: 'db_backupoperator', grants: ['BACKUP DATABASE', 'BACKUP LOG', 'CHECKPOINT'] },
  db_ddladmin: {
    name: 'db_ddladmin',
    grants: [
      'CREATE TABLE',
      'CREATE VIEW',
      'CREATE PROCEDURE',
      'CREATE FUNCTION',
      'CREATE SCHEMA',
      'ALTER ANY SCHEMA',
      'REFERENCES',
    ],
  },
  db_datawriter: { name: 'db_datawriter', grants: ['INSERT', 'UPDATE', 'DELETE'] },
  db_datareader: { name: 'db_datareader', grants: ['SELECT'] },
  db_denydatawriter: { name: 'db_denydatawriter', denies: ['INSERT', 'UPDATE', 'DELETE'] },
  db_denydatareader: { name: 'db_denydatareader', denies: ['SELECT'] },
  dbmanager: { name: 'dbmanager', grants: ['CREATE DATABASE'] },
  loginmanager: { name: 'loginmanager', grants: ['ALTER ANY LOGIN'] },
});

/**
 * What a database user's declared purpose needs, least privilege: a user may be granted these (and what they imply)
 * and nothing more. Every purpose needs CONNECT. Representative, like the permission list: a scenario can list
 * further needs explicitly.
 */
export const SQL_PURPOSES = Object.freeze({
  read: ['CONNECT', 'SELECT'],
  'read-write': ['CONNECT', 'SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  application: ['CONNECT', 'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'EXECUTE'],
  reporting: ['CONNECT', 'SELECT', 'VIEW DEFINITION'],
  'schema-change': [
    'CONNECT',
    'SELECT',
    'REFERENCES',
    'VIEW DEFINITION',
    'CREATE TABLE',
    'CREATE VIEW',
    'CREATE PROCEDURE',
    'CREATE FUNCTION',
    'CREATE SCHEMA',
    'ALTER ANY SCHEMA',
  ],
  backup: ['CONNECT', 'BACKUP DATABASE', 'BACKUP LOG', 'CHECKPOINT'],
  'user-admin': ['CONNECT', 'ALTER ANY USER', 'ALTER ANY ROLE', 'ALTER ANY APPLICATION ROLE', 'CREATE SCHEMA'],
  owner: ['CONTROL'],
} satisfies Record<string, readonly DatabasePermission[]>);
export type SqlPurpose = keyof typeof SQL_PURPOSES;
export const SQL_PURPOSE_NAMES = Object.freeze(Object.keys(SQL_PURPOSES) as SqlPurpose[]);

export const FIXED_DATABASE_ROLE_NAMES: readonly string[] = Object.freeze(
  Object.keys(FIXED_ROLES).filter((r) => r.startsWith('db_')),
);

export interface SqlPrincipal {
  readonly name: string;
  /** The server admin login (dbo): every permission, DENY does not apply. */
  readonly serverAdmin?: boolean;
  /** Fixed or custom role names. */
  readonly roles?: readonly string[];
  readonly grants?: readonly Permission[];
  readonly denies?: readonly Permission[];
}

function firstCovered(
  list: readonly Permission[] | undefined,
  covering: readonly Permission[],
): Permission | undefined {
  if (list === undefined) return undefined;
  for (const c of covering) if (list.includes(c)) return c;
  return undefined;
}

function via(found: Permission, asked: Permission): string {
  return found === asked ? asked : `${found} (implies ${asked})`;
}

/**
 * Whether `user` holds `permission`, and the deciding rule: 'admin:server-admin', 'deny:user:<name>',
 * 'deny:<role>', 'grant:user:<name>', 'grant:<role>' or 'default:no-grant'. Denies are looked for on the user first,
 * then its roles in the order listed; grants likewise. `customRoles` defines roles beyond the fixed ones.
 * Throws an Error naming the role when the user belongs to an unknown one.
 */
export function effectivePermission(
  user: SqlPrincipal,
  permission: Permission,
  customRoles: readonly RoleDefinition[] = [],
): Decision {
  if (user.serverAdmin) {
    return { allowed: true, rule: 'admin:server-admin', text: `${user.name} is the server admin` };
  }
  for (const r of customRoles) {
    if (Object.hasOwn(FIXED_ROLES, r.name)) throw new Error(`custom role ${r.name} has the name of a fixed role`);
  }
  const roles = (user.roles ?? []).map((name) => {
    const fixed = Object.hasOwn(FIXED_ROLES, name) ? FIXED_ROLES[name] : undefined;
    const role = fixed ?? customRoles.find((r) => r.name === name);
    if (role === undefined) throw new Error(`user ${user.name}: unknown role ${JSON.stringify(name)}`);
    return role;
  });
  const covering = permissionsCovering(permission);
  const userDeny = firstCovered(user.denies, covering);
  if (userDeny !== undefined) {
    return {
      allowed: false,
      rule: `deny:user:${user.name}`,
      text: `DENY ${via(userDeny, permission)} on ${user.name}`,
    };
  }
  for (const role of roles) {
    const d = firstCovered(role.denies, covering);
    if (d !== undefined) {
      return {
        allowed: false,
        rule: `deny:${role.name}`,
        text: `DENY ${via(d, permission)} through role ${role.name}`,
      };
    }
  }
  const userGrant = firstCovered(user.grants, covering);
  if (userGrant !== undefined) {
    return {
      allowed: true,
      rule: `grant:user:${user.name}`,
      text: `GRANT ${via(userGrant, permission)} on ${user.name}`,
    };
  }
  for (const role of roles) {
    const g = firstCovered(role.grants, covering);
    if (g !== undefined) {
      return {
        allowed: true,
        rule: `grant:${role.name}`,
        text: `GRANT ${via(g, permission)} through role ${role.name}`,
      };
    }
  }
  return { allowed: false, rule: 'default:no-grant', text: `${user.name} has no grant of ${permission}` };
}
