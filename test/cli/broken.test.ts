/**
 * Every broken fixture gives exit 2 and exactly one line on stderr: `fabricsim: file:line:col: path: …` with what
 * was expected and what was found. (Mistakes that only the resolver can see are in broken-refs.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN, buildCli, cli, FIXTURES, lines, ROOT, removeBuild, spawnCli } from './helpers.js';

interface Case {
  /** The fixture given to `check`. */
  readonly file: string;
  /** The file the error is in (a base, for errors in an extended file); default `file`. */
  readonly in?: string;
  readonly line: number;
  readonly column: number;
  /** The document path shown, "" for the file as a whole. */
  readonly path: string;
  /** Words the message must contain (what was expected, what was found). */
  readonly words: readonly string[];
}

const CASES: readonly Case[] = [
  { file: 'yaml-syntax.yaml', line: 7, column: 1, path: '', words: ['invalid YAML', 'end with a ]'] },
  { file: 'bad-indentation.yaml', line: 9, column: 1, path: '', words: ['invalid YAML'] },
  { file: 'duplicate-key.yaml', line: 5, column: 1, path: '', words: ['invalid YAML', 'Map keys must be unique'] },
  { file: 'empty-file.yaml', line: 1, column: 1, path: '', words: ['expected a scenario', 'found an empty file'] },
  { file: 'not-a-mapping.yaml', line: 2, column: 1, path: '', words: ['expected a scenario', 'found a list'] },
  {
    file: 'wrong-type.yaml',
    line: 15,
    column: 20,
    path: 'services[0].roles[0].instances',
    words: ['expected a whole number ≥ 1', 'found "three"'],
  },
  {
    file: 'unknown-top-key.yaml',
    line: 8,
    column: 1,
    path: '',
    words: ['unknown key "fault"', '(did you mean "faults"?)'],
  },
  {
    file: 'unknown-nested-key.yaml',
    line: 11,
    column: 5,
    path: 'policies.fc',
    words: ['unknown key "hearbeatInterval"', '(did you mean "pollInterval"?)'],
  },
  { file: 'version-2.yaml', line: 2, column: 10, path: 'version', words: ['expected version 1', 'found 2'] },
  {
    file: 'missing-duration.yaml',
    line: 2,
    column: 1,
    path: 'duration',
    words: ['required but missing', 'expected a duration such as "250ms"'],
  },
  {
    file: 'malformed-duration.yaml',
    line: 15,
    column: 9,
    path: 'faults[2].at',
    words: ['expected a duration such as "250ms", "15s", "10m", "1h30m" or "2d"', 'found "ten minutes"'],
  },
  {
    file: 'negative-duration.yaml',
    line: 4,
    column: 11,
    path: 'duration',
    words: ['expected a duration', 'found "-5m"', 'durations cannot be negative'],
  },
  {
    file: 'non-finite.yaml',
    line: 10,
    column: 18,
    path: 'policies.fc.missedPolls',
    words: ['expected a number ≥ 0', 'found .inf'],
  },
  {
    file: 'bad-distribution.yaml',
    line: 10,
    column: 12,
    path: 'faults[0].every',
    words: ['expected a distribution such as "exponential(30d)"', 'found "exp(30d)"'],
  },
  {
    file: 'unknown-fault-kind.yaml',
    line: 10,
    column: 11,
    path: 'faults[0].kind',
    words: ['expected one of "role.crash"', 'found "node.crsh"', '(did you mean "node.crash"?)'],
  },
  {
    file: 'empty-clusters.yaml',
    line: 6,
    column: 13,
    path: 'topology.clusters',
    words: ['expected a list of at least 1 item', 'found an empty list'],
  },
  {
    file: 'unknown-expectation.yaml',
    line: 9,
    column: 5,
    path: 'expect[0]',
    words: ['unknown key "recoverd"', '(did you mean "recovered"?)'],
  },
  {
    file: 'bad-target.yaml',
    line: 11,
    column: 13,
    path: 'faults[0].target',
    words: ['expected a non-empty string or a mapping', 'found 5'],
  },
  {
    file: 'extends-missing.yaml',
    line: 2,
    column: 10,
    path: 'extends',
    words: ['cannot read base scenario "no-such-base.yaml"', 'no such file or directory'],
  },
  {
    file: 'extends-cycle-a.yaml',
    in: 'extends-cycle-b.yaml',
    line: 2,
    column: 10,
    path: 'extends',
    words: ['cycle:', 'extends-cycle-a.yaml → ', 'extends-cycle-b.yaml → '],
  },
  {
    file: 'extends-bad-base.yaml',
    in: '_base-with-error.yaml',
    line: 9,
    column: 19,
    path: 'policies.fc.pollInterval',
    words: ['expected a duration', 'found "fast"'],
  },
  { file: 'bad-json.json', line: 6, column: 1, path: '', words: ['invalid JSON'] },
  {
    file: 'wrong-type.json',
    line: 4,
    column: 15,
    path: 'duration',
    words: ['expected a duration', 'found 3600'],
  },
];

