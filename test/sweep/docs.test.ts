/**
 * The batch-engine recipes in docs/ really work: each one's command is run as the engine would run it (the
 * manifest's `sh -c` script, the Slurm script through bash) with the engine's variables set for every index; a
 * stand-in `fabricsim` on PATH records the command line it receives, which then runs for real. The merged shards
 * must give exactly the single-machine summary.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeCommand, sweepCommand } from '../../sim/cli/sweep/command.js';
import { TS_WORKER, testIo } from './support/io.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEEDS = '5';

/** A workspace with scenarios/ and a `fabricsim` on PATH that records its arguments and environment. */
function workspace(): { dir: string; bin: string; capture: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fabricsim-docs-'));
  mkdirSync(join(dir, 'scenarios'));
  cpSync(join(ROOT, 'scenarios/sweep-bench.yaml'), join(dir, 'scenarios/sweep-bench.yaml'));
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  const capture = join(dir, '.capture');
  writeFileSync(
    join(bin, 'fabricsim'),
    '#!/usr/bin/env bash\nprintf \'%s\\0\' "$@" > "$CAPTURE.args"\nenv -0 > "$CAPTURE.env"\n',
  );
  chmodSync(join(bin, 'fabricsim'), 0o755);
  return { dir, bin, capture };
}

function readNulList(path: string): string[] {
  return readFileSync(path, 'utf8').split('\0').slice(0, -1);
}

/** Runs `cmd` as the engine would, then the fabricsim command line it issued (in process, worker threads on). */
async function runRecorded(
  ws: ReturnType<typeof workspace>,
  cmd: string[],
  env: Record<string, string>,
): Promise<string[]> {
  const res = spawnSync(cmd[0]!, cmd.slice(1), {
    cwd: ws.dir,
    env: { PATH: `${ws.bin}:${process.env.PATH}`, HOME: ws.dir, CAPTURE: ws.capture, ...env },
    encoding: 'utf8',
  });
  expect(res.status, res.stderr).toBe(0);
  const argv = readNulList(`${ws.capture}.args`);
  const recordedEnv = Object.fromEntries(
    readNulList(`${ws.capture}.env`).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  expect(argv[0]).toBe('sweep');
  const { io, out } = testIo(ws.dir, { env: recordedEnv, runnerUrl: undefined, worker: TS_WORKER });
  const code = await sweepCommand(argv.slice(1), io);
  expect(code, out.stderr).toBe(0);
  return argv.slice(1);
}

/** The single-machine summary for the same sweep: the recorded command without its shard and output flags. */
async function singleMachine(dir: string, argv: readonly string[]): Promise<string> {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--shards' || argv[i] === '--out' || argv[i] === '--shard') i++;
    else kept.push(argv[i]!);
  }
  const { io, out } = testIo(dir, { runnerUrl: undefined, worker: TS_WORKER });
  expect(await sweepCommand([...kept, '--json'], io), out.stderr).toBe(0);
  return out.stdout;
}

async function merged(dir: string): Promise<string> {
  const files = readdirSync(join(dir, 'results'))
    .filter((f) => /^results-\d+\.jsonl$/.test(f))
    .sort()
    .map((f) => `results/${f}`);
  const { io, out } = testIo(dir);
  expect(await mergeCommand([...files, '--json'], io), out.stderr).toBe(0);
  return out.stdout;
}

describe('docs/sweep-k8s-job.yaml', () => {
  it('every index of the Indexed Job runs its slice; merged, the slices give the single-machine summary', async () => {
    const manifest = parse(readFileSync(join(ROOT, 'docs/sweep-k8s-job.yaml'), 'utf8'));
    expect(manifest.kind).toBe('Job');
    expect(manifest.spec.completionMode).toBe('Indexed');
    const completions: number = manifest.spec.completions;
    const container = manifest.spec.template.spec.containers[0];
    const env: Record<string, string> = Object.fromEntries(
      (container.env as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    expect(Number(env.SHARDS)).toBe(completions);
    env.SEEDS = SEEDS;
    const ws = workspace();
    let argv: string[] = [];
    for (let index = 0; index < completions; index++) {
      argv = await runRecorded(ws, [...container.command, ...(container.args ?? [])], {
        ...env,
        JOB_COMPLETION_INDEX: String(index),
      });
      expect(argv).toContain(`results/results-${index}.jsonl`);
    }
    expect(readdirSync(join(ws.dir, 'results')).sort()).toEqual(
      Array.from({ length: completions }, (_, i) => `results-${i}.jsonl`),
    );
    const whole = await singleMachine(ws.dir, argv);
    expect(await merged(ws.dir)).toBe(whole);
    expect(JSON.parse(whole).runs).toBe(2 * Number(SEEDS));
  });
});

describe('docs/sweep-slurm.sh', () => {
  it('every task of the job array runs its slice; merged, the slices give the single-machine summary', async () => {
    const script = readFileSync(join(ROOT, 'docs/sweep-slurm.sh'), 'utf8');
    const range = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(script);
    expect(range).not.toBeNull();
    // Run it as an array that starts at 1 (IDs 1…count) to check index = ID − MIN.
    const count = Number(range![2]) - Number(range![1]) + 1;
    const ws = workspace();
    let argv: string[] = [];
    for (let id = 1; id <= count; id++) {
      argv = await runRecorded(ws, ['bash', join(ROOT, 'docs/sweep-slurm.sh')], {
        SEEDS,
        SLURM_ARRAY_TASK_ID: String(id),
        SLURM_ARRAY_TASK_MIN: '1',
        SLURM_ARRAY_TASK_MAX: String(count),
        SLURM_ARRAY_TASK_COUNT: String(count),
        SLURM_CPUS_PER_TASK: '2',
      });
      expect(argv).toContain('auto');
    }
    const whole = await singleMachine(ws.dir, argv);
    expect(await merged(ws.dir)).toBe(whole);
  });
});
