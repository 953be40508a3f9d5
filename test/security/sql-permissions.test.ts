import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DATABASE_PERMISSIONS,
  effectivePermission,
  FIXED_DATABASE_ROLE_NAMES,
  FIXED_ROLES,
  type Permission,
  SERVER_PERMISSIONS,
  type SqlPrincipal,
} from '../../sim/auth/sql-permissions.js';

const user = (over: Partial<SqlPrincipal> = {}): SqlPrincipal => ({ name: 'alice', ...over });

describe('fixed roles', () => {
  it('has the nine fixed database roles', () => {
    expect([...FIXED_DATABASE_ROLE_NAMES].sort()).toEqual(
      [
        'db_accessadmin',
        'db_backupoperator',
        'db_datareader',
        'db_datawriter',
        'db_ddladmin',
        'db_denydatareader',
        'db_denydatawriter',
        'db_owner',
        'db_securityadmin',
      ].sort(),
    );
  });

  it.each([
    ['db_datareader', 'SELECT', true],
    ['db_datareader', 'INSERT', false],
    ['db_datawriter', 'INSERT', true],
    ['db_datawriter', 'UPDATE', true],
    ['db_datawriter', 'DELETE', true],
    ['db_datawriter', 'SELECT', false],
    ['db_ddladmin', 'CREATE TABLE', true],
    ['db_ddladmin', 'SELECT', false],
    ['db_backupoperator', 'BACKUP DATABASE', true],
    ['db_backupoperator', 'SELECT', false],
    ['db_accessadmin', 'ALTER ANY USER', true],
    ['db_securityadmin', 'ALTER ANY ROLE', true],
    ['db_securityadmin', 'ALTER ANY USER', false],
    ['db_owner', 'SELECT', true],
    ['db_owner', 'ALTER ANY USER', true],
    ['db_owner', 'BACKUP DATABASE', true],
    ['db_owner', 'CREATE DATABASE', false],
    ['db_denydatareader', 'SELECT', false],
    ['dbmanager', 'CREATE DATABASE', true],
    ['dbmanager', 'ALTER ANY LOGIN', false],
    ['loginmanager', 'ALTER ANY LOGIN', true],
    ['loginmanager', 'CREATE DATABASE', false],
  ] as const)('%s holds %s: %s', (role, permission, allowed) => {
    expect(effectivePermission(user({ roles: [role] }), permission).allowed).toBe(allowed);
  });

  it('names the implying permission when db_owner holds something through CONTROL', () => {
    expect(effectivePermission(user({ roles: ['db_owner'] }), 'DELETE')).toMatchObject({
      rule: 'grant:db_owner',
      text: expect.stringContaining('CONTROL (implies DELETE)'),
    });
  });
});