/** Asserts the one-line error of a case. */
function expectOneLineError(c: Case, code: number, stderr: string): void {
  expect(code).toBe(2);
  const errLines = lines(stderr);
  expect(errLines).toHaveLength(1);
  const line = errLines[0]!;
  const location = `${join(BROKEN, c.in ?? c.file)}:${c.line}:${c.column}: `;
  expect(line.startsWith(`fabricsim: ${location}`), line).toBe(true);
  const rest = line.slice(`fabricsim: ${location}`.length);
  if (c.path !== '') expect(rest.startsWith(`${c.path}: `), line).toBe(true);
  for (const w of c.words) expect(line).toContain(w);
  expect(line).not.toMatch(/\n|\bat .*\.js:\d+/);
}

describe('broken scenarios (check FILE, in process)', () => {
  it('has at least 20 broken fixtures, each used by a test', () => {
    const files = readdirSync(BROKEN).filter((f) => !f.startsWith('_') && f !== 'extends-cycle-b.yaml');
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of CASES) {
    it(`${c.file}: exit 2 and one line at ${c.in ?? c.file}:${c.line}:${c.column}`, async () => {
      const r = await cli('check', join(BROKEN, c.file));
      expectOneLineError(c, r.code, r.stderr);
    });
  }

  it('run FILE reports the same one line as check FILE', async () => {
    const c = CASES.find((x) => x.file === 'malformed-duration.yaml')!;
    const r = await cli('run', join(BROKEN, c.file));
    expectOneLineError(c, r.code, r.stderr);
    expect(r.stdout).toBe('');
  });

  it('check DIR reports every broken file, one line each, and exits 2', async () => {
    const r = await cli('check', BROKEN);
    expect(r.code).toBe(2);
    const errLines = lines(r.stderr);
    expect(errLines.length).toBeGreaterThanOrEqual(20);
    for (const l of errLines) expect(l).toMatch(/^fabricsim: \S+:\d+:\d+: /);
  });
});

describe('broken scenarios (child process)', () => {
  let bin = '';
  beforeAll(() => {
    bin = buildCli();
  });
  afterAll(removeBuild);

  for (const name of ['malformed-duration.yaml', 'yaml-syntax.yaml', 'extends-bad-base.yaml', 'bad-json.json']) {
    it(`${name}: exit code 2, one line on stderr, no stack trace`, () => {
      const c = CASES.find((x) => x.file === name)!;
      const r = spawnCli(bin, 'check', join(BROKEN, name));
      expectOneLineError(c, r.code, r.stderr);
      expect(r.stderr).not.toContain('Error');
    });
  }

  it("output cut short by the reader (| head) is no crash: no EPIPE stack, the exit code stays the command's", () => {
    // About 150 kB of table in one write, more than a pipe holds, so the write fails once head has gone.
    const args = Array.from({ length: 600 }, () => join(FIXTURES, 'pass.yaml')).join(' ');
    const script = `{ "${process.execPath}" "${bin}" check ${args}; echo "rc=$?" >&2; } | head -c 10 >/dev/null`;
    const r = spawnSync('sh', ['-c', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('rc=0\n');
  });

  it('a missing file: exit code 2, one line', () => {
    const r = spawnCli(bin, 'run', join(BROKEN, 'no-such-file.yaml'));
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      `fabricsim: cannot read ${join(BROKEN, 'no-such-file.yaml')}: no such file or directory`,
    ]);
  });
});
