/**
 * Running the command line in tests: in-process through `main()` (fast, output captured), or as a child process
 * of a private build (proves the real exit code and stderr).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../sim/cli/main.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BROKEN = join('test', 'fixtures', 'broken');
export const FIXTURES = join('test', 'cli', 'fixtures');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `fabricsim ...args` in this process (paths relative to the repository root, the tests' working folder). */
export async function cli(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (s) => {
      stdout += s;
    },
    err: (s) => {
      stderr += s;
    },
    now: () => 0,
  });
  return { code, stdout, stderr };
}

/** The lines of a stream's text, without the final newline's empty line. */
export function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

// One folder per test process, so that two test runs in the same tree never read each other's half-written build.
const BUILD = join(ROOT, 'test-output', `cli-build-${process.pid}`);

/**
 * Compiles sim/ into test-output/cli-build-<pid> (not dist/, which others may be using) with a copy of
 * bin/fabricsim.js beside it, so that the child process runs exactly the sources under test. Returns the path of
 * the bin script. Type errors elsewhere in the tree do not stop the emit. `removeBuild()` deletes it.
 */
export function buildCli(): string {
  mkdirSync(join(BUILD, 'bin'), { recursive: true });
  try {
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        join(BUILD, 'dist'),
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
  } catch {
    // tsc exits non-zero on type errors but still emits; a missing main.js is caught by the caller's assertions.
  }
  cpSync(join(ROOT, 'bin', 'fabricsim.js'), join(BUILD, 'bin', 'fabricsim.js'));
  return join(BUILD, 'bin', 'fabricsim.js');
}

/** Runs the built command line as a child process. */
export function spawnCli(bin: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Deletes the build made by `buildCli`. */
export function removeBuild(): void {
  rmSync(BUILD, { recursive: true, force: true });
}
