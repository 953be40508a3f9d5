/**
 * The viewer's benchmark, in real Chromium: runs test/bench/viz-replay.yaml (10,000 instances, about a million
 * events), writes its timeline (version 3, the default: events in packed columns), builds and serves the viewer, and
 * measures in the page:
 *
 * - load: from navigation to a replay-ready page (download, parse, keyframes, analysis), and the file's size; the same
 *   run written in version 1 (one object per event) is loaded too, as the baseline, under `v1`, and in version 2
 *   (columns as lists of numbers) under `v2`, loaded just before the version-3 page; `again` loads version 3 and then
 *   version 2 once more after the page's figures (the other order), so that the two are compared in the same run;
 * - seek: random seeks anywhere in the run (state rebuilt from a keyframe plus patches, then one redraw), p50/p95;
 * - frame: playing at 1,000× with the canvas topology of 10,000 instances on screen, the time each frame takes to
 *   advance the state and redraw every view, p50/p95 (the budget for 60 frames a second is 16.7 ms).
 *
 * - decode in Node: the page's rebuilding of the event objects from the columns (`decodeColumns`), timed in Node on
 *   the same file, whole and without each of the parts an event may carry (patches, message, deadlines) — a figure
 *   that, unlike the page's, hardly moves with the machine's load; medians of 3, under `nodeDecode`.
 *
 * With `--region-day`, the same measures on scenarios/bench/region-day.yaml (100,000 instances, a day), recorded by
 * `fabricsim run --out`, under `regionDay`.
 *
 * `npm run bench -- viz-replay [--keep] [--region-day]`. Prints one JSON line. Like every bench it reports figures and
 * never fails on them; with no browser to be had it prints the finder's one line and exits 1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext } from 'playwright-core';
import { buildViewer, projectRoot, serveViewer } from '../../sim/cli/serve.js';
import { loadScenario, runScenario, writeTimeline } from '../../sim/index.js';
import { decodeColumns, type EventColumns, joinColumns, type TimelineEvent } from '../../sim/trace/index.js';
import { launchPersistentContext, NoBrowserError, theBrowser } from '../support/browser.js';

const SEEKS = 200;
const PLAY_MS = 6000;
const SPEED = 1000;

interface PageHooks {
  fabricsim: {
    app: {
      run: {
        replay: { n: number; seek(p: number): unknown };
        loadMs: number;
        timeline: { durationUs: number };
        timings: {
          parseMs: number;
          keyframesMs: number;
          analysisMs: number;
          backgroundKeyframesMs?: number;
          readMs?: number;
          unpackMs?: number;
          postMs?: number;
          receiveMs?: number;
          startMs?: number;
          pauseMs?: number;
          streamAnalysisMs?: number;
          version?: number;
        };
      } | null;
      speed: number;
      seekPosition(p: number): void;
      seekTime(t: number): void;
      setSpeed(s: number): void;
      play(): void;
      pause(): void;
      frameStats(): { p95: number; count: number; max: number };
      resetFrameStats(): void;
      frameTimes: Float64Array;
      frameCount: number;
    };
    showTab(tab: string): void;
  };
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))] ?? 0;
}

const round = (v: number): number => Math.round(v * 100) / 100;

/**
 * Milliseconds `decodeColumns` takes in Node for the events of the version-2 or -3 document `text`, a block at a time (as
 * the page takes them, a group of blocks at a time): whole, and with the patches, the messages, the deadlines, or all
 * three left out (their count columns zeroed), so that what each part costs is the difference. Medians of 3.
 */
function measureDecode(text: string): Record<string, number> {
  const doc = JSON.parse(text) as { version: 2 | 3; blocks: unknown[] };
  const blocks = doc.blocks.map((b) => joinColumns([b], doc.version));
  const without = (names: ('p' | 'm' | 'd')[]): EventColumns[] =>
    blocks.map((b) => {
      const zero = new Int32Array(b.n);
      return { ...b, ...Object.fromEntries(names.map((name) => [name, zero])) };
    });
  const variants: [string, EventColumns[]][] = [
    ['ms', blocks],
    ['withoutPatchesMs', without(['p'])],
    ['withoutMessagesMs', without(['m'])],
    ['withoutDeadlinesMs', without(['d'])],
    ['ownFieldsOnlyMs', without(['p', 'm', 'd'])],
  ];
  const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let rep = 0; rep < 3; rep++) {
    for (const [name, cols] of variants) {
      const t0 = performance.now();
      const strings: string[] = [];
      const out: TimelineEvent[] = [];
      for (const c of cols) decodeColumns(c, strings, out);
      times.get(name)!.push(performance.now() - t0);
    }
  }
  return Object.fromEntries([...times].map(([name, list]) => [name, Math.round(list.sort((a, b) => a - b)[1]!)]));
}

