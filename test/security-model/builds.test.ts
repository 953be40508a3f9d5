import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/index.js';
import { shop } from './helpers.js';

const pipeline = (builds: string, traffic: string, duration = '4h') =>
  shop(
    `
  builds:
${builds}
    scanTime: 5m
    approvalTime: 10m
    stages: [{ name: canary, soak: 30m }, { name: pilot, soak: 30m }, { name: broad, soak: 30m }]
  traffic:
${traffic}
`,
    `expect:\n  - never: { deployed: infected }`,
    duration,
  );

describe('builds and releases', () => {
  it('lets an infection slip through scans with probability (1 − detection)^scans', () => {
    const scenarios = [1, 2].map((scans) =>
      pipeline(
        `    scans: ${scans}\n    detection: 0.5`,
        '    - { at: 1m, kind: build, id: b, infected: true }',
        '30m',
      ),
    );
    const run = (scans: number, seed: number) => runScenario(scenarios[scans - 1]!, { seed, record: false }).summary;
    const seeds = Array.from({ length: 120 }, (_, i) => i + 1);
    const slipped = (scans: number) =>
      seeds.filter((seed) => run(scans, seed).security.byKind.release?.violations === 1).length / seeds.length;
    const one = slipped(1);
    const two = slipped(2);
    // Binomial(120, 0.5) and (120, 0.25): 4 standard deviations either side.
    expect(one).toBeGreaterThan(0.31);
    expect(one).toBeLessThan(0.69);
    expect(two).toBeGreaterThan(0.09);
    expect(two).toBeLessThan(0.41);
    const s = run(1, seeds.find((seed) => run(1, seed).security.violations === 1)!);
    expect(s.expectations[0]!.passed).toBe(false);
    expect(s.security.byKind.release!.byRule).toEqual({ 'cab:approved': 1 });
  });

  it('releases a frozen build when the clean-scan gate is misconfigured off, and the oracle flags it', () => {
    const { summary, timeline } = runScenario(
      pipeline(
        '    detection: 1',
        `    - { at: 1m, kind: misconfigure, id: gate-off, duration: 1h, change: { requireCleanScan: false } }
    - { at: 2m, kind: build, id: rogue, infected: true }
    - { at: 2h, kind: release, build: rogue }`,
      ),
    );
    const rel = summary.security.byKind.release!;
    expect(rel.byRule).toEqual({ 'config:clean-scan-not-required': 1, 'release:frozen': 1 });
    expect(rel.violations).toBe(1);
    const v = timeline!.events.find((e) => e.k === 'traffic.release.violation')!;
    expect(v.r).toBe('oracle:no-infected-deployment');
    expect(summary.expectations[0]).toMatchObject({ passed: false, measured: '1 deployed' });
    // Deployed for good: exposure runs from the first stage to the end of the run.
    expect(summary.security.exposureUs).toBe(4 * 3600e6 - v.t);
  });

  it('rolls back a build that fails its health check and ends its exposure there', () => {
    const { summary, timeline } = runScenario(
      pipeline('    detection: 0', '    - { at: 1m, kind: build, id: bad, infected: true, failing: true }'),
    );
    const kinds = timeline!.events.filter((e) => e.s === 'bad').map((e) => e.k);
    expect(kinds).toEqual([
      'build.submit',
      'build.scan',
      'traffic.build',
      'release.request',
      'traffic.release',
      'release.stage',
      'traffic.release.violation',
      'release.health',
      'release.rollback',
    ]);
    expect(summary.security.exposureUs).toBe(30 * 60e6);
  });

  it('needs change approval: a refused change never deploys; without approval required, the release is a violation', () => {
    const refused = runScenario(pipeline('    detection: 1', '    - { at: 1m, kind: build, id: b1, approve: false }'), {
      record: false,
    }).summary.security.byKind.release!;
    expect(refused.byRule).toEqual({ 'cab:rejected': 1 });
    const bypass = runScenario(
      pipeline(
        '    detection: 1',
        `    - { at: 0s, kind: misconfigure, id: no-cab, change: { requireApproval: false } }
    - { at: 1m, kind: build, id: b2 }`,
      ),
      { record: false },
    ).summary.security.byKind.release!;
    expect(bypass).toMatchObject({ allowed: 1, violations: 1, byRule: { 'config:approval-not-required': 1 } });
  });
});
