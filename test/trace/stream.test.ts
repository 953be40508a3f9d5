/**
 * Streaming a timeline (`runStreamed` + `timelineWriter`, what `run --out` uses) writes exactly the text
 * `JSON.stringify` gives for the timeline `runResolved` keeps in memory — for every committed scenario, including
 * events the model amends after recording them (a restart's deadline) — and holds back at most one event.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withPlugins } from '../../sim/cli/plugins.js';
import { loadScenario } from '../../sim/index.js';
import { runResolved, runStreamed } from '../../sim/run.js';
import { Recorder } from '../../sim/trace/recorder.js';
import { timelineWriter } from '../../sim/trace/stream.js';

const DIR = join('scenarios');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

function load(name: string) {
  const path = join(DIR, name);
  return loadScenario(readFileSync(path, 'utf8'), { fileName: path }).resolved;
}

/** The scenario's policy modules (scenarios/plugins/), loaded as the command line loads them. */
async function pluginsOf(name: string) {
  const path = join(DIR, name);
  return (await withPlugins(loadScenario(readFileSync(path, 'utf8'), { fileName: path }))).plugins;
}

describe('runStreamed + timelineWriter', () => {
  it.each(FILES)('%s: the streamed text is JSON.stringify(timeline) + newline, byte for byte', async (name) => {
    const sc = load(name);
    const plugins = await pluginsOf(name);
    const opts = plugins === undefined ? {} : { plugins };
    const whole = runResolved(sc, { ...opts, record: true });
    const pieces: string[] = [];
    const streamed = runStreamed(
      sc,
      timelineWriter((s) => pieces.push(s)),
      opts,
    );
    expect(streamed.summary.traceHash).toBe(whole.summary.traceHash);
    expect(pieces.join('')).toBe(`${JSON.stringify(whole.timeline)}\n`);
  });

  it('honours --until and --seed like runResolved', () => {
    const sc = load('random-faults.yaml');
    const opts = { seed: 7, untilUs: 3_600_000_000 };
    const whole = runResolved(sc, { ...opts, record: true });
    let text = '';
    runStreamed(
      sc,
      timelineWriter((s) => {
        text += s;
      }),
      opts,
    );
    expect(text).toBe(`${JSON.stringify(whole.timeline)}\n`);
  });

  it('writes in pieces of about a megabyte, not one string', () => {
    const sizes: number[] = [];
    const w = timelineWriter((s) => sizes.push(s.length));
    w.begin({} as never);
    for (let i = 0; i < 30_000; i++)
      w.event({ t: i, k: 'x', s: 'subject-with-a-longer-name', c: -1, x: 'y'.repeat(40) });
    w.end({} as never, 'h');
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThan(1.1 * (1 << 20));
  });
});

describe('Recorder.streamTo', () => {
  it('sends each event once it can no longer change, keeping only the latest', () => {
    const rec = new Recorder(true);
    rec.emit(0, 'a', 's', -1, 'first', undefined);
    rec.emit(1, 'b', 's', -1, 'second', undefined);
    const sent: string[] = [];
    rec.streamTo((e) => sent.push(e.k));
    expect(sent).toEqual(['a']);
    expect(rec.events!.map((e) => e.k)).toEqual(['b']);
    rec.emit(2, 'c', 's', -1, 'third', undefined);
    expect(sent).toEqual(['a', 'b']);
    expect(rec.events!.map((e) => e.k)).toEqual(['c']);
    rec.flush();
    expect(sent).toEqual(['a', 'b', 'c']);
    expect(rec.events).toEqual([]);
  });

  it('refuses when recording is off', () => {
    expect(() => new Recorder(false).streamTo(() => {})).toThrow(/recording is off/);
  });
});