/** Bytes and gzipped bytes of the files in `dir` (recursively) whose name passes `filter`. */
function dirBytes(dir: string, filter: (name: string) => boolean): { bytes: number; gzip: number } {
  const total = { bytes: 0, gzip: 0 };
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      const sub = dirBytes(p, filter);
      total.bytes += sub.bytes;
      total.gzip += sub.gzip;
    } else if (filter(name)) {
      const data = readFileSync(p);
      total.bytes += data.length;
      total.gzip += gzipSync(data).length;
    }
  }
  return total;
}

/** Loads the page at `url` in a new tab and measures only the load: navigation to ready, and where it went. */
async function measureLoad(context: BrowserContext, url: string) {
  const page = await context.newPage();
  const l0 = performance.now();
  await page.goto(url);
  await page.waitForSelector('[data-testid=run-info][data-trace-hash]', { timeout: 600_000 });
  const loadMs = performance.now() - l0;
  const { prepareMs, timings } = await page.evaluate(() => {
    const { app } = (globalThis as unknown as PageHooks).fabricsim;
    return { prepareMs: app.run!.loadMs, timings: { ...app.run!.timings } };
  });
  await page.close();
  return {
    loadMs: Math.round(loadMs),
    prepareMs: Math.round(prepareMs),
    prepare: {
      readMs: Math.round(timings.readMs ?? -1),
      parseMs: Math.round(timings.parseMs),
      unpackMs: Math.round(timings.unpackMs ?? -1),
      postMs: Math.round(timings.postMs ?? -1),
      receiveMs: Math.round(timings.receiveMs ?? -1),
      startMs: Math.round(timings.startMs ?? 0),
      pauseMs: Math.round(timings.pauseMs ?? -1),
      keyframesMs: Math.round(timings.keyframesMs),
      analysisMs: Math.round(timings.analysisMs),
    },
  };
}

/** Loads the page at `url` in a new tab and measures it: load, seeks, frames at 1,000×, where the load went. */
async function measurePage(context: BrowserContext, url: string) {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });

  // 3. Load.
  const l0 = performance.now();
  await page.goto(url);
  await page.waitForSelector('[data-testid=run-info][data-trace-hash]', { timeout: 600_000 });
  const loadMs = performance.now() - l0;
  const prepareMs = await page.evaluate(() => (globalThis as unknown as PageHooks).fabricsim.app.run!.loadMs);

  // 4. Seeks: state from keyframe + patches, then the redraw of the next frame.
  const seek = await page.evaluate(async (count: number) => {
    const { app } = (globalThis as unknown as PageHooks).fabricsim;
    const g = globalThis as unknown as { requestAnimationFrame(cb: () => void): void };
    const n = app.run!.replay.n;
    let x = 12345;
    const state: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < count; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const p = x % (n + 1);
      const before = app.frameCount;
      const s0 = performance.now();
      app.seekPosition(p);
      const s1 = performance.now();
      await new Promise<void>((r) => g.requestAnimationFrame(() => r()));
      await new Promise<void>((r) => g.requestAnimationFrame(() => r()));
      const draw = app.frameCount > before ? app.frameTimes[before % app.frameTimes.length]! : 0;
      state.push(s1 - s0);
      total.push(s1 - s0 + draw);
    }
    return { state, total };
  }, SEEKS);

  // 5. Frames while playing at 1,000× on the canvas topology.
  await page.evaluate(() => (globalThis as unknown as PageHooks).fabricsim.showTab('topology'));
  const mode = await page.getAttribute('[data-testid=topology]', 'data-mode');
  const frames = await page.evaluate(
    async ({ speed, ms }: { speed: number; ms: number }) => {
      const { app } = (globalThis as unknown as PageHooks).fabricsim;
      app.seekTime(Math.floor(app.run!.timeline.durationUs / 4));
      app.setSpeed(speed);
      await new Promise((r) => setTimeout(r, 300));
      app.resetFrameStats();
      const p0 = (app.run!.replay as unknown as { position: number }).position;
      app.play();
      await new Promise((r) => setTimeout(r, ms));
      app.pause();
      const n = Math.min(app.frameCount, app.frameTimes.length);
      const p1 = (app.run!.replay as unknown as { position: number }).position;
      return { times: Array.from(app.frameTimes.subarray(0, n)), eventsPlayed: p1 - p0, frames: app.frameCount };
    },
    { speed: SPEED, ms: PLAY_MS },
  );
  // Where the load went, read last: keyframes are built in the background after the page is ready, while the
  // seeks and frames above were measured (as a person would meet them).
  const timings = await page.evaluate(async () => {
    const { app } = (globalThis as unknown as PageHooks).fabricsim;
    for (let i = 0; i < 600 && app.run!.timings.backgroundKeyframesMs === undefined; i++)
      await new Promise((r) => setTimeout(r, 100));
    return app.run!.timings;
  });
  await page.close();
  return { loadMs, prepareMs, seek, mode, frames, timings, errors };
}

