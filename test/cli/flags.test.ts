import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_HELP, DIFF_HELP, MAIN_HELP, RUN_HELP, SCHEMA_HELP } from '../../sim/cli/usage.js';
import { VERSION } from '../../sim/index.js';
import { cli, FIXTURES, lines } from './helpers.js';

const PASS = join(FIXTURES, 'pass.yaml');
const RUN_USAGE = 'usage: fabricsim run FILE [--seed N] [--out timeline.json] [--json] [--until T]';

describe('help and version', () => {
  it('fabricsim --help and -h print the commands on stdout and exit 0', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await cli(flag);
      expect(r).toEqual({ code: 0, stdout: MAIN_HELP, stderr: '' });
    }
    for (const command of ['run', 'check', 'diff', 'schema']) expect(MAIN_HELP).toContain(`  ${command} `);
  });

  it('every command has --help and -h', async () => {
    const helps = { run: RUN_HELP, check: CHECK_HELP, diff: DIFF_HELP, schema: SCHEMA_HELP };
    for (const [command, help] of Object.entries(helps)) {
      expect(await cli(command, '--help')).toEqual({ code: 0, stdout: help, stderr: '' });
      expect(await cli(command, '-h')).toEqual({ code: 0, stdout: help, stderr: '' });
      expect(help.startsWith(`usage: fabricsim ${command}`)).toBe(true);
    }
  });

  it('--help wins over a missing FILE', async () => {
    expect((await cli('run', '--help')).code).toBe(0);
  });

  it('sweep and merge are dispatched to their commands', async () => {
    for (const command of ['sweep', 'merge']) {
      const r = await cli(command, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`usage: fabricsim ${command}`);
    }
  });

  it('--version prints the version', async () => {
    expect(await cli('--version')).toEqual({ code: 0, stdout: `fabricsim ${VERSION}\n`, stderr: '' });
  });
});

describe('flag mistakes: one line, the usage line, exit 2', () => {
  async function expectUsageError(args: string[], message: string, usage = RUN_USAGE): Promise<void> {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toEqual([`fabricsim: ${message}`, usage]);
  }

  it('an unknown flag, with a suggestion', async () => {
    await expectUsageError(['run', PASS, '--sed', '3'], 'unknown option --sed (did you mean --seed?)');
    await expectUsageError(['run', PASS, '--frobnicate'], 'unknown option --frobnicate');
  });

  it('a missing FILE', async () => {
    await expectUsageError(['run'], 'missing FILE');
    await expectUsageError(['check'], 'missing FILE or DIR', 'usage: fabricsim check FILE|DIR…');
    await expectUsageError(['diff', 'a.json'], 'missing B', 'usage: fabricsim diff A.timeline.json B.timeline.json');
  });

  it('an extra argument', async () => {
    await expectUsageError(['run', PASS, 'other.yaml'], 'unexpected argument "other.yaml"');
    await expectUsageError(['schema', 'x'], 'unexpected argument "x"', 'usage: fabricsim schema');
  });

  it('a bad --seed', async () => {
    for (const seed of ['abc', '-1', '1.5', '4294967296', '']) {
      await expectUsageError(
        ['run', PASS, `--seed=${seed}`],
        `--seed: expected a whole number from 0 to 4294967295, found ${JSON.stringify(seed)}`,
      );
    }
  });

  it('a flag without its value', async () => {
    await expectUsageError(['run', PASS, '--seed'], 'option --seed needs a value');
  });

  it('a value given to a flag that takes none', async () => {
    await expectUsageError(['run', PASS, '--json=yes'], 'option --json takes no value');
  });

  it('a bad --until', async () => {
    await expectUsageError(
      ['run', PASS, '--until', 'soon'],
      '--until: expected a duration such as "250ms", "15s", "10m", "1h30m" or "2d", found "soon"',
    );
  });

  it('an unknown command, with a suggestion', async () => {
    await expectUsageError(
      ['rnu'],
      'unknown command "rnu" (did you mean "run"?)',
      'usage: fabricsim <command> [options]',
    );
  });

  it('no command at all', async () => {
    await expectUsageError([], 'missing command', 'usage: fabricsim <command> [options]');
  });

  it('an unknown option before the command', async () => {
    await expectUsageError(
      ['--verison'],
      'unknown option --verison (did you mean --version?)',
      'usage: fabricsim <command> [options]',
    );
  });
});

describe('internal errors', () => {
  it('are reported as a bug with the stack, exit 3', async () => {
    let stderr = '';
    const { main } = await import('../../sim/cli/main.js');
    const code = await main(['schema'], {
      out: () => {
        throw new Error('boom');
      },
      err: (s) => {
        stderr += s;
      },
      now: () => 0,
    });
    expect(code).toBe(3);
    expect(stderr).toContain('fabricsim: internal error: boom');
    expect(stderr).toContain('this is a bug');
    expect(stderr).toMatch(/\n\s+at /);
  });
});
