/**
 * The viewer in real Chromium on a failing run and its passing original: the failure tour opens from the address
 * `fabricsim serve --tour failure` gives, stops at the fault events and ends at the failing moment, each caption
 * matching the page's state; and the two runs shown side by side highlight the event `fabricsim diff` names.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diffCommand } from '../../sim/cli/commands/diff.js';
import { buildViewer, serveViewer, type ViewerServer } from '../../sim/cli/serve.js';
import { firstDivergence } from '../../sim/diff/index.js';
import { loadScenario, runScenario } from '../../sim/index.js';
import type { World } from '../../sim/spec/index.js';
import type { Timeline } from '../../sim/trace/index.js';
import { failureTour } from '../../viz/src/failure-tour.js';
import { failureStory } from '../../viz/src/model/failure-story.js';
import { planTour } from '../../viz/src/model/tour-match.js';
import { captionOf } from '../../viz/src/tours.js';
import { launchPersistentContext, theBrowser } from '../support/browser.js';

const FAILING = readFileSync('test/fixtures/two-crashes.yaml', 'utf8');
/** The same scenario without the second crash: the role keeps one Ready instance, so availability holds. */
const PASSING = FAILING.replace(/^ {2}- \{ id: second,.*\n/m, '').replace(/^ {2}- recovered:.*\n/m, '');

let server: ViewerServer;
let context: BrowserContext;
let profile: string;
let work: string;
let failing: Timeline;
let passing: Timeline;
let failingPath: string;
let passingPath: string;
const pages: { page: Page; errors: string[] }[] = [];

function run(text: string, fileName: string): Timeline {
  return runScenario(loadScenario(text, { fileName })).timeline!;
}

beforeAll(async () => {
  await theBrowser();
  await buildViewer();
  work = mkdtempSync(join(tmpdir(), 'fabricsim-compare-'));
  failing = run(FAILING, 'two-crashes.yaml');
  passing = run(PASSING, 'two-crashes-passing.yaml');
  failingPath = join(work, 'failing.timeline.json');
  passingPath = join(work, 'passing.timeline.json');
  writeFileSync(failingPath, JSON.stringify(failing));
  writeFileSync(passingPath, JSON.stringify(passing));
  server = await serveViewer({ timelinePath: passingPath, comparePath: failingPath, port: 0, tour: 'failure' });
  profile = mkdtempSync(join(tmpdir(), 'fabricsim-chromium-'));
  context = await launchPersistentContext(profile, { viewport: { width: 1400, height: 900 } });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

afterEach(async () => {
  const open = pages.splice(0);
  for (const { page } of open) await page.close();
  for (const { errors } of open) expect(errors, 'console errors').toEqual([]);
});

async function openPage(query: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  pages.push({ page, errors });
  await page.goto(server.url.split('?')[0]! + query);
  return page;
}

async function waitForRun(page: Page, hash: string): Promise<void> {
  await page.waitForSelector(`[data-testid=run-info][data-trace-hash="${hash}"]`, { timeout: 60_000 });
}

/** The page's state (the world after the events applied) and its selected event. */
function pageView(page: Page): Promise<{ world: World; selected: number; position: number }> {
  return page.evaluate(() => {
    const w = window as unknown as {
      fabricsim: { app: { selectedEvent: number; run: { replay: { state: unknown; position: number } } } };
    };
    const app = w.fabricsim.app;
    return {
      world: JSON.parse(JSON.stringify(app.run.replay.state)),
      selected: app.selectedEvent,
      position: app.run.replay.position,
    };
  });
}

function valueIn(world: World, entity: string, field: string): unknown {
  for (const c of world.clusters) {
    for (const x of [...c.nodes, ...c.instances, ...c.fc.replicas] as unknown as Record<string, unknown>[])
      if (x.id === entity) return x[field];
  }
  return undefined;
}

describe('a failing run in the viewer', () => {
  it('serves the address that opens the failing run with its tour, beside the passing one', () => {
    expect(server.url).toMatch(/\?timeline=\/run\.timeline\.json&compare=\/compare\.timeline\.json&tour=failure$/);
    expect(failing.summary.expectations.some((x) => !x.passed)).toBe(true);
    expect(passing.summary.expectations.every((x) => x.passed)).toBe(true);
  });

  it('opens the failure tour: steps at the fault events, captions true to the page, ending where it fails', async () => {
    const page = await openPage('?timeline=/compare.timeline.json&tour=failure');
    await waitForRun(page, failing.traceHash);
    expect(await page.locator('[data-testid=failure-tour]').isVisible()).toBe(true);
    await page.waitForSelector('[data-testid=tour-step][data-step="0"]');
    const tour = failureTour(failing)!;
    const story = failureStory(failing)!;
    const stops = planTour(failing.events, tour.steps);
    const captionAt = (i: number) =>
      captionOf(tour.steps[stops[i]!.step]!, {
        events: failing.events,
        event: stops[i]!.event,
        bound: stops[i]!.bound,
        policies: undefined,
      });
    expect(await page.textContent('[data-testid=tour-caption]')).toBe(captionAt(0));
    const visited: number[] = [];
    const broken: string[] = [];
    for (let i = 1; i < stops.length; i++) {
      await page.click('[data-testid=tour-continue]');
      await page.waitForSelector(`[data-testid=tour-step][data-step="${stops[i]!.step}"]`, { timeout: 30_000 });
      const view = await pageView(page);
      visited.push(view.selected);
      expect(view.position).toBe(view.selected + 1);
      expect(await page.textContent('[data-testid=tour-caption]')).toBe(captionAt(i));
      // Every state the caption names is the page's state at this step.
      const s = story.events[i - 1]!;
      for (const c of s.changes) {
        const last = s.changes.filter((d) => d.entity === c.entity && d.field === c.field).pop()!;
        const got = valueIn(view.world, c.entity, c.field);
        if (got !== last.value) broken.push(`step ${i}: ${c.entity}.${c.field} is ${got}, caption says ${last.value}`);
      }
    }
    expect(broken).toEqual([]);
    expect(visited).toEqual(story.events.map((s) => s.event));
    // The steps start at the two crashes, and the last one is where the role is gone.
    const faults = visited.filter((id) => failing.events[id]!.k === 'fault.start');
    expect(faults.map((id) => failing.events[id]!.s)).toEqual(['c0-r0-n0', 'c0-r1-n0']);
    const end = await pageView(page);
    const ready = end.world.clusters.flatMap((c) => c.instances).filter((x) => x.status === 'Ready');
    expect(ready).toEqual([]);
    expect(await page.textContent('[data-testid=tour-caption]')).toContain('the role is gone');
  });

  it('offers no failure tour for a passing run', async () => {
    const page = await openPage('?timeline=/run.timeline.json');
    await waitForRun(page, passing.traceHash);
    expect(await page.locator('[data-testid=failure-tour]').isHidden()).toBe(true);
  });

  it('shows the passing and the failing run side by side at the event fabricsim diff names', async () => {
    const i = firstDivergence(passing.events, failing.events);
    expect(i).toBeGreaterThan(0);
    let out = '';
    diffCommand([passingPath, failingPath], { out: (s: string) => void (out += s), err: () => {} } as never);
    expect(out).toContain(`timelines differ at event #${i}\n`);

    const page = await openPage('?timeline=/run.timeline.json&compare=/compare.timeline.json');
    await waitForRun(page, passing.traceHash);
    await page.waitForSelector('[data-testid=divergent-b]', { timeout: 30_000 });
    expect(await page.getAttribute('[data-testid=divergent-a]', 'data-event')).toBe(String(i));
    expect(await page.getAttribute('[data-testid=divergent-b]', 'data-event')).toBe(String(i));
    expect(await page.textContent('[data-testid=divergent-b]')).toContain(failing.events[i]!.k);
    expect(await page.textContent('[data-testid=compare-verdict]')).toContain(`event #${i}`);
    expect(await page.textContent('[data-testid=compare-b]')).toContain('fails “availability of shop.web');
    expect(await page.textContent('[data-testid=compare-a]')).toContain('expectations hold');
    // The page is at the divergent event of A, and "Show B here" switches every view to B at its own.
    expect((await pageView(page)).selected).toBe(i);
    await page.click('[data-testid=compare-show-b]');
    await waitForRun(page, failing.traceHash);
    expect(await page.getAttribute('[data-testid=run-info]', 'data-branch')).toBe('compare');
    expect((await pageView(page)).selected).toBe(i);
    expect(await page.getAttribute('[data-testid=compare-b]', 'class')).toContain('current');
    // The address keeps the comparison; closing it drops it.
    await page.waitForFunction(() => location.search.includes('compare='));
    await page.click('[data-testid=compare-close]');
    await page.waitForFunction(() => !location.search.includes('compare='));
    // The address changes at once; the panel is hidden by the next frame's render (a panel left open times out).
    await page.locator('[data-testid=compare-view]').waitFor({ state: 'hidden', timeout: 10_000 });
    await waitForRun(page, passing.traceHash);
  });
});
