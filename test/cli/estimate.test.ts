import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

const DIR = join('test', 'estimate', 'fixtures');
const FILE = join(DIR, 'sql-2-of-3.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'fabricsim-estimate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fabricsim estimate', () => {
  it('prints the estimate, its interval, the MTTF, the downtime and what it cost', async () => {
    const r = await cli('estimate', FILE, '--event', 'replicasDown(db0) >= 2', '--runs', '3', '--effort', '100');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^event {7}replicasDown\(db0\) >= 2/);
    for (const label of ['estimate', 'hits', 'MTTF', 'downtime', 'spent']) expect(r.stdout).toContain(`\n${label}`);
    expect(r.stdout).toMatch(/95% interval \[/);
  });

  it('--json gives the same figures as one object, and the same seed gives the same answer', async () => {
    const args = ['estimate', FILE, '--event', 'replicasDown(db0) >= 2', '--runs', '3', '--effort', '100', '--json'];
    const a = JSON.parse((await cli(...args)).stdout);
    const b = JSON.parse((await cli(...args)).stdout);
    expect(a).toEqual(b);
    expect(a.method).toBe('splitting');
    expect(a.replications).toBe(3);
    expect(a.runs).toBe(600);
    expect(a.estimate).toBeGreaterThan(0);
    expect(a.interval.low).toBeLessThanOrEqual(a.estimate);
    expect(a.events).toBeGreaterThan(0);
  });

  it('shards merge into exactly the unsharded estimate', async () => {
    const base = ['estimate', FILE, '--event', 'replicasDown(db0) >= 2', '--runs', '4', '--effort', '60'];
    const whole = JSON.parse((await cli(...base, '--json')).stdout);
    const parts = [0, 1].map((i) => join(tmp, `part${i}.json`));
    for (const [i, p] of parts.entries()) {
      const r = await cli(...base, '--shard', `${i}/2`, '--out', p);
      expect(r.code).toBe(0);
      expect(JSON.parse(readFileSync(p, 'utf8')).replications).toHaveLength(2);
    }
    const merged = JSON.parse((await cli('estimate', '--merge', ...parts, '--json')).stdout);
    expect(merged).toEqual(whole);
  });

  it('crude with no hit gives the rule-of-three bound', async () => {
    const r = await cli(
      'estimate',
      FILE,
      '--event',
      'replicasDown(db0) >= 3',
      '--method',
      'crude',
      '--runs',
      '1',
      '--effort',
      '300',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('p ≤ 0.01 at 95% (rule of three)');
  });

  it('stops at the target relative error', async () => {
    const r = await cli(
      'estimate',
      FILE,
      '--event',
      'replicasDown(db0) >= 1',
      '--method',
      'crude',
      '--relative-error',
      '0.05',
      '--effort',
      '200',
      '--json',
    );
    const j = JSON.parse(r.stdout);
    expect(j.relativeError).toBeLessThanOrEqual(0.05);
    expect(j.stoppedBy).toBe('relative-error');
  });

  it('mistakes are one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['estimate', FILE, '--event', 'replicasDown(db0) >= '], /--event: column 22: expected a number/],
      [['estimate', FILE, '--event', 'replicaDown(db0) >= 2'], /did you mean "replicasDown"/],
      [['estimate', FILE, '--event', 'replicasDown(db9) >= 2'], /no SQL database matches "db9"/],
      [['estimate', FILE], /missing --event/],
      [['estimate', FILE, '--event', 'violations > 0', '--method', 'fast'], /--method: expected crude or splitting/],
      [['estimate', FILE, '--event', 'violations > 0', '--shard', '0/2'], /--shard needs --runs/],
      [['estimate', FILE, '--event', 'violations > 0', '--runs', '2', '--relative-error', '0.1'], /not both/],
      [['estimate', FILE, '--event', 'violations > 0', '--importance', 'violations'], /--importance needs --levels/],
      [['estimate', '--merge', FILE], /not JSON|not an estimate file/],
      [
        ['estimate', FILE, '--event', 'replicasDown(db0) >= 3', '--runs', '1000000', '--effort', '10000000'],
        /more than any machine could run/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
  });
});

describe('fabricsim check with probability expectations', () => {
  it('passes when the bound is far above the probability, and says after how many replications', async () => {
    const r = await cli('check', join(DIR, 'probability-pass.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/P\(replicasDown\(db0\) >= 3\) at most 0.001 .* after 8 replications .*✓/);
  });

  it('fails when the probability is far above the bound', async () => {
    const r = await cli('check', join(DIR, 'probability-fail.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ FAILED');
  });

  it('an error in the event names the file and the path, exit 2', async () => {
    const r = await cli('check', join(DIR, 'probability-bad-event.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/probability-bad-event.yaml: expect\[0\]\.probability\.event: column 21:/);
  });
});
