/**
 * Determinism across processes and recording modes, and the rule that makes it possible: nothing under sim/ (except
 * the Node-only command line) reads the wall clock, Math.random, the file system or the process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function runJson(args: string[]): { traceHash: string; faults: unknown } {
  const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'fabricsim.js'), 'run', ...args, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as { traceHash: string; faults: unknown };
}

describe('determinism', () => {
  it('gives the same trace hash in separate processes, with recording on and off', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabricsim-det-'));
    try {
      const file = join(ROOT, 'scenarios', 'random-faults.yaml');
      const a = runJson([file, '--seed', '99']);
      const b = runJson([file, '--seed', '99']);
      const recorded = runJson([file, '--seed', '99', '--out', join(dir, 'r.timeline.json')]);
      expect(b.traceHash).toBe(a.traceHash);
      expect(recorded.traceHash).toBe(a.traceHash);
      expect(recorded.faults).toEqual(a.faults);
      const timeline = JSON.parse(readFileSync(join(dir, 'r.timeline.json'), 'utf8')) as { traceHash: string };
      expect(timeline.traceHash).toBe(a.traceHash);
      expect(runJson([file, '--seed', '100']).traceHash).not.toBe(a.traceHash);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the wall clock, Math.random, fs and process out of sim/ (the command line aside)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (relative(ROOT, path) !== join('sim', 'cli')) walk(path);
        } else if (name.endsWith('.ts')) {
          // Code only: comments may mention any of these words.
          const text = readFileSync(path, 'utf8')
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
          for (const [re, what] of [
            [/Math\.random\s*\(/, 'Math.random'],
            [/Date\.now\s*\(|new Date\s*\(|performance\.now\s*\(/, 'the wall clock'],
            [/from ['"](node:)?(fs|child_process|worker_threads|os)['"]/, 'a Node-only module'],
            [/\bprocess\.(env|argv|exit|stdout|hrtime)/, 'process'],
            [/\b(document|window)\./, 'the DOM'],
          ] as const) {
            if (re.test(text)) offenders.push(`${relative(ROOT, path)}: ${what}`);
          }
        }
      }
    };
    walk(join(ROOT, 'sim'));
    expect(offenders).toEqual([]);
  });
});
