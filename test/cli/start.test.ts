import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../sim/cli/io.js';
import { main } from '../../sim/cli/main.js';
import { readTimeline } from '../../sim/trace/format.js';

function capture(): CliIO & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (t: string) => {
      io.stdout += t;
    },
    err: (t: string) => {
      io.stderr += t;
    },
    now: () => 0,
  };
  return io;
}

const ROOT = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('fabricsim start', () => {
  it('runs the quickstart, writes its timeline and prints the summary, then exits with --no-serve', async () => {
    const io = capture();
    expect(await main(['start', '--no-serve'], io)).toBe(0);
    expect(io.stdout).toContain('quickstart');
    const out = join(ROOT, 'out', 'quickstart.timeline.json');
    expect(existsSync(out)).toBe(true);
    const t = readTimeline(readFileSync(out, 'utf8'));
    expect(t.summary.scenario).toBe('quickstart');
    expect(t.events.length).toBe(t.summary.events);
  });

  it('exits after the summary when CI is set', async () => {
    const io = capture();
    const saved = process.env.CI;
    process.env.CI = 'true';
    try {
      expect(await main(['start'], io)).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
    expect(io.stdout).not.toContain('Replay:');
  });

  it('refuses a bad port with exit 2', async () => {
    const io = capture();
    expect(await main(['start', '--no-serve', '--port', 'abc'], io)).toBe(2);
    expect(io.stderr).toMatch(/--port/);
  });
});

describe('fabricsim serve', () => {
  it('refuses a missing timeline with one line and exit 2', async () => {
    const io = capture();
    expect(await main(['serve', '--timeline', '/nonexistent/x.timeline.json'], io)).toBe(2);
    expect(io.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses --compare and --tour without --timeline, a missing second file, and a bad tour name', async () => {
    const cases: [string[], RegExp][] = [
      [['serve', '--compare', 'package.json'], /--compare needs --timeline/],
      [['serve', '--tour', 'failure'], /--tour needs --timeline/],
      [
        ['serve', '--timeline', 'package.json', '--compare', '/nonexistent/b.json'],
        /cannot read \/nonexistent\/b\.json/,
      ],
      [['serve', '--timeline', 'package.json', '--tour', 'Why?'], /--tour takes a tour name/],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect(await main(argv, io), argv.join(' ')).toBe(2);
      // One line saying what is wrong (a usage mistake adds the command's usage line after it).
      expect(io.stderr.split('\n')[0]).toMatch(message);
      expect(io.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    }
  });
});

describe('fabricsim validate', () => {
  it('writes the validation report, every documented behaviour agreeing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabricsim-validate-'));
    dirs.push(dir);
    const io = capture();
    const out = join(dir, 'validation.md');
    expect(await main(['validate', '--out', out], io)).toBe(0);
    expect(io.stdout).not.toContain('DISAGREE');
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(ROOT, 'docs', 'validation.md'), 'utf8'));
  });
});
