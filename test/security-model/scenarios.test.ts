import { describe, expect, it } from 'vitest';
import { assertExpectations, runScenario } from '../../sim/index.js';
import { scenarioFile } from './helpers.js';

/** Golden security blocks (seed from each file): attempts, allowed, denied, violations, exposure, and per kind. */
const GOLDEN: Record<
  string,
  {
    total: [number, number, number, number];
    exposureUs: number;
    byKind: Record<string, [number, number, number, number]>;
  }
> = {
  'security-admin-boundary.yaml': {
    total: [25, 4, 21, 2],
    exposureUs: 120_000_000,
    byKind: { 'admin-login': [24, 3, 21, 2], 'jit-request': [1, 1, 0, 0] },
  },
  'security-closed-environment.yaml': {
    total: [23, 3, 20, 0],
    exposureUs: 0,
    byKind: { 'admin-login': [17, 2, 15, 0], 'create-account': [3, 0, 3, 0], 'jit-request': [3, 1, 2, 0] },
  },
  'security-compute-connectivity.yaml': { total: [47, 30, 17, 0], exposureUs: 0, byKind: { connect: [47, 30, 17, 0] } },
  'security-corpnet-acl.yaml': { total: [24, 10, 14, 0], exposureUs: 0, byKind: { connect: [24, 10, 14, 0] } },
  'security-misconfig-management.yaml': {
    total: [62, 27, 35, 15],
    exposureUs: 960_000_000,
    byKind: { connect: [62, 27, 35, 15] },
  },
  'security-misconfig-worker-port.yaml': {
    total: [150, 70, 80, 20],
    exposureUs: 615_000_000,
    byKind: { connect: [150, 70, 80, 20] },
  },
  'security-software-install.yaml': {
    total: [11, 7, 4, 0],
    exposureUs: 0,
    byKind: { build: [1, 1, 0, 0], install: [9, 5, 4, 0], release: [1, 1, 0, 0] },
  },
  'security-sql-auth.yaml': {
    total: [329, 9, 320, 1],
    exposureUs: 600_000_000,
    byKind: {
      'sql-brute-force': [300, 0, 300, 0],
      'sql-create-login': [4, 1, 3, 0],
      'sql-login': [9, 7, 2, 0],
      'sql-spray': [16, 1, 15, 1],
    },
  },
  'security-sql-auth-kinds.yaml': {
    total: [40, 5, 35, 0],
    exposureUs: 0,
    byKind: { 'sql-brute-force': [30, 0, 30, 0], 'sql-login': [10, 5, 5, 0] },
  },
  'security-sql-least-privilege.yaml': {
    total: [20, 18, 2, 1],
    exposureUs: 1_800_000_000,
    byKind: { 'sql-login': [20, 18, 2, 1] },
  },
  'security-sql-node-acl.yaml': { total: [41, 30, 11, 0], exposureUs: 0, byKind: { connect: [41, 30, 11, 0] } },
  'security-virus-scan.yaml': {
    total: [7, 4, 3, 0],
    exposureUs: 0,
    byKind: { build: [3, 2, 1, 0], release: [4, 2, 2, 0] },
  },
};

/** Scenarios whose configuration as written has a weakness the oracle finds (a weak password, an enabled account). */
const WEAK_BY_DESIGN = new Set(['security-sql-auth.yaml', 'security-admin-boundary.yaml']);

describe('security scenarios', () => {
  for (const [file, golden] of Object.entries(GOLDEN)) {
    it(`${file} meets its expectations and reports its security block`, () => {
      const { summary } = runScenario(scenarioFile(file), { record: false });
      expect(() => assertExpectations(summary)).not.toThrow();
      const s = summary.security;
      expect([s.attempts, s.allowed, s.denied, s.violations]).toEqual(golden.total);
      expect(s.exposureUs).toBe(golden.exposureUs);
      const byKind = Object.fromEntries(
        Object.entries(s.byKind).map(([k, t]) => [k, [t.attempts, t.allowed, t.denied, t.violations]]),
      );
      expect(byKind).toEqual(golden.byKind);
      for (const t of Object.values(s.byKind)) {
        // Every attempt is attributed to exactly one deciding rule.
        expect(Object.values(t.byRule).reduce((a, b) => a + b, 0)).toBe(t.attempts);
      }
    });
  }

  it('reports no violation in any correctly configured scenario and some in every misconfiguration scenario', () => {
    for (const file of Object.keys(GOLDEN)) {
      const sc = scenarioFile(file);
      const v = runScenario(sc, { record: false }).summary.security.violations;
      const misconfigured = sc.resolved.security!.traffic.some((t) => t.kind === 'misconfigure');
      if (misconfigured) expect(v, file).toBeGreaterThan(0);
      else if (!WEAK_BY_DESIGN.has(file)) expect(v, file).toBe(0);
      else expect(v, file).toBeGreaterThan(0);
    }
  });

  it('gives the same trace hash and summary with recording on and off, and run after run', () => {
    for (const file of ['security-misconfig-worker-port.yaml', 'security-sql-auth.yaml', 'security-virus-scan.yaml']) {
      const sc = scenarioFile(file);
      const on = runScenario(sc, { record: true });
      const off = runScenario(sc, { record: false });
      const again = runScenario(sc, { record: false });
      expect(off.summary).toEqual(on.summary);
      expect(again.summary.traceHash).toBe(on.summary.traceHash);
    }
  });

  it('records every attempt as attack.<kind> with its deciding rule and topic, and every violation after it', () => {
    const { timeline } = runScenario(scenarioFile('security-misconfig-worker-port.yaml'));
    const events = timeline!.events;
    const attacks = events.filter((e) => e.k === 'traffic.connect');
    expect(attacks.length).toBe(150);
    for (const e of attacks) {
      expect(e.r).toBeTruthy();
      expect(e.tp).toBe('compute-connectivity');
      expect(e.m?.ok).toBe(!/^(lb:|default:)/.test(e.r!));
    }
    const violations = events.filter((e) => e.k === 'traffic.connect.violation');
    expect(violations).toHaveLength(20);
    for (const v of violations) {
      expect(v.r).toBe('oracle:worker-unreachable');
      expect(events[v.c]!.k).toBe('traffic.connect');
      expect(events[v.c]!.m!.ok).toBe(true);
      expect(v.x).toContain('open-worker-port');
    }
  });

  it('lists the misconfiguration among the faults, recovered when it is reverted', () => {
    const { summary } = runScenario(scenarioFile('security-misconfig-management.yaml'), { record: false });
    const f = summary.faults.find((x) => x.id === 'mgmt-open')!;
    expect(f.kind).toBe('security.misconfig');
    expect(f.atUs).toBe(600_000_000);
    expect(f.ttrUs).toBe(900_000_000);
    expect(f.detectedBy).toBeNull();
  });
});
