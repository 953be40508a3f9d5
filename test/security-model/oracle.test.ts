import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkPassword,
  DATABASE_PERMISSIONS,
  effectivePermission,
  FIXED_DATABASE_ROLE_NAMES,
  type Permission,
  SQL_PURPOSES,
} from '../../sim/auth/index.js';
import { runScenario } from '../../sim/index.js';
import { parseAddress } from '../../sim/network/address.js';
import { built, shop } from './helpers.js';

const base = shop(`
  sql:
    nodes: 3
  access:
    admins: [{ account: alice, kind: live-support-admin }]
  software:
    approved: [monitoring-agent]
`);

describe('PolicyOracle', () => {
  const { model } = built(base);
  const { oracle, eps } = model;
  const internet = eps.at(parseAddress('203.0.113.7'));
  const corp = eps.at(parseAddress('198.51.100.77'));
  const web0 = eps.byName('shop.web.0');
  const worker0 = eps.byName('shop.worker.0');

  it('forbids any outside flow to a worker role, and undeclared ports on a web role', () => {
    expect(oracle.judgeFlow(internet, worker0, 8080)).toBe('worker-unreachable');
    expect(oracle.judgeFlow(corp, worker0, 9000)).toBe('worker-unreachable');
    expect(oracle.judgeFlow(internet, web0, 80)).toBeNull();
    expect(oracle.judgeFlow(internet, web0, 22)).toBe('declared-ports-only');
  });

  it('allows role instances to reach declared internal endpoints only', () => {
    expect(oracle.judgeFlow(web0, worker0, 9000)).toBeNull();
    expect(oracle.judgeFlow(web0, worker0, 3389)).toBe('declared-ports-only');
  });

  it('lets only corporate ranges reach the management endpoint', () => {
    const mgmt = eps.byName('management:c0');
    expect(oracle.judgeFlow(corp, mgmt, 19000)).toBeNull();
    expect(oracle.judgeFlow(internet, mgmt, 19000)).toBe('management-corpnet-only');
    expect(oracle.judgeFlow(eps.at(parseAddress('2001:db8:c0::5')), mgmt, 19000)).toBeNull();
  });

  it('keeps SQL nodes to each other on the cluster ports, hosts to their FC, and VLANs apart', () => {
    const n0 = eps.byName('sql:node0');
    const n1 = eps.byName('sql:node1');
    expect(oracle.judgeFlow(n0, n1, 5022)).toBeNull();
    expect(oracle.judgeFlow(n0, n1, 3389)).toBe('sql-nodes-isolated');
    expect(oracle.judgeFlow(web0, n1, 5022)).toBe('sql-nodes-isolated');
    expect(oracle.judgeFlow(eps.byName('sql:gateway'), n1, 11000)).toBeNull();
    const host = eps.byName('c0-r0-n0');
    expect(oracle.judgeFlow(eps.byName('fc:c0'), host, 10101)).toBeNull();
    expect(oracle.judgeFlow(web0, host, 10101)).toBe('hosts-closed');
    expect(oracle.judgeFlow(web0, eps.byName('fc:c0'), 19001)).toBe('vlan-isolation');
    expect(oracle.judgeFlow(internet, eps.byName('fc:c0'), 19001)).toBe('fabric-internal');
  });

  it('finds the rights a database user holds beyond what its purpose needs', () => {
    const none = { roles: [], grants: [], denies: [] };
    expect(oracle.excessRights({ ...none, roles: ['db_datareader'] }, SQL_PURPOSES.read)).toEqual([]);
    expect(oracle.excessRights({ ...none, roles: ['db_datareader', 'db_datawriter'] }, SQL_PURPOSES.read)).toEqual([
      'INSERT',
      'UPDATE',
      'DELETE',
    ]);
    // DENY takes away what a role grants; CONTROL holds everything; what a needed right implies is needed too.
    expect(
      oracle.excessRights(
        { roles: ['db_datareader', 'db_datawriter', 'db_denydatawriter'], grants: [], denies: [] },
        SQL_PURPOSES.read,
      ),
    ).toEqual([]);
    expect(oracle.excessRights({ ...none, roles: ['db_owner'] }, SQL_PURPOSES['read-write'])).toHaveLength(
      DATABASE_PERMISSIONS.length - 5,
    );
    expect(oracle.excessRights({ ...none, grants: ['ALTER'] }, ['ALTER'])).toEqual([]);
    expect(oracle.excessRights({ ...none, grants: ['ALTER'] }, ['CREATE TABLE'])).toContain('ALTER');
  });

  it('reads held rights as the permission engine enforces them (own reading, same answer)', () => {
    const perm = fc.constantFrom(...DATABASE_PERMISSIONS);
    fc.assert(
      fc.property(
        fc.subarray([...FIXED_DATABASE_ROLE_NAMES]),
        fc.array(perm, { maxLength: 4 }),
        fc.array(perm, { maxLength: 2 }),
        (roles, grants, denies) => {
          const held = oracle.excessRights({ roles, grants, denies }, []);
          const engine = DATABASE_PERMISSIONS.filter(
            (p) => effectivePermission({ name: 'u', roles, grants, denies }, p as Permission).allowed,
          );
          expect(held).toEqual(engine);
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('judges logins, accounts, installations, admin access and deployments by the documented policy', () => {
    expect(oracle.judgeSqlLogin(true, true)).toBe('no-guessed-sql-login');
    expect(oracle.judgeSqlLogin(false, true)).toBeNull();
    expect(oracle.judgeInstall('monitoring-agent', true)).toBeNull();
    expect(oracle.judgeInstall('crypto-miner', true)).toBe('approved-software-only');
    // A guest VM is the customer's: the host OS manifest does not bind it.
    expect(oracle.judgeInstall('crypto-miner', false)).toBeNull();
    expect(oracle.judgeAccountCreated()).toBe('no-user-accounts');
    const saw = parseAddress('198.51.100.3');
    const ok = {
      account: 'alice',
      mfa: true,
      src: saw,
      breakGlass: false,
      jit: { approvedAtUs: 0, durationUs: 8 * 3600e6 },
      nowUs: 10,
    };
    expect(oracle.judgeAdminLogin(ok)).toBeNull();
    expect(oracle.judgeAdminLogin({ ...ok, mfa: false })).toBe('admin-access');
    expect(oracle.judgeAdminLogin({ ...ok, src: parseAddress('198.51.100.200') })).toBe('admin-access');
    expect(oracle.judgeAdminLogin({ ...ok, account: 'mallory' })).toBe('admin-access');
    expect(oracle.judgeAdminLogin({ ...ok, jit: null })).toBe('admin-access');
    expect(oracle.judgeAdminLogin({ ...ok, jit: null, breakGlass: true })).toBeNull();
    expect(oracle.judgeAdminLogin({ ...ok, nowUs: 8 * 3600e6 })).toBe('admin-access');
    expect(oracle.judgeDeploy({ infected: true, scannedClean: true, approved: true })).toBe('no-infected-deployment');
    expect(oracle.judgeDeploy({ infected: false, scannedClean: false, approved: true })).toBe(
      'clean-scan-before-release',
    );
    expect(oracle.judgeDeploy({ infected: false, scannedClean: true, approved: false })).toBe('approved-releases-only');
  });

  it('agrees with the password policy engine on random passwords, though written apart from it', () => {
    const chars = fc.constantFrom(...'aZ9!bY8?sa-admin é'.split(''));
    fc.assert(
      fc.property(
        fc.string({ unit: chars, maxLength: 20 }),
        fc.constantFrom('app', 'sa', 'admin', 'reporting'),
        (pw, login) => {
          expect(oracle.judgeLoginCreated(login, pw) === null).toBe(checkPassword(login, pw).ok);
        },
      ),
      { numRuns: 500, seed: 5 },
    );
  });
});

describe('the oracle judges outcomes, not the rules', () => {
  it('flags a flow that the misconfigured rules admitted', () => {
    const sc = shop(`
  traffic:
    - id: vlan-hole
      at: 1m
      kind: misconfigure
      duration: 5m
      change: { vlanAllow: ["main->fc"] }
    - { at: 2m, kind: connect, from: shop.worker.1, to: "fc:c0", port: 19001 }
    - { at: 10m, kind: connect, from: shop.worker.1, to: "fc:c0", port: 19001 }
`);
    const { summary, timeline } = runScenario(sc);
    const attempts = timeline!.events.filter((e) => e.k === 'traffic.connect');
    expect(attempts.map((e) => [e.r, e.m!.ok])).toEqual([
      ['vlan-override:main->fc', true],
      ['vlan:main->fc', false],
    ]);
    const v = timeline!.events.find((e) => e.k === 'traffic.connect.violation')!;
    expect(v.r).toBe('oracle:vlan-isolation');
    expect(v.c).toBe(timeline!.events.indexOf(attempts[0]!));
    expect(summary.security.violations).toBe(1);
    expect(summary.security.exposureUs).toBe(60_000_000);
  });

  it('flags a weak login the policy let through while it was switched off, and the guess that found it', () => {
    const sc = shop(`
  sql:
    logins: [{ name: ops, password: "Xk2#vPq9-Lm4!zR", roles: [loginmanager] }]
  rules:
    sqlFirewall: { server: [{ name: all, startIp: 0.0.0.0, endIp: 255.255.255.255 }] }
  traffic:
    - { at: 1m, kind: misconfigure, id: policy-off, duration: 10m, change: { passwordPolicy: false } }
    - { at: 2m, kind: sql-create-login, as: ops, login: temp, password: "temp1234" }
    - { at: 20m, kind: sql-create-login, as: ops, login: temp2, password: "temp1234" }
    - { at: 30m, every: 1s, kind: sql-brute-force, from: 203.0.113.5, login: temp, passwords: ["123456", "password", "temp1234"] }
`);
    const s = runScenario(sc, { record: false }).summary.security;
    expect(s.byKind['sql-create-login']).toMatchObject({ attempts: 2, allowed: 1, denied: 1, violations: 1 });
    expect(s.byKind['sql-create-login']!.byRule).toEqual({
      'config:password-policy-off': 1,
      'password:too-few-categories': 1,
    });
    expect(s.byKind['sql-brute-force']).toMatchObject({ attempts: 3, allowed: 1, violations: 1 });
  });
});
