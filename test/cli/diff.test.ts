import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { causeChain, firstDivergence } from '../../sim/cli/commands/diff.js';
import type { Timeline, TimelineEvent } from '../../sim/trace/format.js';
import { cli, lines } from './helpers.js';

function timeline(events: TimelineEvent[], traceHash: string, seed = 1): Timeline {
  return {
    format: 'fabricsim.timeline',
    version: 1,
    fabricsim: '0.1.0',
    scenario: { name: 'tiny', resolved: {} },
    seed,
    durationUs: 3_600_000_000,
    initial: {} as Timeline['initial'],
    events,
    summary: {} as Timeline['summary'],
    traceHash,
  };
}

const fault: TimelineEvent = { t: 600_000_000, k: 'fault.start', s: 'c0-r0-n1', c: -1, x: 'node c0-r0-n1 crashes' };
const poll: TimelineEvent = { t: 615_000_000, k: 'msg.poll', s: 'ha:c0-r0-n1', c: 0, x: 'poll gets no answer' };
const silentA: TimelineEvent = { t: 660_000_000, k: 'node.silent', s: 'c0-r0-n1', c: 1, x: 'missed 4 polls' };
const silentB: TimelineEvent = { t: 675_000_000, k: 'node.silent', s: 'c0-r0-n1', c: 1, x: 'missed 5 polls' };

let dir = '';
const path = (name: string) => join(dir, name);

beforeAll(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'fabricsim-diff-'));
  const write = (name: string, t: Timeline) => fs.writeFileSync(path(name), JSON.stringify(t));
  write('a.json', timeline([fault, poll, silentA], 'aaaa000000000001'));
  write('a2.json', timeline([fault, poll, { ...silentA, x: 'reworded text' }], 'aaaa000000000001'));
  write('b.json', timeline([fault, poll, silentB], 'bbbb000000000002', 2));
  write('short.json', timeline([fault, poll], 'cccc000000000003'));
  write('rehashed.json', timeline([fault, poll, silentA], 'dddd000000000004'));
  fs.writeFileSync(path('v9.json'), JSON.stringify({ ...timeline([], 'x'), version: 9 }));
  fs.writeFileSync(path('truncated.json'), JSON.stringify(timeline([fault, poll], 'x')).slice(0, 80));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('fabricsim diff', () => {
  it('says "identical" with the hash, exit 0', async () => {
    expect(await cli('diff', path('a.json'), path('a.json'))).toEqual({
      code: 0,
      stdout: 'identical (hash aaaa000000000001, 3 events)\n',
      stderr: '',
    });
  });

  it('ignores the human-readable text, as the trace hash does', async () => {
    expect((await cli('diff', path('a.json'), path('a2.json'))).code).toBe(0);
  });

  it('shows the first divergent event of each and its causes back to the root, exit 1', async () => {
    const r = await cli('diff', path('a.json'), path('b.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const out = lines(r.stdout);
    expect(out[0]).toBe('timelines differ at event #2');
    expect(out[1]).toContain('seed 1');
    expect(out[2]).toContain('seed 2');
    expect(r.stdout).toContain('A  #2  11m (660000000 µs)  node.silent  c0-r0-n1  missed 4 polls');
    expect(r.stdout).toContain('B  #2  11m15s (675000000 µs)  node.silent  c0-r0-n1  missed 5 polls');
    expect(r.stdout).toContain('   ← #1  10m15s (615000000 µs)  msg.poll  ha:c0-r0-n1  poll gets no answer');
    expect(r.stdout).toContain('   ← #0  10m (600000000 µs)  fault.start  c0-r0-n1  node c0-r0-n1 crashes  (root)');
  });

  it('reports a timeline that ends early', async () => {
    const r = await cli('diff', path('a.json'), path('short.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('B  (ends after 2 events)');
  });

  it('reports equal events with different hashes as a difference', async () => {
    const r = await cli('diff', path('a.json'), path('rehashed.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the trace hashes differ');
  });

  it('refuses unreadable, damaged and other-version files with one line, exit 2', async () => {
    const cases: [string, string][] = [
      [path('missing.json'), `cannot read ${path('missing.json')}: no such file or directory`],
      [path('truncated.json'), `${path('truncated.json')}: not a timeline: the file is not valid JSON`],
      [path('v9.json'), `${path('v9.json')}: unsupported timeline version 9`],
    ];
    for (const [file, message] of cases) {
      const r = await cli('diff', path('a.json'), file);
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr.startsWith(`fabricsim: ${message}`)).toBe(true);
    }
  });
});

describe('diff helpers', () => {
  it('firstDivergence is -1 for equal lists and the shorter length for a prefix', () => {
    expect(firstDivergence([fault, poll], [fault, poll])).toBe(-1);
    expect(firstDivergence([fault, poll], [fault])).toBe(1);
    expect(firstDivergence([fault], [poll])).toBe(0);
  });

  it('causeChain shortens long chains but keeps the root', () => {
    const events: TimelineEvent[] = [fault];
    for (let i = 1; i < 40; i++) events.push({ t: 600_000_000 + i, k: 'step', s: `s${i}`, c: i - 1, x: '' });
    const chain = causeChain(events, 39);
    expect(chain.length).toBeLessThanOrEqual(12);
    expect(chain[0]).toContain('#39');
    expect(chain.at(-1)).toContain('#0');
    expect(chain.at(-1)).toContain('(root)');
    expect(chain.some((l) => l.includes('more causes'))).toBe(true);
  });
});
