import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mergeCommand, sweepCommand } from '../../sim/cli/sweep/command.js';
import { Interrupt } from '../../sim/cli/sweep/pool.js';
import { loadScenario, runScenario } from '../../sim/index.js';
import { TS_WORKER, tempWorkspace, testIo } from './support/io.js';

const SETS = ['--set', 'policies.fc.missedPolls=2,4', '--set', 'policies.fc.pollInterval=5s,15s'];

async function sweepJson(
  cwd: string,
  extra: string[],
  overrides = {},
): Promise<{ code: number; json: string; stderr: string }> {
  const { io, out } = testIo(cwd, overrides);
  const code = await sweepCommand(['fake.yaml', '--seeds', '12', ...SETS, '--json', ...extra], io);
  return { code, json: out.stdout, stderr: out.stderr };
}

describe('fabricsim sweep', () => {
  it('prints the grid with resolved values, then the summary table', async () => {
    const cwd = tempWorkspace();
    const { io, out } = testIo(cwd);
    const code = await sweepCommand(['fake.yaml', '--seeds', '10', ...SETS], io);
    expect(code).toBe(0);
    expect(out.stderr).toContain('policies.fc.missedPolls: 4 by default; swept over 2, 4');
    expect(out.stderr).toContain('policies.fc.pollInterval: 15s in the scenario; swept over 5s, 15s');
    expect(out.stderr).toContain('c3  policies.fc.missedPolls=4  policies.fc.pollInterval=15s');
    expect(out.stderr).toContain('4 combinations × 10 seeds (1…10) = 40 runs');
    expect(out.stdout).toContain(
      'recovery time (all faults) (a fault not recovered by the end of its run is censored there and counts as +∞)',
    );
    expect(out.stdout).toContain('MTTR with censoring = time on test / recoveries');
    expect(out.stdout).toMatch(/availability of shop.web as nines and downtime per year/);
    expect(out.stdout).toMatch(
      /combo\s+n\s+unrecovered\s+mean \[95% CI\]\s+p50 \[95% CI\]\s+p90 \[95% CI\]\s+p99 \[95% CI\]\s+max/,
    );
    expect(out.stdout).toContain('availability of shop.web');
    expect(out.stdout).toMatch(/recovered \* within 15m\s+\d/);
    expect(out.stdout).toContain('c1 − c0');
  });

  it('--json prints one JSON object; paired differences see the same faults under every parameter value', async () => {
    const cwd = tempWorkspace();
    const { code, json } = await sweepJson(cwd, []);
    expect(code).toBe(0);
    const s = JSON.parse(json);
    expect(s.format).toBe('fabricsim.sweep-summary');
    expect(s.combinations).toHaveLength(4);
    const ttd = s.metrics.find((m: { key: string }) => m.key === 'ttd');
    expect(ttd.byCombination.map((c: { n: number }) => c.n)).toEqual([
      ttd.byCombination[0].n,
      ttd.byCombination[0].n,
      ttd.byCombination[0].n,
      ttd.byCombination[0].n,
    ]);
    // c2 (missedPolls 4, 5s) − c0 (missedPolls 2, 5s): detection takes exactly 2 × 5 s longer for every fault.
    const d = s.differences.find((x: { a: string; b: string }) => x.a === 'c0' && x.b === 'c2');
    const dTtd = d.metrics.find((m: { key: string }) => m.key === 'ttd');
    expect(dTtd.unmatched).toBe(0);
    expect(dTtd.mean).toBe(10_000_000);
    expect(dTtd.bHigher).toBe(dTtd.n);
  });

  it('writes a fingerprint line and one line per run to --out', async () => {
    const cwd = tempWorkspace();
    const { code } = await sweepJson(cwd, ['--out', 'r.jsonl']);
    expect(code).toBe(0);
    const lines = readFileSync(join(cwd, 'r.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 48);
    const header = JSON.parse(lines[0]!);
    expect(header).toMatchObject({
      format: 'fabricsim.sweep-results',
      fabricsim: '0.0.0-fake',
      parameters: [
        { path: 'policies.fc.missedPolls', values: [2, 4] },
        { path: 'policies.fc.pollInterval', values: ['5s', '15s'] },
      ],
      seeds: { start: 1, count: 12 },
      runs: 48,
      shard: null,
    });
    const rec = JSON.parse(lines[1]!);
    expect(Object.keys(rec)).toEqual([
      'run',
      'combo',
      'seed',
      'params',
      'traceHash',
      'events',
      'metrics',
      'expectations',
      'coverage',
    ]);
    // Coverage (issue 13): what the run's summary shows, keys sorted.
    expect(Object.keys(rec.coverage)).toEqual(Object.keys(rec.coverage).sort());
  });

  it('a parameter typo exits 2 with a suggestion, before anything runs', async () => {
    const cwd = tempWorkspace();
    const { io, out } = testIo(cwd);
    const code = await sweepCommand(
      ['fake.yaml', '--seeds', '3', '--set', 'policies.fc.missedPoll=2,4', '--out', 'r.jsonl'],
      io,
    );
    expect(code).toBe(2);
    expect(out.stderr).toMatch(
      /^fabricsim sweep: --set policies\.fc\.missedPoll: unknown parameter .* did you mean policies\.fc\.missedPolls\?\n$/,
    );
    expect(() => readFileSync(join(cwd, 'r.jsonl'))).toThrow();
  });

  it('a value the scenario refuses exits 2 naming the combination', async () => {
    const cwd = tempWorkspace();
    const { io, out } = testIo(cwd);
    const code = await sweepCommand(['fake.yaml', '--seeds', '3', '--set', 'policies.fc.missedPolls=2,0'], io);
    expect(code).toBe(2);
    expect(out.stderr).toMatch(/c1 \(policies\.fc\.missedPolls=0\): fake\.yaml:1:1: policies\.fc\.missedPolls/);
  });

  it('flag mistakes exit 2', async () => {
    const cwd = tempWorkspace();
    for (const argv of [
      ['fake.yaml'],
      ['fake.yaml', '--seeds', 'ten'],
      ['fake.yaml', '--seeds', '3', '--sedes', '4'],
      ['missing.yaml', '--seeds', '3'],
      ['fake.yaml', '--seeds', '3', '--shard', '0/2'],
    ]) {
      const { io, out } = testIo(cwd);
      expect(await sweepCommand(argv, io), argv.join(' ')).toBe(2);
      expect(out.stderr).toMatch(/^fabricsim sweep: /);
    }
    const { io, out } = testIo(cwd);
    await sweepCommand(['fake.yaml', '--seeds', '3', '--sedes', '4'], io);
    expect(out.stderr).toContain('did you mean --seeds?');
  });

  it('an unwritable --out exits 2 naming the file', async () => {
    const cwd = tempWorkspace();
    const { io, out } = testIo(cwd);
    expect(await sweepCommand(['fake.yaml', '--seeds', '2', '--out', 'no-such-dir/r.jsonl'], io)).toBe(2);
    expect(out.stderr).toContain('fabricsim sweep: cannot write no-such-dir/r.jsonl: no such file or directory');
  });

  it('a run that throws is recorded and reported; the sweep exits 3 (a bug)', async () => {
    const cwd = tempWorkspace();
    writeFileSync(
      join(cwd, 'throws.yaml'),
      'version: 1\nduration: 1h\ndescription: "throw:2"\n' +
        'topology: { clusters: [{ racks: 1, nodesPerRack: 1 }] }\n',
    );
    const { io, out } = testIo(cwd);
    const code = await sweepCommand(['throws.yaml', '--seeds', '3', '--json'], io);
    expect(code).toBe(3);
    expect(JSON.parse(out.stdout).failedRuns).toEqual([
      { run: 1, combo: 'c0', seed: 2, error: 'RangeError: fake model failure at seed 2' },
    ]);
  });
});

describe('resuming', () => {
  it('an interrupted sweep exits 130, and the same command resumes to the same summary, nothing run twice', async () => {
    const cwd = tempWorkspace();
    const whole = await sweepJson(cwd, ['--out', 'whole.jsonl']);

    const interrupt = new Interrupt();
    let seen = 0;
    const { io, out } = testIo(cwd, {
      interrupt,
      stderr: {
        write: (t: string) => {
          out.stderr += t;
        },
      },
    });
    // Interrupt after the 10th result: count results by watching the file grow.
    const timer = setInterval(() => {
      if (!existsSync(join(cwd, 'part.jsonl'))) return;
      const n = readFileSync(join(cwd, 'part.jsonl'), 'utf8').split('\n').length - 2;
      if (n >= 10 && seen === 0) {
        seen = n;
        interrupt.request();
      }
    }, 1);
    const code = await sweepCommand(['fake.yaml', '--seeds', '12', ...SETS, '--json', '--out', 'part.jsonl'], io);
    clearInterval(timer);
    expect(code).toBe(130);
    expect(out.stderr).toMatch(/interrupted: \d+ of 48 runs are in part\.jsonl; run the same command again to resume/);
    const partLines = readFileSync(join(cwd, 'part.jsonl'), 'utf8').trimEnd().split('\n');
    expect(partLines.length - 1).toBeGreaterThanOrEqual(10);
    expect(partLines.length - 1).toBeLessThan(48);

    // Cut the last line in half, as a kill mid-write would.
    const text = readFileSync(join(cwd, 'part.jsonl'), 'utf8');
    writeFileSync(join(cwd, 'part.jsonl'), text.slice(0, text.length - 40));

    const resumed = await sweepJson(cwd, ['--out', 'part.jsonl']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('discarded the cut-off last line of part.jsonl');
    expect(resumed.stderr).toMatch(new RegExp(`resuming: ${partLines.length - 2} of 48 runs already in part.jsonl`));
    expect(resumed.json).toBe(whole.json);
    const runs = readFileSync(join(cwd, 'part.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l).run as number)
      .sort((a, b) => a - b);
    expect(runs).toEqual(Array.from({ length: 48 }, (_, i) => i));

    // Once complete, running again runs nothing and prints the same summary.
    const again = await sweepJson(cwd, ['--out', 'part.jsonl']);
    expect(again.json).toBe(whole.json);
    expect(again.stderr).not.toContain('runs to do');
  });

  it('refuses to resume a file of a different sweep (exit 2, saying what differs)', async () => {
    const cwd = tempWorkspace();
    await sweepJson(cwd, ['--out', 'r.jsonl']);
    const { io, out } = testIo(cwd);
    const code = await sweepCommand(['fake.yaml', '--seeds', '13', ...SETS, '--out', 'r.jsonl'], io);
    expect(code).toBe(2);
    expect(out.stderr).toContain(
      'r.jsonl holds the results of a different sweep (it differs in the seeds (12 from 1 vs 13 from 1))',
    );
    const other = testIo(cwd);
    appendFileSync(join(cwd, 'fake.yaml'), '# edited\n');
    expect(await sweepCommand(['fake.yaml', '--seeds', '12', ...SETS, '--out', 'r.jsonl'], other.io)).toBe(2);
    expect(other.out.stderr).toMatch(/differs in the scenario \(hash [0-9a-f]{16} vs [0-9a-f]{16}\)/);
  });

  it('refuses a damaged line in the middle of the file', async () => {
    const cwd = tempWorkspace();
    await sweepJson(cwd, ['--out', 'r.jsonl']);
    const lines = readFileSync(join(cwd, 'r.jsonl'), 'utf8').split('\n');
    lines[3] = '{"run": 2, "com';
    writeFileSync(join(cwd, 'r.jsonl'), lines.join('\n'));
    const { io, out } = testIo(cwd);
    expect(await sweepCommand(['fake.yaml', '--seeds', '12', ...SETS, '--out', 'r.jsonl'], io)).toBe(2);
    expect(out.stderr).toContain('r.jsonl:4: damaged line');
  });
});

describe('determinism across workers and shards', () => {
  it('1 worker thread, 3 worker threads, in-process, and 3 shards merged give byte-identical summaries', async () => {
    const cwd = tempWorkspace();
    const inProcess = await sweepJson(cwd, []);
    const one = await sweepJson(cwd, ['--workers', '1'], { worker: TS_WORKER });
    const three = await sweepJson(cwd, ['--workers', '3'], { worker: TS_WORKER });
    expect(one.code).toBe(0);
    expect(one.stderr).toContain('on 1 worker thread');
    expect(three.stderr).toContain('on 3 worker threads');
    expect(one.json).toBe(inProcess.json);
    expect(three.json).toBe(inProcess.json);

    for (let i = 0; i < 3; i++) {
      const shard = await sweepJson(cwd, ['--shard', `${i}/3`, '--out', `s-${i}.jsonl`], { worker: TS_WORKER });
      expect(shard.code).toBe(0);
    }
    const { io, out } = testIo(cwd);
    expect(await mergeCommand(['s-2.jsonl', 's-0.jsonl', 's-1.jsonl', '--json'], io)).toBe(0);
    expect(out.stdout).toBe(inProcess.json);

    // The table too.
    const table = testIo(cwd);
    await sweepCommand(['fake.yaml', '--seeds', '12', ...SETS], table.io);
    const mergedTable = testIo(cwd);
    await mergeCommand(['s-0.jsonl', 's-1.jsonl', 's-2.jsonl'], mergedTable.io);
    expect(mergedTable.out.stdout).toBe(table.out.stdout);
  });
});

describe('with the real model', () => {
  it('a scenario that extends another: 1 worker, 3 workers and 3 shards merged agree; the workers replay the base', async () => {
    const cwd = tempWorkspace();
    mkdirSync(join(cwd, 'base'));
    cpSync(
      fileURLToPath(new URL('../../scenarios/random-faults.yaml', import.meta.url)),
      join(cwd, 'base/random.yaml'),
    );
    writeFileSync(join(cwd, 'child.yaml'), 'version: 1\nextends: base/random.yaml\nname: child\nduration: 12h\n');
    const argv = ['child.yaml', '--seeds', '6', '--set', 'policies.fc.missedPolls=2,4', '--json'];
    const real = { runnerUrl: undefined, worker: TS_WORKER };
    const one = testIo(cwd, real);
    expect(await sweepCommand([...argv, '--workers', '1'], one.io), one.out.stderr).toBe(0);
    const three = testIo(cwd, real);
    expect(await sweepCommand([...argv, '--workers', '3'], three.io), three.out.stderr).toBe(0);
    expect(three.out.stdout).toBe(one.out.stdout);
    for (let i = 0; i < 3; i++) {
      const s = testIo(cwd, real);
      expect(await sweepCommand([...argv, '--shard', `${i}/3`, '--out', `r-${i}.jsonl`], s.io), s.out.stderr).toBe(0);
    }
    const m = testIo(cwd);
    expect(await mergeCommand(['r-0.jsonl', 'r-1.jsonl', 'r-2.jsonl', '--json'], m.io)).toBe(0);
    expect(m.out.stdout).toBe(one.out.stdout);
    const summary = JSON.parse(one.out.stdout);
    expect(summary.scenario).toBe('child');
    expect(summary.failedRuns).toEqual([]);
    expect(summary.metrics.map((x: { key: string }) => x.key)).toContain('availability[shop.web]');
  });
});

describe('a worker reuses what does not depend on the seed', () => {
  it('each run of a region-shaped sweep on 2 workers has the trace hash of a fresh load and run of its seed', async () => {
    const cwd = tempWorkspace();
    const text = `version: 1
name: small-region
seed: 3
duration: 3d
topology:
  clusters:
    - { id: c, count: 2, racks: 2, nodesPerRack: 5 }
services:
  - id: svc
    count: 4
    cluster: "*"
    roles:
      - { id: web, kind: web, instances: 10 }
      - { id: worker, kind: worker, instances: 10 }
faults:
  - { kind: node.hardware, every: default }
  - { kind: vm.crash, every: exponential(20d) }
  - { kind: role.crash, every: exponential(20d) }
security:
  addressing: { vips: 198.18.0.0/16 }
`;
    writeFileSync(join(cwd, 'region.yaml'), text);
    const { io, out } = testIo(cwd, { runnerUrl: undefined, worker: TS_WORKER });
    const argv = ['region.yaml', '--seeds', '4', '--workers', '2', '--out', 'r.jsonl'];
    expect(await sweepCommand(argv, io), out.stderr).toBe(0);
    const records = readFileSync(join(cwd, 'r.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l) as { seed: number; traceHash: string; events: number });
    expect(records).toHaveLength(4);
    const hashes = new Set<string>();
    for (const r of records) {
      const fresh = runScenario(loadScenario(text, { fileName: join(cwd, 'region.yaml') }), {
        seed: r.seed,
        record: false,
      }).summary;
      expect({ seed: r.seed, traceHash: r.traceHash, events: r.events }).toEqual({
        seed: r.seed,
        traceHash: fresh.traceHash,
        events: fresh.events,
      });
      hashes.add(r.traceHash);
    }
    expect(hashes.size).toBe(4);
  }, 240_000);
});

describe('fabricsim merge', () => {
  async function shards(cwd: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) await sweepJson(cwd, ['--shard', `${i}/${count}`, '--out', `s-${i}.jsonl`]);
  }

  it('refuses a missing shard, naming it', async () => {
    const cwd = tempWorkspace();
    await shards(cwd, 3);
    const { io, out } = testIo(cwd);
    expect(await mergeCommand(['s-0.jsonl', 's-2.jsonl'], io)).toBe(2);
    expect(out.stderr).toContain('16 of 48 runs are missing:\n  shard 1/3: no file given (16 runs)');
  });

  it('refuses an incomplete shard, naming its file', async () => {
    const cwd = tempWorkspace();
    await shards(cwd, 3);
    const text = readFileSync(join(cwd, 's-1.jsonl'), 'utf8').trimEnd().split('\n');
    writeFileSync(join(cwd, 's-1.jsonl'), text.slice(0, -3).join('\n') + '\n');
    const { io, out } = testIo(cwd);
    expect(await mergeCommand(['s-0.jsonl', 's-1.jsonl', 's-2.jsonl'], io)).toBe(2);
    expect(out.stderr).toContain('shard 1/3 (s-1.jsonl): 3 of 16 runs missing');
  });

  it('refuses duplicated runs, naming both files', async () => {
    const cwd = tempWorkspace();
    await shards(cwd, 2);
    writeFileSync(join(cwd, 'copy.jsonl'), readFileSync(join(cwd, 's-0.jsonl')));
    const { io, out } = testIo(cwd);
    expect(await mergeCommand(['s-0.jsonl', 's-1.jsonl', 'copy.jsonl'], io)).toBe(2);
    expect(out.stderr).toMatch(/s-0\.jsonl and copy\.jsonl both hold runs 0, 2, 4/);
  });

  it('refuses files of different sweeps, naming them', async () => {
    const cwd = tempWorkspace();
    await shards(cwd, 2);
    const { io } = testIo(cwd);
    await sweepCommand(['fake.yaml', '--seeds', '5', '--shard', '1/2', '--out', 'other.jsonl'], io);
    const m = testIo(cwd);
    expect(await mergeCommand(['s-0.jsonl', 'other.jsonl'], m.io)).toBe(2);
    expect(m.out.stderr).toMatch(
      /different sweeps: s-0\.jsonl is sweep [0-9a-f]+, but\n {2}other\.jsonl: sweep [0-9a-f]+ \(differs in the parameters/,
    );
  });
});