/** The figures of one measured page, as the JSON line reports them. */
function figures(m: Awaited<ReturnType<typeof measurePage>>) {
  return {
    loadMs: Math.round(m.loadMs),
    prepareMs: Math.round(m.prepareMs),
    prepare: {
      version: m.timings.version,
      readMs: Math.round(m.timings.readMs ?? -1),
      parseMs: Math.round(m.timings.parseMs),
      unpackMs: Math.round(m.timings.unpackMs ?? -1),
      postMs: Math.round(m.timings.postMs ?? -1),
      receiveMs: Math.round(m.timings.receiveMs ?? -1),
      startMs: Math.round(m.timings.startMs ?? 0),
      pauseMs: Math.round(m.timings.pauseMs ?? -1),
      keyframesMs: Math.round(m.timings.keyframesMs),
      analysisMs: Math.round(m.timings.analysisMs),
      streamAnalysisMs: Math.round(m.timings.streamAnalysisMs ?? -1),
      backgroundKeyframesMs: Math.round(m.timings.backgroundKeyframesMs ?? -1),
    },
    seek: {
      n: SEEKS,
      stateP50Ms: round(percentile(m.seek.state, 0.5)),
      stateP95Ms: round(percentile(m.seek.state, 0.95)),
      p50Ms: round(percentile(m.seek.total, 0.5)),
      p95Ms: round(percentile(m.seek.total, 0.95)),
      maxMs: round(percentile(m.seek.total, 1)),
      targetMs: 50,
    },
    frame: {
      speed: SPEED,
      topology: m.mode,
      n: m.frames.times.length,
      fps: round(m.frames.frames / (PLAY_MS / 1000)),
      eventsPlayed: m.frames.eventsPlayed,
      p50Ms: round(percentile(m.frames.times, 0.5)),
      p95Ms: round(percentile(m.frames.times, 0.95)),
      maxMs: round(percentile(m.frames.times, 1)),
      targetMs: 20,
    },
    pageErrors: m.errors,
  };
}

