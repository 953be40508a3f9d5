/**
 * `fabricsim export TIMELINE --format F [--out FILE]`: the three formats written whole, beside the timeline by
 * default; user mistakes as one line and exit 2; nothing half-written when the write or the export fails.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../sim/cli/errors.js';
import { defaultOutPath, type StreamFs, writeChunksAtomic } from '../../sim/cli/export/index.js';
import { perfettoTypes } from '../../sim/export/perfetto-proto.js';
import { SHIVIZ_REGEX } from '../../sim/export/shiviz.js';
import { readTimeline } from '../../sim/trace/format.js';
import { cli, FIXTURES, lines } from './helpers.js';

const PASS = join(FIXTURES, 'pass.yaml');
let dir = '';
let timeline = '';

beforeEach(async () => {
  dir = fs.mkdtempSync(join(tmpdir(), 'fabricsim-export-'));
  timeline = join(dir, 'run.timeline.json');
  expect((await cli('run', PASS, '--out', timeline)).code).toBe(0);
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('fabricsim export', () => {
  it('writes each format beside the timeline by default, and says where', async () => {
    const events = readTimeline(fs.readFileSync(timeline, 'utf8')).events.length;
    const perfetto = await cli('export', timeline, '--format', 'perfetto');
    expect(perfetto.code).toBe(0);
    expect(perfetto.stdout).toMatch(
      /^Perfetto \(protobuf\): .*run\.pftrace \([\d,]+ bytes, [\d,]+ events, [\d.]+ s\)\n$/,
    );
    const { Trace } = perfettoTypes();
    const decoded = Trace.decode(fs.readFileSync(join(dir, 'run.pftrace'))) as unknown as { packet: unknown[] };
    expect(decoded.packet.length).toBeGreaterThan(events);

    expect((await cli('export', timeline, '--format', 'chrome-json')).code).toBe(0);
    const json = JSON.parse(fs.readFileSync(join(dir, 'run.trace.json'), 'utf8'));
    expect(
      json.traceEvents.filter((e: { cat?: string; ph: string }) => e.cat === 'fabricsim' && e.ph === 'X'),
    ).toHaveLength(events);

    expect((await cli('export', timeline, '--format', 'shiviz')).code).toBe(0);
    const log = fs.readFileSync(join(dir, 'run.shiviz.log'), 'utf8').split('\n');
    expect(log[0]).toBe(SHIVIZ_REGEX);
    expect(log.length).toBe(events + 3);

    expect(fs.readdirSync(dir).sort()).toEqual([
      'run.pftrace',
      'run.shiviz.log',
      'run.timeline.json',
      'run.trace.json',
    ]);
  });

  it('writes where --out says, replacing an existing file', async () => {
    const out = join(dir, 'trace.bin');
    fs.writeFileSync(out, 'old');
    expect((await cli('export', timeline, '--format', 'shiviz', '--out', out)).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8').startsWith(SHIVIZ_REGEX)).toBe(true);
  });

  it('names the default output after the timeline', () => {
    expect(defaultOutPath('out/run.timeline.json', 'perfetto')).toBe(join('out', 'run.pftrace'));
    expect(defaultOutPath('a.json', 'chrome-json')).toBe('a.trace.json');
    expect(defaultOutPath('a', 'shiviz')).toBe('a.shiviz.log');
  });

  it.each([
    [['export'], 'fabricsim: missing TIMELINE'],
    [['export', 'x.json'], 'fabricsim: missing --format: one of perfetto, chrome-json, shiviz'],
    [
      ['export', 'x.json', '--format', 'perfeto'],
      'fabricsim: --format: unknown format "perfeto" (did you mean "perfetto"?); expected one of perfetto, chrome-json, shiviz',
    ],
    [['export', 'x.json', '--format'], 'fabricsim: option --format needs a value'],
    [['export', 'x.json', '--fromat', 'shiviz'], 'fabricsim: unknown option --fromat (did you mean --format?)'],
  ])('%j: exit 2 with one line and the usage', async (args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      message,
      'usage: fabricsim export TIMELINE --format perfetto|chrome-json|shiviz [--out FILE]',
    ]);
    expect(r.stdout).toBe('');
  });

  it('refuses a file that is not a timeline, or missing, with one line and exit 2, writing nothing', async () => {
    const scenario = await cli('export', PASS, '--format', 'shiviz', '--out', join(dir, 'x.log'));
    expect(scenario.code).toBe(2);
    expect(lines(scenario.stderr)).toHaveLength(1);
    expect(scenario.stderr).toMatch(/^fabricsim: .*pass\.yaml: not a timeline: /);
    const missing = await cli('export', join(dir, 'nope.json'), '--format', 'shiviz');
    expect(lines(missing.stderr)).toEqual([
      `fabricsim: cannot read ${join(dir, 'nope.json')}: no such file or directory`,
    ]);
    expect(missing.code).toBe(2);
    expect(fs.readdirSync(dir)).toEqual(['run.timeline.json']);
  });

  it('refuses an output it cannot write, or the timeline itself, before doing the work', async () => {
    const out = join(dir, 'missing', 'x.pftrace');
    const r = await cli('export', timeline, '--format', 'perfetto', '--out', out);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      `fabricsim: cannot write ${out}: no such file or directory (${join(dir, 'missing')})`,
    ]);
    const self = await cli('export', timeline, '--format', 'shiviz', '--out', timeline);
    expect(self.code).toBe(2);
    expect(lines(self.stderr)).toEqual([`fabricsim: --out ${timeline}: would overwrite the timeline it reads`]);
    expect(readTimeline(fs.readFileSync(timeline, 'utf8')).events.length).toBeGreaterThan(0);
  });

  it('refuses a run too long for the format with one line and exit 2, writing nothing', async () => {
    // Perfetto's timestamps are nanoseconds in a safe integer: about 104 days. The exporter's own error (loaded only
    // for this command) reaches the user as one line.
    const long = join(dir, 'long.yaml');
    fs.writeFileSync(long, fs.readFileSync(PASS, 'utf8').replace(/^duration: 1h$/m, 'duration: 120d'));
    const longTimeline = join(dir, 'long.timeline.json');
    expect((await cli('run', long, '--out', longTimeline)).code).toBe(0);
    const out = join(dir, 'long.pftrace');
    const r = await cli('export', longTimeline, '--format', 'perfetto', '--out', out);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      'fabricsim: the run is too long for nanosecond timestamps (more than about 104 days)',
    ]);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('pftrace'))).toEqual([]);
  });

  it('has help', async () => {
    const r = await cli('export', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: fabricsim export TIMELINE --format perfetto\|chrome-json\|shiviz/);
    expect((await cli('--help')).stdout).toMatch(/\n {2}export TIMELINE {3}/);
  });
});

describe('writeChunksAtomic', () => {
  it('writes every piece, text and bytes, in order', () => {
    const out = join(dir, 'pieces');
    const n = writeChunksAtomic(out, (sink) => {
      sink('ab');
      sink(new Uint8Array([0x63, 0x64]));
      sink('é');
    });
    expect(fs.readFileSync(out, 'utf8')).toBe('abcdé');
    expect(n).toBe(6);
  });

  it('leaves nothing behind and the old file untouched when the producer fails half-way', () => {
    const out = join(dir, 'keep');
    fs.writeFileSync(out, 'precious');
    expect(() =>
      writeChunksAtomic(out, (sink) => {
        sink('half');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(fs.readFileSync(out, 'utf8')).toBe('precious');
    expect(fs.readdirSync(dir).sort()).toEqual(['keep', 'run.timeline.json']);
  });

  it('turns a failed write (a full disk) into one line naming the file, and removes the temporary file', () => {
    const out = join(dir, 'full');
    const failing: StreamFs = {
      ...fs,
      writeSync: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    } as StreamFs;
    expect(() => writeChunksAtomic(out, (sink) => sink('data'), failing)).toThrow(
      new CliError(`cannot write ${out}: no space left on device`),
    );
    expect(fs.readdirSync(dir)).toEqual(['run.timeline.json']);
  });
});
