/**
 * docs/sweep-slurm.sh on a real Slurm (`npm run test:slurm`; not part of `npm test`: it needs root and starts
 * daemons). A one-node cluster (test/slurm/cluster.ts) runs the script, unchanged, as a job array with `sbatch
 * --array=0-(N-1)`; `fabricsim merge` of the slices must print exactly the summary of one unsharded `fabricsim sweep`
 * of the same sweep. Every daemon is stopped afterwards, pass or fail. Elsewhere (not Linux, not root, no apt) the test
 * is skipped with a notice saying why; on a root Debian without the packages it fails saying how to install them.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, onPath, PROGRAMS, waitFor, whyNotHere } from './cluster.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'docs/sweep-slurm.sh');
const CLI = join(ROOT, 'bin/fabricsim.js');
const SEEDS = 3;

const skip = whyNotHere();
if (skip) process.stderr.write(`test:slurm SKIPPED: ${skip}\n`);

/** The fabricsim command line, run to its end (bounded). */
function fabricsim(cwd: string, args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 180_000 });
  expect(r.status, `fabricsim ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

describe.skipIf(skip !== undefined)(
  `docs/sweep-slurm.sh on a one-node Slurm${skip ? ` (SKIPPED: ${skip})` : ''}`,
  () => {
    let cluster: Cluster | undefined;
    let failed = false;

    beforeAll(async () => {
      const missing = PROGRAMS.filter((p) => !onPath(p));
      if (missing.length > 0) {
        throw new Error(`${missing.join(', ')} not found: apt-get install -y slurm-wlm munge (.ci/run does)`);
      }
      if (!existsSync(join(ROOT, 'dist/sim/cli/main.js'))) throw new Error('fabricsim is not built: npm run build:cli');
      cluster = new Cluster();
      try {
        await cluster.up();
      } catch (e) {
        failed = true;
        throw e;
      }
    }, 120_000);

    afterAll(async () => {
      if (!cluster) return;
      await cluster.stop();
      if (failed) process.stderr.write(`test:slurm: kept ${cluster.dir} (logs of the daemons)\n`);
      else cluster.remove();
    }, 60_000);

    it('runs the script as a job array; merged, the slices print exactly the unsharded summary', async () => {
      const c = cluster!;
      try {
        const script = readFileSync(SCRIPT, 'utf8');
        const range = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(script);
        expect(range, 'the script names its array as #SBATCH --array=A-B').not.toBeNull();
        const shards = Number(range![2]) - Number(range![1]) + 1;

        // The folder a user submits from: scenarios/, and `fabricsim` on PATH (recording its arguments per task).
        const work = join(c.dir, 'work');
        mkdirSync(join(work, 'scenarios'), { recursive: true });
        cpSync(join(ROOT, 'scenarios/sweep-bench.yaml'), join(work, 'scenarios/sweep-bench.yaml'));
        const bin = join(c.dir, 'bin');
        mkdirSync(bin);
        writeFileSync(
          join(bin, 'fabricsim'),
          '#!/bin/sh\n' +
            `printf '%s\\0' "$@" > "${c.dir}/argv.$SLURM_ARRAY_TASK_ID"\n` +
            `exec "${process.execPath}" "${CLI}" "$@"\n`,
        );
        chmodSync(join(bin, 'fabricsim'), 0o755);

        const submit = c.run('sbatch', ['--parsable', `--array=0-${shards - 1}`, SCRIPT], {
          cwd: work,
          env: c.env({ PATH: `${bin}:${process.env.PATH}`, SEEDS: String(SEEDS) }),
        });
        expect(submit.status, submit.stderr).toBe(0);
        const job = submit.stdout.trim().split(';')[0]!;
        expect(job).toMatch(/^\d+$/);

        // Until the queue holds none of its tasks; then every task must have completed with exit code 0.
        await waitFor(`job array ${job} to finish`, 240_000, () =>
          c.run('squeue', ['-h', '-j', job, '-o', '%i']).stdout.trim() === '' ? true : undefined,
        );
        const records = c
          .run('scontrol', ['-o', 'show', 'job', job])
          .stdout.trim()
          .split('\n')
          .filter((l) => l.startsWith('JobId='));
        const tasks = records.map((l) => ({
          task: /ArrayTaskId=(\d+)/.exec(l)?.[1],
          state: /JobState=(\S+)/.exec(l)?.[1],
          exit: /ExitCode=(\S+)/.exec(l)?.[1],
        }));
        expect(tasks.sort((a, b) => Number(a.task) - Number(b.task))).toEqual(
          Array.from({ length: shards }, (_, i) => ({ task: String(i), state: 'COMPLETED', exit: '0:0' })),
        );

        // Each task ran its own slice, told by Slurm's variables (`--shard auto`), into its own file.
        let argv: string[] = [];
        for (let i = 0; i < shards; i++) {
          argv = readFileSync(join(c.dir, `argv.${i}`), 'utf8')
            .split('\0')
            .slice(0, -1);
          expect(argv).toContain('auto');
          expect(argv).toContain(`results/results-${i}.jsonl`);
          expect(readFileSync(join(work, `sweep-${job}_${i}.log`), 'utf8')).toContain(`shard ${i}/${shards} (slurm)`);
        }
        const files = readdirSync(join(work, 'results')).sort();
        expect(files).toEqual(Array.from({ length: shards }, (_, i) => `results-${i}.jsonl`));

        const merged = fabricsim(work, ['merge', ...files.map((f) => `results/${f}`), '--json']);
        // The same sweep on one machine: the script's command line without its slice and output.
        const whole: string[] = [];
        for (let i = 0; i < argv.length; i++) {
          if (argv[i] === '--shard' || argv[i] === '--shards' || argv[i] === '--out') i++;
          else whole.push(argv[i]!);
        }
        expect(whole[0]).toBe('sweep');
        const single = fabricsim(work, [...whole, '--json']);
        expect(merged).toBe(single);
        expect(JSON.parse(single).runs).toBe(2 * SEEDS);
      } catch (e) {
        failed = true;
        const logs = ['slurmctld.log', 'slurmd.log'].map((f) => `--- ${f}\n${c.tail(f)}`).join('\n');
        throw new Error(`${e instanceof Error ? e.message : String(e)}\n${logs}`);
      }
    }, 300_000);
  },
);
