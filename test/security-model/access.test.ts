import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/index.js';
import { shop } from './helpers.js';

const admins = `
  access:
    admins: [{ account: alice, kind: live-support-admin }]`;

describe('the closed environment, misconfigured', () => {
  it('admits a login without MFA while MFA is not required, names the switch, and the oracle flags it', () => {
    const sc = shop(`${admins}
  traffic:
    - { at: 1m, kind: jit-request, account: alice }
    - { at: 5m, kind: misconfigure, id: no-mfa, duration: 10m, change: { requireMfa: false } }
    - { at: 2m, kind: admin-login, account: alice, target: c0-r0-n0, mfa: false }
    - { at: 6m, kind: admin-login, account: alice, target: c0-r0-n0, mfa: false, hold: 20m }
    - { at: 7m, kind: admin-login, account: alice, target: c0-r0-n0, mfa: true }
    - { at: 20m, kind: admin-login, account: alice, target: c0-r0-n0, mfa: false }
`);
    const { summary, timeline } = runScenario(sc);
    const logins = timeline!.events.filter((e) => e.k === 'traffic.admin-login').map((e) => [e.t / 60e6, e.r]);
    expect(logins).toEqual([
      [2, 'access:mfa-required'],
      [6, 'config:mfa-not-required'],
      [7, 'access:jit'],
      [20, 'access:mfa-required'],
    ]);
    expect(summary.security.byKind['admin-login']!.violations).toBe(1);
    // The session admitted at 6 m stays open for its 20 m hold, past the revert at 15 m.
    expect(summary.security.exposureUs).toBe(20 * 60e6);
  });

  it('lets the built-in administrator in when it is enabled, and accounts be created when they are allowed', () => {
    const sc = shop(`${admins}
  traffic:
    - { at: 1m, kind: misconfigure, id: open-door, duration: 5m, change: { defaultAdminEnabled: true, localAccounts: true } }
    - { at: 2m, kind: admin-login, account: Administrator, accountKind: default-admin, target: c0-r1-n1, from: corpnet }
    - { at: 2m, kind: admin-login, account: Administrator, accountKind: default-admin, target: c0-r1-n1, from: internet }
    - { at: 3m, kind: create-account, account: helper, target: shop.web.0 }
    - { at: 10m, kind: create-account, account: helper, target: shop.web.0 }
`);
    const s = runScenario(sc, { record: false }).summary.security;
    // From corpnet the boundary admits the session and the enabled account lets it in; from the internet the
    // boundary refuses it before any account is looked at.
    expect(s.byKind['admin-login']).toEqual({
      attempts: 2,
      allowed: 1,
      denied: 1,
      violations: 1,
      byRule: { 'config:default-admin-enabled': 1, 'list:boundary-c0:others-to-management': 1 },
    });
    expect(s.byKind['create-account']).toMatchObject({
      attempts: 2,
      violations: 1,
      byRule: { 'config:local-accounts-allowed': 1, 'access:no-local-accounts': 1 },
    });
  });

  it('installs unapproved software while the manifest is not enforced', () => {
    const sc = shop(`
  software: { approved: [host-agent] }
  traffic:
    - { at: 1m, kind: misconfigure, id: lax, duration: 5m, change: { enforceManifest: false } }
    - { at: 2m, kind: install, target: "c0-r0-*", software: debugger }
    - { at: 10m, kind: install, target: "c0-r0-*", software: debugger }
    - { at: 11m, kind: install, target: "c0-r0-*", software: host-agent }
`);
    const t = runScenario(sc, { record: false }).summary.security.byKind.install!;
    expect(t).toMatchObject({ attempts: 6, allowed: 4, denied: 2, violations: 2 });
    expect(t.byRule).toEqual({
      'config:manifest-not-enforced': 2,
      'hostos:in-manifest': 2,
      'hostos:not-in-manifest': 2,
    });
  });
});

