import { describe, expect, it } from 'vitest';
import { Random } from '../../sim/engine/random.js';
import { runScenario } from '../../sim/index.js';
import { dictionary, generateCandidates } from '../../sim/model/security/index.js';
import { shop } from './helpers.js';

const logins = `
  sql:
    logins:
      - { name: app, password: "u9$Fh2Lk^Tq8Wz3n" }
      - { name: legacy, password: "Autumn2019!" }`;

describe('SQL Database authentication', () => {
  it('finds a weak password among generated guesses and never a strong one', () => {
    const sc = shop(
      `${logins}
  rules:
    sqlFirewall: { server: [{ name: everyone, startIp: 0.0.0.0, endIp: 255.255.255.255 }] }
  traffic:
    - { at: 1m, every: 1s, kind: sql-spray, from: internet, sources: 250, logins: [app, legacy], passwords: { generate: 2000 } }
`,
      '',
      '2h',
    );
    const { summary, timeline } = runScenario(sc);
    const spray = summary.security.byKind['sql-spray']!;
    expect(spray.violations).toBe(1);
    const found = timeline!.events.find((e) => e.k === 'traffic.sql-spray' && e.m?.ok)!;
    expect(found.s).toBe('sql:legacy');
    expect(found.x).toContain('"Autumn2019!"');
    // After legacy falls, the spray keeps going at app through the whole dictionary and fails.
    expect(spray.byRule['auth:password']).toBe(1);
    expect(spray.attempts).toBeGreaterThan(dictionary().length);
    expect(spray.byRule['dosguard:blocked'] ?? 0).toBe(0);
  });

  it('blocks a brute force from one address with DoSGuard; from many, nothing blocks it', () => {
    const attack = (sources: number) =>
      shop(`${logins}
  rules:
    sqlFirewall: { server: [{ name: everyone, startIp: 0.0.0.0, endIp: 255.255.255.255 }] }
  traffic:
    - { at: 1m, every: 1s, count: 60, kind: sql-brute-force, from: internet, sources: ${sources}, login: app, passwords: { generate: 60 } }
`);
    const one = runScenario(attack(1), { record: false }).summary.security.byKind['sql-brute-force']!;
    expect(one.byRule).toEqual({ 'auth:wrong-password': 10, 'dosguard:blocked': 50 });
    const many = runScenario(attack(20), { record: false }).summary.security.byKind['sql-brute-force']!;
    expect(many.byRule).toEqual({ 'auth:wrong-password': 60 });
  });

  it('applies a firewall change only after policies.sql.firewallDelay', () => {
    const sc = shop(
      `${logins}
  traffic:
    - { at: 10m, kind: misconfigure, id: open-fw, change: { sqlFirewall: { server: [{ name: oops, startIp: 0.0.0.0, endIp: 255.255.255.255 }] } } }
    - { at: 11m, every: 1m, count: 6, kind: sql-login, from: 203.0.113.9, login: app, password: "u9$Fh2Lk^Tq8Wz3n" }
`,
      'policies:\n  sql: { firewallDelay: 3m }',
    );
    const { timeline } = runScenario(sc);
    const attempts = timeline!.events.filter((e) => e.k === 'traffic.sql-login').map((e) => [e.t / 60e6, e.r]);
    expect(attempts).toEqual([
      [11, 'default:sql-firewall-deny'],
      [12, 'default:sql-firewall-deny'],
      [13, 'auth:password'],
      [14, 'auth:password'],
      [15, 'auth:password'],
      [16, 'auth:password'],
    ]);
    const applied = timeline!.events.find((e) => e.k === 'sql.firewall-applied')!;
    expect(applied.t).toBe(13 * 60e6);
    expect(applied.r).toBe('sql.firewallDelay=3m');
  });

  it('lets DENY override GRANT and requires a user in the database', () => {
    const sc = shop(`
  sql:
    logins:
      - { name: app, password: "u9$Fh2Lk^Tq8Wz3n" }
      - { name: auditor, password: "Q7#mZp2!vL9xKw4e" }
    users:
      - { login: app, database: db0, roles: [db_owner], denies: [DELETE] }
  rules:
    sqlFirewall: { server: [{ name: azure, startIp: 0.0.0.0, endIp: 0.0.0.0 }] }
  traffic:
    - { at: 1m, kind: sql-login, from: shop.web.0, login: app, password: "u9$Fh2Lk^Tq8Wz3n", permission: SELECT }
    - { at: 2m, kind: sql-login, from: shop.web.0, login: app, password: "u9$Fh2Lk^Tq8Wz3n", permission: DELETE }
    - { at: 3m, kind: sql-login, from: shop.web.0, login: auditor, password: "Q7#mZp2!vL9xKw4e", permission: SELECT }
    - { at: 4m, kind: sql-login, from: 203.0.113.9, login: app, password: "u9$Fh2Lk^Tq8Wz3n" }
`);
    const rules = runScenario(sc)
      .timeline!.events.filter((e) => e.k === 'traffic.sql-login')
      .map((e) => e.r);
    expect(rules).toEqual(['grant:db_owner', 'deny:user:app', 'auth:no-user-in-database', 'default:sql-firewall-deny']);
  });

  it('generates the same guesses for the same stream, common passwords first', () => {
    const a = generateCandidates(50, Random.root(1).fork('x'));
    const b = generateCandidates(50, Random.root(1).fork('x'));
    const c = generateCandidates(50, Random.root(2).fork('x'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[0]).toBe('123456');
    expect(new Set(a).size).toBe(50);
    expect(generateCandidates(1e6, Random.root(1)).length).toBe(dictionary().length);
  });
});

describe('SQL Database supports only SQL Server authentication', () => {
  const open = `${logins}
  rules:
    sqlFirewall: { server: [{ name: everyone, startIp: 0.0.0.0, endIp: 255.255.255.255 }] }`;

  it('refuses Windows and Entra logins by a named rule, even with the right password, and admits SQL ones', () => {
    const sc = shop(`${open}
  traffic:
    - { at: 1m, kind: sql-login, login: app, password: "u9$Fh2Lk^Tq8Wz3n" }
    - { at: 2m, kind: sql-login, login: app, password: "u9$Fh2Lk^Tq8Wz3n", authentication: sql }
    - { at: 3m, kind: sql-login, login: app, password: "u9$Fh2Lk^Tq8Wz3n", authentication: entra }
    - { at: 4m, kind: sql-login, login: 'CONTOSO\\svc', password: "", authentication: windows }
`);
    const { timeline } = runScenario(sc);
    const logins = timeline!.events.filter((e) => e.k === 'traffic.sql-login');
    expect(logins.map((e) => [e.r, e.m?.ok])).toEqual([
      ['auth:password', true],
      ['auth:password', true],
      ['auth:sql-authentication-only', false],
      ['auth:sql-authentication-only', false],
    ]);
    expect(logins[2]!.x).toContain('Microsoft Entra');
    expect(logins[3]!.x).toContain('Windows integrated');
  });

  it('does not count a refused kind of authentication towards DoSGuard (no password was tried)', () => {
    const attack = (authentication: string) =>
      shop(`${open}
  traffic:
    - { at: 1m, every: 1s, kind: sql-brute-force, from: 203.0.113.9, login: app, authentication: ${authentication}, passwords: { generate: 40 } }
`);
    const sql = runScenario(attack('sql'), { record: false }).summary.security.byKind['sql-brute-force']!;
    expect(sql.byRule['dosguard:blocked']).toBe(30);
    const win = runScenario(attack('windows'), { record: false }).summary.security.byKind['sql-brute-force']!;
    expect(win.byRule).toEqual({ 'auth:sql-authentication-only': 40 });
  });

  it('lets a denied/allowed expectation require the deciding rule, and fails it when another rule decided', () => {
    const sc = shop(
      `${open}
  traffic:
    - { at: 1m, kind: sql-login, from: 203.0.113.7, login: app, password: x, authentication: windows }
    - { at: 2m, kind: sql-login, from: 203.0.113.8, login: app, password: wrong }
`,
      `expect:
  - denied: { from: 203.0.113.7, to: app, rule: "auth:sql-authentication-only" }
  - denied: { from: "*", to: app, rule: "auth:sql-authentication-only" }
  - allowed: { from: 203.0.113.7, to: app, rule: "auth:sql-authentication-only" }`,
    );
    const r = runScenario(sc, { record: false }).summary.expectations;
    expect(r.map((e) => [e.passed, e.measured])).toEqual([
      [true, '1 of 1 denied, 0 by another rule'],
      [false, '2 of 2 denied, 1 by another rule'],
      [false, '1 of 1 denied, 0 by another rule'],
    ]);
    expect(r[1]!.atUs).toBe(120_000_000);
  });
});

describe('least privilege: users configured with the specific rights their purpose needs', () => {
  const users = `
  rules:
    sqlFirewall: { server: [{ name: everyone, startIp: 0.0.0.0, endIp: 255.255.255.255 }] }
  sql:
    logins:
      - { name: app, password: "u9$Fh2Lk^Tq8Wz3n" }
      - { name: etl, password: "eT1-load#Xw93kQ" }
      - { name: legacy, password: "L3gacy!xQ8#mZ2pW" }
    users:
      - { login: app, database: db0, purpose: read, roles: [db_datareader] }
      - { login: etl, database: db0, purpose: read-write, needs: [CREATE TABLE], roles: [db_datareader, db_datawriter, db_ddladmin] }
      - { login: legacy, database: db0, roles: [db_owner] }`;

  it('counts a declared user holding more than its purpose needs from the start, and never an undeclared purpose', () => {
    const { summary, timeline } = runScenario(shop(users));
    const notes = timeline!.events.filter((e) => e.k === 'sql.user-rights');
    expect(notes.map((e) => [e.s, e.r, e.c])).toEqual([['sql:etl', 'config:rights-beyond-purpose', -1]]);
    // db_ddladmin brings CREATE VIEW, PROCEDURE, FUNCTION, SCHEMA, ALTER ANY SCHEMA and REFERENCES besides the table.
    expect(notes[0]!.x).toContain('REFERENCES, CREATE VIEW');
    expect(notes[0]!.x).not.toContain('CREATE TABLE');
    const v = timeline!.events.filter((e) => e.k === 'traffic.sql-login.violation');
    expect(v.map((e) => [e.r, timeline!.events[e.c]!.k])).toEqual([['oracle:least-privilege', 'sql.user-rights']]);
    expect(summary.security.violations).toBe(1);
    expect(summary.security.exposureUs).toBe(3_600_000_000);
  });

  it('lets a misconfiguration change a user’s rights for a while: enforced at once, a violation while it lasts', () => {
    const sc =
      shop(`${users.replace('roles: [db_datareader, db_datawriter, db_ddladmin]', 'roles: [db_datareader, db_datawriter]')}
  traffic:
    - { id: app-owner, at: 10m, kind: misconfigure, duration: 15m, change: { sqlUsers: [{ login: app, roles: [db_owner] }] } }
    - { at: 5m, every: 10m, count: 3, kind: sql-login, from: 203.0.113.5, login: app, password: "u9$Fh2Lk^Tq8Wz3n", permission: DELETE }
`);
    const { summary, timeline } = runScenario(sc);
    const events = timeline!.events;
    const deletes = events.filter((e) => e.k === 'traffic.sql-login').map((e) => [e.t / 60e6, e.r]);
    expect(deletes).toEqual([
      [5, 'default:no-grant'],
      [15, 'grant:db_owner'],
      [25, 'default:no-grant'],
    ]);
    const note = events.find((e) => e.k === 'sql.user-rights')!;
    expect(events[note.c]!.k).toBe('fault.start');
    expect(note.t).toBe(600_000_000);
    expect(summary.security.byKind['sql-login']!.violations).toBe(1);
    expect(summary.security.exposureUs).toBe(15 * 60e6);
    const fault = summary.faults.find((f) => f.id === 'app-owner')!;
    expect([fault.kind, fault.target, fault.ttrUs]).toEqual(['security.misconfig', 'rights of app in db0', 15 * 60e6]);
  });

  it('refuses rights changes outside a misconfiguration, for undeclared users, and unknown purposes', () => {
    const fail = (security: string): string => {
      try {
        shop(security);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(
      fail(`${users}\n  traffic: [{ at: 1m, kind: misconfigure, change: { sqlUsers: [{ login: nobody }] } }]`),
    ).toMatch(/security\.traffic\[0\]\.change\.sqlUsers\[0\]\.login: login "nobody" has no declared user in db0/);
    expect(fail(users.replace('  sql:', '    sqlUsers: [{ login: app, roles: [db_owner] }]\n  sql:'))).toMatch(
      /security\.rules\.sqlUsers: declare database users and their rights under security\.sql\.users/,
    );
    expect(fail(users.replace('purpose: read,', 'purpose: reader,'))).toMatch(/security\.sql\.users\[0\]\.purpose/);
    expect(fail(users.replace('needs: [CREATE TABLE]', 'needs: [CREATE TABEL]'))).toMatch(
      /security\.sql\.users\[1\]\.needs\[0\]: unknown database permission "CREATE TABEL"/,
    );
  });
});