describe('effectivePermission', () => {
  it('adds up permissions across roles', () => {
    const u = user({ roles: ['db_datareader', 'db_datawriter'] });
    expect(effectivePermission(u, 'SELECT').rule).toBe('grant:db_datareader');
    expect(effectivePermission(u, 'INSERT').rule).toBe('grant:db_datawriter');
  });

  it('lets DENY override GRANT across roles, in either order', () => {
    for (const roles of [
      ['db_datareader', 'db_denydatareader'],
      ['db_denydatareader', 'db_datareader'],
    ]) {
      expect(effectivePermission(user({ roles }), 'SELECT')).toMatchObject({
        allowed: false,
        rule: 'deny:db_denydatareader',
      });
    }
  });

  it('denies db_owner members what a deny role denies', () => {
    const u = user({ roles: ['db_owner', 'db_denydatawriter'] });
    expect(effectivePermission(u, 'INSERT').rule).toBe('deny:db_denydatawriter');
    expect(effectivePermission(u, 'SELECT').rule).toBe('grant:db_owner');
  });

  it('lets an explicit user DENY override a role GRANT, and a role DENY override a user GRANT', () => {
    expect(effectivePermission(user({ roles: ['db_datareader'], denies: ['SELECT'] }), 'SELECT').rule).toBe(
      'deny:user:alice',
    );
    expect(effectivePermission(user({ roles: ['db_denydatareader'], grants: ['SELECT'] }), 'SELECT').rule).toBe(
      'deny:db_denydatareader',
    );
    expect(effectivePermission(user({ grants: ['SELECT'] }), 'SELECT').rule).toBe('grant:user:alice');
  });

  it('applies a DENY of an implying permission (DENY CONTROL denies SELECT)', () => {
    expect(effectivePermission(user({ roles: ['db_datareader'], denies: ['CONTROL'] }), 'SELECT')).toMatchObject({
      allowed: false,
      rule: 'deny:user:alice',
      text: expect.stringContaining('CONTROL (implies SELECT)'),
    });
    expect(effectivePermission(user({ grants: ['ALTER'], denies: ['ALTER'] }), 'CREATE TABLE').allowed).toBe(false);
    expect(effectivePermission(user({ grants: ['ALTER'] }), 'CREATE TABLE').allowed).toBe(true);
  });

  it('gives the server admin everything, DENY notwithstanding', () => {
    const admin = user({ name: 'sqladmin', serverAdmin: true, denies: ['CONTROL'], roles: ['db_denydatareader'] });
    for (const p of [...DATABASE_PERMISSIONS, ...SERVER_PERMISSIONS]) {
      expect(effectivePermission(admin, p)).toMatchObject({ allowed: true, rule: 'admin:server-admin' });
    }
  });

  it('denies by default', () => {
    expect(effectivePermission(user(), 'SELECT')).toMatchObject({ allowed: false, rule: 'default:no-grant' });
  });

  it('supports custom roles and refuses unknown or clashing role names', () => {
    const auditors = {
      name: 'auditors',
      grants: ['SELECT', 'VIEW DEFINITION'] as Permission[],
      denies: ['DELETE'] as Permission[],
    };
    const u = user({ roles: ['auditors', 'db_datawriter'] });
    expect(effectivePermission(u, 'SELECT', [auditors]).rule).toBe('grant:auditors');
    expect(effectivePermission(u, 'DELETE', [auditors]).rule).toBe('deny:auditors');
    expect(() => effectivePermission(user({ roles: ['auditor'] }), 'SELECT', [auditors])).toThrow(
      /user alice: unknown role "auditor"/,
    );
    expect(() => effectivePermission(u, 'SELECT', [{ name: 'db_owner' }])).toThrow(/fixed role/);
  });

  it('allows exactly when some source grants and none denies, whatever the order of roles', () => {
    const perms = [...DATABASE_PERMISSIONS, ...SERVER_PERMISSIONS] as Permission[];
    const implied = (held: Permission, asked: Permission): boolean =>
      held === asked ||
      (held === 'CONTROL' && (DATABASE_PERMISSIONS as readonly string[]).includes(asked)) ||
      (held === 'ALTER' &&
        (asked.startsWith('CREATE ') || asked.startsWith('ALTER ANY ')) &&
        asked !== 'CREATE DATABASE' &&
        asked !== 'ALTER ANY LOGIN');
    fc.assert(
      fc.property(
        fc.subarray(Object.keys(FIXED_ROLES)),
        fc.subarray(perms),
        fc.subarray(perms, { maxLength: 3 }),
        fc.constantFrom(...perms),
        (roles, grants, denies, asked) => {
          const sources = [{ grants, denies }, ...roles.map((r) => FIXED_ROLES[r]!)];
          const denied = sources.some((s) => (s.denies ?? []).some((d) => implied(d, asked)));
          const granted = sources.some((s) => (s.grants ?? []).some((g) => implied(g, asked)));
          const u = user({ roles, grants, denies });
          expect(effectivePermission(u, asked).allowed).toBe(!denied && granted);
          expect(effectivePermission(user({ roles: [...roles].reverse(), grants, denies }), asked).allowed).toBe(
            !denied && granted,
          );
        },
      ),
      { numRuns: 1000, seed: 1201 },
    );
  });
});