describe('admin logins cross the network first', () => {
  it('refuses an internet session at the boundary before any account check, whatever the account', () => {
    const sc = shop(`${admins}
  rules: { defaultAdminEnabled: true, requireMfa: false, requireSaw: false, requireJit: false }
  traffic:
    - { at: 1m, kind: admin-login, account: Administrator, accountKind: default-admin, target: "c0-r0-n0", from: internet }
    - { at: 2m, kind: admin-login, account: alice, target: shop.web.1, from: internet, mfa: false }
    - { at: 3m, kind: admin-login, account: alice, target: c0-r0-n0, from: corpnet, mfa: false }
    - { at: 4m, kind: admin-login, account: Administrator, accountKind: default-admin, target: c0-r0-n0, from: shop.web.0 }
`);
    const { summary, timeline } = runScenario(sc);
    const logins = timeline!.events
      .filter((e) => e.k === 'traffic.admin-login')
      .map((e) => [e.t / 60e6, e.r, e.m?.to, e.m?.ok]);
    expect(logins).toEqual([
      [1, 'list:boundary-c0:others-to-management', 'fc:c0/mgmt', false],
      [2, 'list:boundary-c0:others-to-management', 'fc:c0/mgmt', false],
      // corpnet reaches the management endpoint; with every switch off alice gets in (the last switch is named).
      [3, 'config:saw-not-required', 'ha:c0-r0-n0', true],
      // A guest VM cannot open a connection to the FC VLAN, where the management endpoint lives.
      [4, expect.stringMatching(/^vlan:/), 'fc:c0/mgmt', false],
    ]);
    expect(summary.security.byKind['admin-login']!.allowed).toBe(1);
  });

  it('lets an internet session reach the account checks only while the management endpoint is opened to it', () => {
    const sc = shop(`${admins}
  rules: { defaultAdminEnabled: true }
  traffic:
    - { at: 5m, kind: misconfigure, id: mgmt-open, duration: 10m, change: { managementSources: ["*"] } }
    - { at: 1m, every: 5m, count: 4, kind: admin-login, account: Administrator, accountKind: default-admin, target: c0-r0-n0, from: internet }
`);
    const { summary, timeline } = runScenario(sc);
    const rules = timeline!.events.filter((e) => e.k === 'traffic.admin-login').map((e) => e.r);
    expect(rules).toEqual([
      'list:boundary-c0:others-to-management',
      'config:default-admin-enabled',
      'config:default-admin-enabled',
      'list:boundary-c0:others-to-management',
    ]);
    expect(summary.security.byKind['admin-login']!.violations).toBe(2);
  });
});

describe('host OS and guest OS', () => {
  it('refuses unapproved software on a host, and installs and audits anything in a customer’s guest VM', () => {
    const sc = shop(`
  software: { approved: [host-agent] }
  traffic:
    - { at: 1m, kind: install, target: c0-r0-n0, software: crypto-miner }
    - { at: 2m, kind: install, target: shop.web.0, software: crypto-miner }
    - { at: 3m, kind: install, target: shop.worker.1, software: host-agent }
`);
    const { summary, timeline } = runScenario(sc);
    const events = timeline!.events;
    const installs = events.filter((e) => e.k === 'traffic.install').map((e) => [e.s, e.r]);
    expect(installs).toEqual([
      ['c0-r0-n0', 'hostos:not-in-manifest'],
      ['shop.web.0', 'guestos:customer-vm'],
      ['shop.worker.1', 'guestos:customer-vm'],
    ]);
    const audits = events.filter((e) => e.k === 'audit.install');
    expect(audits.map((e) => [e.s, events[e.c]!.k, events[e.c]!.s])).toEqual([
      ['shop.web.0', 'traffic.install', 'shop.web.0'],
      ['shop.worker.1', 'traffic.install', 'shop.worker.1'],
    ]);
    expect(summary.security.byKind.install).toMatchObject({ attempts: 3, allowed: 2, denied: 1, violations: 0 });
  });
});
