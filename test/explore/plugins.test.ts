/**
 * Policy modules (plug-ins) in `shrink`, `explore` and `estimate`: a scenario whose FC detector comes from a module
 * file is shrunk, explored (in process and on worker threads) and estimated with the module loaded, and a written
 * counterexample names the module by a path that still finds it from the counterexample's own folder.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ExploreDeps, exploreCommand } from '../../sim/cli/explore/command.js';
import type { CliIO } from '../../sim/cli/io.js';
import { rebasePolicyModules } from '../../sim/cli/plugins.js';
import { cli } from '../cli/helpers.js';
import { TS_WORKER } from '../sweep/support/io.js';

const FIXTURE = join('test', 'fixtures', 'plugin-detector-fails.yaml');
const MODULE = resolve('scenarios', 'plugins', 'quick-detector.js');
const TS_EXPLORE_WORKER = { ...TS_WORKER, url: new URL('../../sim/cli/explore/worker.ts', import.meta.url) };
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'plugins-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The detector module a written scenario names, resolved from its own folder. */
function namedModule(file: string): string {
  const use = /^ {6}use: (\S+)$/m.exec(readFileSync(file, 'utf8'))?.[1];
  expect(use, `${file} names a module`).toBeDefined();
  return resolve(dirname(file), use!);
}

async function explore(args: string[], deps: ExploreDeps) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { out: (s) => void (stdout += s), err: (s) => void (stderr += s), now: () => 0 };
  const code = await exploreCommand(args, io, deps);
  return { code, stdout, stderr };
}

describe('policy modules in shrink, explore and estimate', () => {
  it('shrink runs the candidates with the module and writes a file that finds it', async () => {
    const out = join(tmp(), 'min.yaml');
    const r = await cli('shrink', FIXTURE, '--out', out, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).fingerprint.expectation).toBe('detected crash within 30s by fc');
    expect(namedModule(out)).toBe(MODULE);
    // The written file replays with the module: its expectation fails (exit 1), not a module that does not load.
    const check = await cli('check', out);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).not.toContain('not loaded');
  });

  it('explore runs with the module in process and on worker threads, with the same result', async () => {
    const a = tmp();
    const b = tmp();
    const here = await explore([FIXTURE, '--out', a, '--json'], { worker: 'inProcess' });
    const threads = await explore([FIXTURE, '--out', b, '--workers', '2', '--json'], { worker: TS_EXPLORE_WORKER });
    expect(here.code).toBe(1);
    expect(threads.code).toBe(1);
    expect(threads.stdout.replaceAll(b, a)).toBe(here.stdout);
    const ce = readdirSync(a).filter((f) => f.endsWith('.yaml'));
    expect(ce).toEqual(['plugin-detector-fails.counterexample-1.yaml']);
    expect(namedModule(join(a, ce[0]!))).toBe(MODULE);
    expect(readFileSync(join(a, ce[0]!), 'utf8')).toBe(readFileSync(join(b, ce[0]!), 'utf8').replaceAll(b, a));
  });

  it('explore refuses a module that does not load before any run', async () => {
    const r = await cli('explore', 'test/fixtures/missing-plugin.yaml', '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.js\): the module does not load/);
  });

  it('estimate prepares and runs with the module', async () => {
    const r = await cli(
      'estimate',
      FIXTURE,
      '--event',
      'ready(shop.web) == 0',
      '--method',
      'crude',
      '--runs',
      '2',
      '--effort',
      '5',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stoppedBy).toBe('runs');
  });

  it('rebases a relative module path to the folder a file is written to', () => {
    const file = { policies: { fc: { detector: { use: './plugins/x.js', misses: 2 }, placement: { use: 'pack' } } } };
    const { file: moved, renames } = rebasePolicyModules(file, 'scenarios/a.yaml', 'out/deep/b.yaml');
    expect(moved.policies.fc.detector).toEqual({ use: '../../scenarios/plugins/x.js', misses: 2 });
    expect(moved.policies.fc.placement).toEqual({ use: 'pack' });
    expect([...renames]).toEqual([['./plugins/x.js', '../../scenarios/plugins/x.js']]);
    expect(rebasePolicyModules(file, 'scenarios/a.yaml', 'scenarios/c.yaml').renames.size).toBe(0);
  });
});
