/**
 * `run` and `check` on small scenarios that the runner executes for real.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { viewerCommand } from '../../sim/cli/viewer.js';
import { cli, FIXTURES, lines } from './helpers.js';

const PASS = join(FIXTURES, 'pass.yaml');
const FAIL = join(FIXTURES, 'fail.yaml');

describe('fabricsim run', () => {
  it('prints a readable summary: scenario, seed, trace hash, faults, availability, expectations', async () => {
    const r = await cli('run', PASS);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out).toContain(`cli-pass (${PASS})`);
    expect(out).toMatch(/seed 7 · trace [0-9a-f]{16} · [\d,]+ events · 1h simulated in [\d.]+ s wall/);
    expect(out).toMatch(/Faults \(1\)\n\s+id\s+kind\s+target\s+at\s+detected \(by\)\s+TTD\s+TTR/);
    expect(out).toMatch(/crash1\s+node\.crash\s+c0-r0-n1\s+10m\s+\S+ \(fc\)/);
    expect(out).toMatch(/Availability\n\s+role\s+instances\s+running\s+served/);
    expect(out).toContain('shop.web');
    expect(out).toMatch(/Expectations \(2 of 2 hold\)/);
    expect(out).toMatch(/✓\s+recovered crash1/);
  });

  it('names the images each VM and node runs and the image violations, only when the scenario has images', async () => {
    const r = await cli('run', join('scenarios', 'os-images.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Images: 2 violations (1h27m on a wrong image); VMs guest-web-2026.11+os-dec ×2, guest-worker-2026.11+os-dec ×2; hosts host-2026.11 ×6',
    );
    expect((await cli('run', PASS)).stdout).not.toContain('Images:');
  });

  it('--json prints exactly one JSON object, the run summary', async () => {
    const r = await cli('run', PASS, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ scenario: 'cli-pass', seed: 7 });
    expect(summary.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(summary.faults[0]).toMatchObject({ id: 'crash1', kind: 'node.crash', target: 'c0-r0-n1' });
  });

  it('--seed changes the seed; the same seed gives the same trace hash', async () => {
    const a = JSON.parse((await cli('run', PASS, '--json', '--seed', '11')).stdout);
    const b = JSON.parse((await cli('run', PASS, '--json', '--seed', '11')).stdout);
    expect(a.seed).toBe(11);
    expect(a.traceHash).toBe(b.traceHash);
  });

  it('--until stops early', async () => {
    const r = JSON.parse((await cli('run', PASS, '--json', '--until', '5m')).stdout);
    expect(r.faults).toHaveLength(0);
  });

  it('records timelines that diff finds identical for the same seed and different for another', async () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'fabricsim-run-'));
    try {
      const [a, b, c] = ['a', 'b', 'c'].map((n) => join(dir, `${n}.timeline.json`)) as [string, string, string];
      expect((await cli('run', PASS, '--out', a)).code).toBe(0);
      expect((await cli('run', PASS, '--out', b)).code).toBe(0);
      expect((await cli('run', PASS, '--seed', '8', '--out', c)).code).toBe(0);
      expect((await cli('diff', a, b)).stdout).toMatch(/^identical \(hash [0-9a-f]{16}, [\d,]+ events\)\n$/);
      expect((await cli('diff', a, c)).code).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fabricsim check', () => {
  it('exits 0 when every expectation holds, with a pass/fail table', async () => {
    const r = await cli('check', PASS);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = lines(r.stdout);
    expect(out[0]).toMatch(/^scenario\s+expectation\s+measured\s+bound\s+result$/);
    expect(out.filter((l) => l.startsWith(PASS))).toHaveLength(2);
    expect(out.at(-1)).toBe('1 scenario, 2 expectations: 2 passed, 0 failed');
  });

  it('exits 1 when one fails, and prints the command that opens the failing moment in the viewer', async () => {
    const r = await cli('check', FAIL);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/recovered crash1 within 1m\s+.*✗ FAILED/);
    expect(r.stdout).toContain('2 expectations: 1 passed, 1 failed');
    const command = lines(r.stdout)
      .find((l) => l.includes('npx fabricsim run'))!
      .trim();
    expect(command).toMatch(
      /^npx fabricsim run test\/cli\/fixtures\/fail\.yaml --seed 7 --out \S+\/fail-7\.timeline\.json && npx fabricsim serve --timeline \S+\/fail-7\.timeline\.json --at \d+ --tour failure$/,
    );
  });

  it('runs the scenarios of a folder, skipping "_" bases, in name order', async () => {
    const r = await cli('check', FIXTURES);
    expect(r.code).toBe(1);
    const files = lines(r.stdout)
      .map((l) => l.split(/\s+/)[0])
      .filter((f) => f?.startsWith(FIXTURES));
    expect([...new Set(files)]).toEqual([FAIL, PASS]);
  });

  it('a user error wins over a failed expectation: exit 2, other files still checked', async () => {
    const r = await cli('check', FAIL, join(FIXTURES, 'missing.yaml'), PASS);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      `fabricsim: cannot read ${join(FIXTURES, 'missing.yaml')}: no such file or directory`,
    ]);
    expect(r.stdout).toContain('2 scenarios, 4 expectations: 3 passed, 1 failed, 1 file with errors');
  });

  it('an empty folder is a user error', async () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'fabricsim-empty-'));
    try {
      const r = await cli('check', dir);
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toEqual([`fabricsim: no scenario files (.yaml, .yml, .json) in ${dir}`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('viewerCommand', () => {
  it('re-runs with the seed, records the timeline and opens the viewer at the moment', () => {
    const cmd = viewerCommand('scenarios/node crash.yaml', 42, 615_000_000);
    const timeline = join(tmpdir(), 'node crash-42.timeline.json');
    expect(cmd).toBe(
      `npx fabricsim run 'scenarios/node crash.yaml' --seed 42 --out '${timeline}' && npx fabricsim serve --timeline '${timeline}' --at 615000000 --tour failure`,
    );
  });

  it('leaves out --at when there is no moment', () => {
    expect(viewerCommand('a.yaml', 1, null)).not.toContain('--at');
  });
});