export async function run(args: string[]): Promise<number> {
  try {
    await theBrowser();
  } catch (e) {
    if (!(e instanceof NoBrowserError)) throw e;
    console.error(e.message);
    console.log(JSON.stringify({ bench: 'viz-replay', error: 'no browser' }));
    return 1;
  }
  const root = projectRoot();
  const keep = args.includes('--keep');
  const work = mkdtempSync(join(tmpdir(), 'fabricsim-vizbench-'));
  try {
    // 1. The run, from the committed scenario.
    const file = join(root, 'test', 'bench', 'viz-replay.yaml');
    const sc = loadScenario(readFileSync(file, 'utf8'), { fileName: 'viz-replay.yaml' });
    const t0 = performance.now();
    const { timeline } = runScenario(sc, { record: true });
    const runMs = performance.now() - t0;
    const timelinePath = join(work, 'viz-replay.timeline.json');
    const text = writeTimeline(timeline!);
    writeFileSync(timelinePath, text);
    const bytes = Buffer.byteLength(text);
    const v1Path = join(work, 'viz-replay.v1.timeline.json');
    const v1Text = writeTimeline(timeline!, 1);
    writeFileSync(v1Path, v1Text);
    const v1Bytes = Buffer.byteLength(v1Text);
    const v2Path = join(work, 'viz-replay.v2.timeline.json');
    const v2Text = writeTimeline(timeline!, 2);
    writeFileSync(v2Path, v2Text);
    const v2Bytes = Buffer.byteLength(v2Text);
    const events = timeline!.events.length;
    const instances = timeline!.initial.clusters.reduce((n, c) => n + c.instances.length, 0);

    // 2. The viewer, built fresh and served.
    const b0 = performance.now();
    const dist = await buildViewer(root);
    const buildMs = performance.now() - b0;
    const bundle = {
      page: dirBytes(dist, (n) => n.endsWith('.js') && !n.startsWith('worker')),
      worker: dirBytes(dist, (n) => n.startsWith('worker') && n.endsWith('.js')),
      css: dirBytes(dist, (n) => n.endsWith('.css')),
    };
    const server = await serveViewer({ timelinePath, port: 0 });
    const profile = mkdtempSync(join(tmpdir(), 'fabricsim-vizbench-chromium-'));
    const context = await launchPersistentContext(profile, {
      args: ['--js-flags=--max-old-space-size=8192'],
      viewport: { width: 1600, height: 1000 },
    });
    const v1Server = await serveViewer({ timelinePath: v1Path, port: 0 });
    const v2Server = await serveViewer({ timelinePath: v2Path, port: 0 });
    try {
      // The baselines first (the same run in versions 1 and 2), then the figures, on version 3; then versions 3 and
      // 2 once more, in the other order.
      const v1 = { timelineMB: round(v1Bytes / 1e6), ...(await measureLoad(context, v1Server.url)) };
      const v2 = { timelineMB: round(v2Bytes / 1e6), ...(await measureLoad(context, v2Server.url)) };
      const m = await measurePage(context, server.url);
      const v3Again = await measureLoad(context, server.url);
      const v2Again = await measureLoad(context, v2Server.url);
      const again = {
        v3LoadMs: v3Again.loadMs,
        v2LoadMs: v2Again.loadMs,
        v3ParseMs: v3Again.prepare.parseMs,
        v2ParseMs: v2Again.prepare.parseMs,
      };
      // Region scale, on request: the region-day run recorded by the command line, served and measured the same way.
      let regionDay: Record<string, unknown> | undefined;
      if (args.includes('--region-day')) {
        const rdPath = join(work, 'region-day.timeline.json');
        const r0 = performance.now();
        execFileSync(
          process.execPath,
          [
            '--max-old-space-size=8192',
            join(root, 'bin', 'fabricsim.js'),
            'run',
            join(root, 'scenarios', 'bench', 'region-day.yaml'),
            '--out',
            rdPath,
          ],
          { stdio: ['ignore', 'ignore', 'inherit'] },
        );
        const recordMs = performance.now() - r0;
        const rdServer = await serveViewer({ timelinePath: rdPath, port: 0 });
        try {
          regionDay = {
            scenario: 'scenarios/bench/region-day.yaml',
            recordMs: Math.round(recordMs),
            timelineMB: round(statSync(rdPath).size / 1e6),
            ...figures(await measurePage(context, rdServer.url)),
          };
        } finally {
          await rdServer.close();
        }
      }
      // After the browser's figures: the decode's garbage in this process (which also serves the timeline) must not
      // be collected during the page's download.
      const nodeDecode = measureDecode(text);
      const result = {
        bench: 'viz-replay',
        scenario: 'test/bench/viz-replay.yaml',
        events,
        instances,
        engineRunMs: Math.round(runMs),
        timelineBytes: bytes,
        timelineMB: round(bytes / 1e6),
        timelineGzipMB: round(gzipSync(text).length / 1e6),
        viewerBuildMs: Math.round(buildMs),
        bundle,
        nodeDecode,
        ...figures(m),
        v1,
        v2,
        again,
        ...(regionDay ? { regionDay } : {}),
      };
      console.log(JSON.stringify(result));
    } finally {
      await context.close();
      await server.close();
      await v1Server.close();
      await v2Server.close();
      rmSync(profile, { recursive: true, force: true });
    }
  } finally {
    if (keep) console.error(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  return 0;
}
