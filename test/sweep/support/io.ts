/** Test plumbing for the sweep commands: captured output, temp folders, the stand-in runner and TS workers. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandIo } from '../../../sim/cli/sweep/command.js';
import type { WorkerSpec } from '../../../sim/cli/sweep/pool.js';

export const FAKE_RUNNER_URL = new URL('./fake-runner.ts', import.meta.url).href;
export const FIXTURES = new URL('../fixtures/', import.meta.url);

/** The worker module from source, loaded through the TypeScript hooks. */
export const TS_WORKER: WorkerSpec = {
  url: new URL('../../../sim/cli/sweep/worker.ts', import.meta.url),
  execArgv: ['--import', new URL('./register-ts.mjs', import.meta.url).href],
};

export interface Captured {
  stdout: string;
  stderr: string;
}

/** A CommandIo writing into `captured`, in `cwd`, with the fake runner run in-process unless overridden. */
export function testIo(cwd: string, overrides: Partial<CommandIo> = {}): { io: CommandIo; out: Captured } {
  const out: Captured = { stdout: '', stderr: '' };
  const io: CommandIo = {
    cwd,
    env: {},
    stdout: { write: (t: string) => (out.stdout += t), isTTY: false },
    stderr: { write: (t: string) => (out.stderr += t), isTTY: false },
    runnerUrl: FAKE_RUNNER_URL,
    worker: 'inProcess',
    tty: false,
    progressIntervalMs: 60_000,
    ...overrides,
  };
  return { io, out };
}

/** A fresh temp folder holding a copy of test/sweep/fixtures. */
export function tempWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fabricsim-sweep-'));
  cpSync(FIXTURES, dir, { recursive: true });
  return dir;
}
