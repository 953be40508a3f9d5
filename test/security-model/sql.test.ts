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
    const found = timeline!.events.find((e) => e.k === 'attack.sql-spray' && e.m?.ok)!;
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
    const attempts = timeline!.events.filter((e) => e.k === 'attack.sql-login').map((e) => [e.t / 60e6, e.r]);
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
      .timeline!.events.filter((e) => e.k === 'attack.sql-login')
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
    const logins = timeline!.events.filter((e) => e.k === 'attack.sql-login');
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
