/**
 * `fabricsim explore`: the bundled fragile scenarios fail within 200 runs and shrink to the faults that explain them;
 * the robust one finds nothing; results are the same on one thread or two, sharded and merged, or resumed; `sometimes`
 * gaps and the coverage report; user mistakes exit 2.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ExploreDeps, exploreCommand, mergeDispatch } from '../../sim/cli/explore/command.js';
import type { CliIO } from '../../sim/cli/io.js';
import { addMerged, mergeCoverage } from '../../sim/explore/index.js';
import { cli } from '../cli/helpers.js';
import { TS_WORKER } from '../sweep/support/io.js';

const TS_EXPLORE_WORKER = { ...TS_WORKER, url: new URL('../../sim/cli/explore/worker.ts', import.meta.url) };

async function explore(args: string[], deps: ExploreDeps = { worker: 'inProcess' }) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { out: (s) => void (stdout += s), err: (s) => void (stderr += s), now: () => 0 };
  const code = await exploreCommand(args, io, deps);
  return { code, stdout, stderr };
}

async function merge(args: string[]) {
  let stdout = '';
  const io: CliIO = { out: (s) => void (stdout += s), err: () => {}, now: () => 0 };
  const code = await mergeDispatch(args, io);
  return { code, stdout };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'explore-'));

/** Every file of a folder except results files, by name → content. */
function outputs(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => !f.endsWith('.jsonl'))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

