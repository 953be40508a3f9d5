/** Ctrl-C for real: SIGINT sent to a sweep running in its own process with worker threads. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sweepCommand } from '../../sim/cli/sweep/command.js';
import { tempWorkspace, testIo } from './support/io.js';

const SCRIPT = fileURLToPath(new URL('./support/run-sweep.ts', import.meta.url));
const REGISTER = new URL('./support/register-ts.mjs', import.meta.url).href;

function start(
  cwd: string,
  argv: string[],
): {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, ['--import', REGISTER, SCRIPT, ...argv], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, stderr: () => stderr, done };
}

function resultLines(path: string): number {
  if (!existsSync(path)) return 0;
  return Math.max(0, readFileSync(path, 'utf8').split('\n').length - 2);
}

async function waitFor(cond: () => boolean, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function slowScenario(cwd: string, ms: number): void {
  const text = readFileSync(join(cwd, 'fake.yaml'), 'utf8');
  writeFileSync(
    join(cwd, 'slow.yaml'),
    text.replace('name: sweep-fixture', `name: sweep-fixture\ndescription: "slow:${ms}"`),
  );
}

const ARGS = ['slow.yaml', '--seeds', '20', '--set', 'policies.fc.missedPolls=2,4', '--workers', '2', '--json'];

describe('SIGINT', () => {
  it('finishes the runs in flight, keeps every finished run, exits 130; the same command resumes', async () => {
    const cwd = tempWorkspace();
    slowScenario(cwd, 40);
    const out = join(cwd, 'r.jsonl');
    const { child, done } = start(cwd, [...ARGS, '--out', 'r.jsonl']);
    await waitFor(() => resultLines(out) >= 4);
    child.kill('SIGINT');
    const first = await done;
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toMatch(/interrupted; finishing [12] runs? in flight \(Ctrl-C again to abandon/);
    expect(first.stderr).toMatch(/interrupted: \d+ of 40 runs are in r\.jsonl; run the same command again to resume/);
    const text = readFileSync(out, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const kept = resultLines(out);
    expect(kept).toBeGreaterThanOrEqual(4);
    expect(kept).toBeLessThan(40);

    const second = await start(cwd, [...ARGS, '--out', 'r.jsonl']).done;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`resuming: ${kept} of 40 runs already in r.jsonl`);
    const reference = testIo(cwd);
    await sweepCommand(ARGS, reference.io);
    expect(second.stdout).toBe(reference.out.stdout);
    expect(resultLines(out)).toBe(40);
  });

  it('a second SIGINT abandons the runs in flight', async () => {
    const cwd = tempWorkspace();
    slowScenario(cwd, 1500);
    const out = join(cwd, 'r.jsonl');
    const { child, stderr, done } = start(cwd, [...ARGS, '--out', 'r.jsonl']);
    await waitFor(() => resultLines(out) >= 2);
    child.kill('SIGINT');
    await waitFor(() => /finishing/.test(stderr()));
    child.kill('SIGINT');
    const res = await done;
    expect(res.code, res.stderr).toBe(130);
    expect(res.stderr).toMatch(/abandoned [12] runs? in flight/);
    expect(readFileSync(out, 'utf8').endsWith('\n')).toBe(true);
  });
});
