/**
 * `run --out` writes the timeline atomically: on any failure nothing half-written remains and an existing file is
 * untouched.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../sim/cli/errors.js';
import { openAtomicWriter, writeFileAtomic } from '../../sim/cli/files.js';
import { readTimeline } from '../../sim/trace/format.js';
import { BROKEN, cli, FIXTURES, lines } from './helpers.js';

const PASS = join(FIXTURES, 'pass.yaml');
let dir = '';

beforeEach(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'fabricsim-out-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('run --out', () => {
  it('writes a timeline that readTimeline accepts, and no temporary file', async () => {
    const out = join(dir, 'run.timeline.json');
    const r = await cli('run', PASS, '--out', out);
    expect(r.code).toBe(0);
    const timeline = readTimeline(fs.readFileSync(out, 'utf8'));
    expect(timeline.events.length).toBeGreaterThan(0);
    expect(fs.readdirSync(dir)).toEqual(['run.timeline.json']);
    expect(r.stdout).toMatch(/Timeline: .*run\.timeline\.json \([\d,]+ bytes, [\d.]+ bytes\/event\)/);
  });

  it('writes version 3 (packed columns) unless --timeline-version 1 or 2 asks for another', async () => {
    const v3 = join(dir, 'v3.timeline.json');
    const v2 = join(dir, 'v2.timeline.json');
    const v1 = join(dir, 'v1.timeline.json');
    expect((await cli('run', PASS, '--out', v3)).code).toBe(0);
    expect((await cli('run', PASS, '--out', v2, '--timeline-version', '2')).code).toBe(0);
    expect((await cli('run', PASS, '--out', v1, '--timeline-version', '1')).code).toBe(0);
    const text3 = fs.readFileSync(v3, 'utf8');
    const text2 = fs.readFileSync(v2, 'utf8');
    const text1 = fs.readFileSync(v1, 'utf8');
    expect(JSON.parse(text3)).toMatchObject({ version: 3, eventCount: expect.any(Number) });
    expect(typeof JSON.parse(text3).blocks[0].b).toBe('string');
    expect(JSON.parse(text2)).toMatchObject({ version: 2, eventCount: expect.any(Number) });
    expect(JSON.parse(text2).blocks[0].t).toEqual(expect.any(Array));
    expect(JSON.parse(text1).version).toBe(1);
    expect(`${JSON.stringify(readTimeline(text3))}\n`).toBe(text1);
    expect(`${JSON.stringify(readTimeline(text2))}\n`).toBe(text1);
    expect(text3.length).toBeLessThan(text2.length);
    expect(text2.length).toBeLessThan(text1.length);
    // Commands that read timelines take every version.
    for (const [a, b] of [
      [v1, v3],
      [v2, v3],
    ]) {
      const diff = await cli('diff', a!, b!);
      expect(diff.code).toBe(0);
      expect(diff.stdout).toMatch(/^identical \(hash [0-9a-f]{16}, \d+ events\)/);
    }
  });

  it('refuses a --timeline-version other than 1, 2 or 3, or without --out: exit 2, one line', async () => {
    const bad = await cli('run', PASS, '--out', join(dir, 'x.json'), '--timeline-version', '4');
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)[0]).toBe('fabricsim: --timeline-version must be 1, 2 or 3, not "4"');
    const alone = await cli('run', PASS, '--timeline-version', '1');
    expect(alone.code).toBe(2);
    expect(lines(alone.stderr)[0]).toBe('fabricsim: --timeline-version needs --out');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('into a folder that does not exist: exit 2, one line, nothing created', async () => {
    const out = join(dir, 'missing', 'run.timeline.json');
    const r = await cli('run', PASS, '--out', out);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      `fabricsim: cannot write ${out}: no such file or directory (${join(dir, 'missing')})`,
    ]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('onto a folder: exit 2, the folder untouched', async () => {
    fs.mkdirSync(join(dir, 'taken'));
    const r = await cli('run', PASS, '--out', join(dir, 'taken'));
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`fabricsim: cannot write ${join(dir, 'taken')}: is a directory`]);
    expect(fs.readdirSync(join(dir, 'taken'))).toEqual([]);
  });

  it('leaves an existing file untouched when the run fails', async () => {
    const out = join(dir, 'keep.timeline.json');
    fs.writeFileSync(out, 'precious');
    const r = await cli('run', join(BROKEN, 'malformed-duration.yaml'), '--out', out);
    expect(r.code).toBe(2);
    expect(fs.readFileSync(out, 'utf8')).toBe('precious');
    expect(fs.readdirSync(dir)).toEqual(['keep.timeline.json']);
  });

  it('replaces an existing file when the run succeeds', async () => {
    const out = join(dir, 'old.timeline.json');
    fs.writeFileSync(out, 'old');
    expect((await cli('run', PASS, '--out', out)).code).toBe(0);
    expect(readTimeline(fs.readFileSync(out, 'utf8')).scenario.name).toBe('cli-pass');
  });

  it('with --json: stdout is the summary only; the timeline size goes to stderr', async () => {
    const out = join(dir, 'j.timeline.json');
    const r = await cli('run', PASS, '--json', '--out', out);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).scenario).toBe('cli-pass');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^timeline: .* bytes\/event\)\n$/);
  });
});

describe('writeFileAtomic', () => {
  it('writes the whole text', () => {
    const path = join(dir, 'a.txt');
    writeFileAtomic(path, 'hello');
    expect(fs.readFileSync(path, 'utf8')).toBe('hello');
  });

  it('on a failed rename: throws a CliError, removes the temporary file, keeps the old file', () => {
    const path = join(dir, 'a.txt');
    fs.writeFileSync(path, 'old');
    const failing = {
      ...fs,
      renameSync: () => {
        throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
      },
    };
    expect(() => writeFileAtomic(path, 'new', failing)).toThrow(CliError);
    expect(fs.readFileSync(path, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['a.txt']);
  });

  it('on a failed write (disk full): removes the half-written temporary file', () => {
    const path = join(dir, 'b.txt');
    const failing = {
      ...fs,
      writeFileSync: (fd: number, data: string) => {
        fs.writeFileSync(fd, data.slice(0, 2));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    } as typeof fs;
    expect(() => writeFileAtomic(path, 'hello', failing)).toThrow(`cannot write ${path}: no space left on device`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('openAtomicWriter', () => {
  it('writes the pieces in order under a temporary name, renamed into place on commit', () => {
    const path = join(dir, 'c.txt');
    const w = openAtomicWriter(path);
    w.write('hé');
    w.write('llo');
    expect(fs.readdirSync(dir)).toEqual([`c.txt.tmp-${process.pid}`]);
    expect(w.commit()).toBe(6);
    expect(fs.readFileSync(path, 'utf8')).toBe('héllo');
    expect(fs.readdirSync(dir)).toEqual(['c.txt']);
  });

  it('abort removes the temporary file and keeps the old file', () => {
    const path = join(dir, 'd.txt');
    fs.writeFileSync(path, 'old');
    const w = openAtomicWriter(path);
    w.write('new');
    w.abort();
    expect(fs.readFileSync(path, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['d.txt']);
  });

  it('on a failed write (disk full): a CliError naming the file, nothing left behind', () => {
    const path = join(dir, 'e.txt');
    const failing = {
      ...fs,
      writeSync: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    } as typeof fs;
    const w = openAtomicWriter(path, failing);
    expect(() => w.write('x')).toThrow(`cannot write ${path}: no space left on device`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