describe('explore finds the bundled fragile scenarios and shrinks them to their explanation', () => {
  it('one rack: a rack power loss takes both web instances down', async () => {
    const dir = tmp();
    const r = await explore(['scenarios/explore/fragile-one-rack.yaml', '--runs', '200', '--out', dir, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.failures).toHaveLength(1);
    const f = report.failures[0];
    expect(f.firstRun).toBeLessThan(200);
    expect(f.fingerprint).toMatchObject({ target: 'shop.web', direction: 'under' });
    expect(f.faults.map((x: { kind: string; target: string }) => `${x.kind} ${x.target}`)).toEqual([
      'rack.power-loss c0-r0',
    ]);
    expect(f.counterexample).toBe(join(dir, 'fragile-one-rack.counterexample-1.yaml'));
    expect(f.view).toContain('npx fabricsim serve --timeline');
    // Opens at the failing moment: here the rack power loss (availability has no single moment).
    expect(f.view).toMatch(/ --at \d+ --tour failure$/);
    const check = await cli('check', f.counterexample);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('availability of shop.web at least 0.999');
  });

  it('quorum: one FC replica crash on the majority side of a partition', async () => {
    const dir = tmp();
    const r = await explore(['scenarios/explore/fragile-quorum.yaml', '--runs', '200', '--out', dir, '--json']);
    expect(r.code).toBe(1);
    const f = JSON.parse(r.stdout).failures[0];
    expect(f.fingerprint).toMatchObject({ target: 'fc.noQuorumUs', direction: 'over' });
    expect(f.faults.map((x: { kind: string }) => x.kind)).toEqual(['network.partition', 'fc.replica-crash']);
    expect(['fc:c0/2', 'fc:c0/3', 'fc:c0/4']).toContain(f.faults[1].target);
  });

  it('robust spread: nothing found (100 runs here; the explore bench does 1,000), healing covered', async () => {
    const dir = tmp();
    const r = await explore(['scenarios/explore/robust-spread.yaml', '--runs', '100', '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/100 runs \(strategy coverage, seed 9\), 0 failing, 0 distinct failures/);
    expect(r.stdout).toMatch(/✓ sometimes healing\.start: covered in \d+ runs/);
    expect(r.stdout).toContain('recovery ladder');
    expect(readdirSync(dir).filter((f) => f.includes('counterexample'))).toEqual([]);
  });
});

describe('the same result however it is run', () => {
  const FILE = 'scenarios/explore/fragile-one-rack.yaml';
  const ARGS = ['--runs', '48', '--json'];

  it('on one thread or two worker threads, sharded and merged, and resumed after a cut', async () => {
    const dir = tmp();
    const run = async (extra: string[], deps?: ExploreDeps) => {
      rmSync(dir, { recursive: true, force: true });
      const r = await explore([FILE, ...ARGS, '--out', dir, ...extra], deps);
      return { ...r, files: outputs(dir) };
    };
    const plain = await run([]);
    expect(plain.code).toBe(1);
    const threads = await run(['--workers', '2'], { worker: TS_EXPLORE_WORKER });
    expect(threads.stdout).toBe(plain.stdout);
    expect(threads.files).toEqual(plain.files);

    rmSync(dir, { recursive: true, force: true });
    const s0 = await explore([FILE, ...ARGS, '--out', dir, '--shard', '0/2']);
    const s1 = await explore([FILE, ...ARGS, '--out', dir, '--shard', '1/2']);
    expect([s0.code, s1.code]).toEqual([0, 0]);
    const shards = [0, 1].map((i) => join(dir, `fragile-one-rack.explore-shard-${i}-of-2.jsonl`));
    expect(shards.every(existsSync)).toBe(true);
    const merged = await merge([...shards, '--out', dir, '--json']);
    expect(merged.code).toBe(1);
    expect(merged.stdout).toBe(plain.stdout);
    expect(outputs(dir)).toEqual(plain.files);
    const missing = await cli('merge', shards[0]!);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing shard 1 of 2');

    // Resume: keep the header and 5 runs, and a cut line; the same command finishes the rest.
    rmSync(dir, { recursive: true, force: true });
    await explore([FILE, ...ARGS, '--out', dir]);
    const results = join(dir, 'fragile-one-rack.explore.jsonl');
    const lines = readFileSync(results, 'utf8').split('\n');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(results, `${lines.slice(0, 6).join('\n')}\n${lines[6]!.slice(0, 20)}`);
    const resumed = await explore([FILE, ...ARGS, '--out', dir]);
    expect(resumed.stderr).toContain('5 already done');
    expect(resumed.stdout).toBe(plain.stdout);
  });

  it('refuses a results file of another exploration (exit 2, one line)', async () => {
    const dir = tmp();
    await explore([FILE, '--runs', '8', '--out', dir]);
    const r = await cli('explore', FILE, '--runs', '9', '--out', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds another exploration/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('sometimes, coverage and mistakes', () => {
  it('reports a GAP with how far the nearest run got', async () => {
    const dir = tmp();
    const file = join(dir, 'gap.yaml');
    writeFileSync(
      file,
      readFileSync('scenarios/explore/robust-spread.yaml', 'utf8').replace(
        'sometimes: { event: healing.start }',
        'sometimes: { event: node.human-investigate }',
      ),
    );
    const r = await explore([file, '--runs', '16', '--out', dir, '--json']);
    const s = JSON.parse(r.stdout).sometimes[0];
    expect(s).toMatchObject({ event: 'node.human-investigate', covered: false, runs: 0 });
    expect(s.nearest).toMatch(
      /^nearest: run \d+ reached [a-z.-]+ \(rung \d of 6; node\.human-investigate is rung 6\)$/,
    );
  });

  it('merges coverage across shards exactly', () => {
    const a = { 'rung:node.reboot': 2, 'fault:node.crash': 1 };
    const b = { 'rung:node.reboot': 1 };
    const c = { 'node:Ready': 4 };
    expect(addMerged([mergeCoverage([a, b]), mergeCoverage([c])])).toEqual(mergeCoverage([a, b, c]));
    expect(mergeCoverage([a, b]).keys['rung:node.reboot']).toEqual({ hits: 3, runs: 2 });
  });

  it('exits 2 with one line for a scenario without explore:, and for --runs with --time', async () => {
    const r = await cli('explore', 'scenarios/quickstart.yaml', '--runs', '2', '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fabricsim: scenarios\/quickstart\.yaml: the scenario has no "explore:" section/);
    const both = await cli('explore', 'scenarios/explore/fragile-one-rack.yaml', '--runs', '2', '--time', '1s');
    expect(both.code).toBe(2);
  });
});
