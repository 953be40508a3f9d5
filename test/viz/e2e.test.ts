/**
 * End-to-end tests of the viewer in real Chromium (the one test/support/browser.ts finds, through playwright-core): build
 * viz/dist with Vite, serve it with serveViewer, and drive the page like a person would. Any console error or
 * uncaught exception fails the test that caused it. Screenshots go to test-output/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatches, enablePatches } from 'immer';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildViewer, serveViewer, type ViewerServer } from '../../sim/cli/serve.js';
import { loadScenario, runScenario, type Scenario, writeTimeline } from '../../sim/index.js';
import type { World } from '../../sim/spec/world.js';
import type { Timeline } from '../../sim/trace/format.js';
import { causeChain } from '../../viz/src/model/cause.js';
import { securityRuleFork } from '../../viz/src/model/security-fork.js';
import { planTour } from '../../viz/src/model/tour-match.js';
import { applyChanges } from '../../viz/src/runner/apply-changes.js';
import { TOURS } from '../../viz/src/tours.js';
import { launchPersistentContext, theBrowser } from '../support/browser.js';
import { decodePng, distinctColours } from './png.js';

enablePatches();

const SHOTS = 'test-output/screenshots';

let server: ViewerServer;
let context: BrowserContext;
let profile: string;
let work: string;
let quick: Timeline;
let quickPath: string;
let bigPath: string;
const pages: { page: Page; errors: string[] }[] = [];

function runToTimeline(text: string, fileName: string, seed?: number): Timeline {
  const sc = loadScenario(text, { fileName });
  const { timeline } = runScenario(sc, seed === undefined ? {} : { seed });
  return timeline!;
}

/** The state after `p` events, by applying every patch in order (no keyframes): the reference for the page. */
function referenceState(tl: Timeline, p: number): World {
  let w = tl.initial;
  for (let i = 0; i < p; i++) {
    const patches = tl.events[i]!.p;
    if (patches?.length) w = applyPatches(w, patches as never);
  }
  return w;
}

/** A scenario big enough for the canvas topology (2,400 instances). */
const BIG_SCENARIO = `
version: 1
name: canvas-check
seed: 5
duration: 15m
topology:
  clusters:
    - id: c0
      racks: 8
      nodesPerRack: 40
services:
  - id: big
    roles:
      - { id: web, kind: web, instances: 1400 }
      - { id: worker, kind: worker, instances: 1000 }
faults:
  - { id: crash, at: 2m, kind: node.crash, target: c0-r2-n3 }
`;

beforeAll(async () => {
  await theBrowser(); // first: without a browser, fail at once with the line saying how to get one
  mkdirSync(SHOTS, { recursive: true });
  await buildViewer(); // viz/dist, with Vite's JS API
  work = mkdtempSync(join(tmpdir(), 'fabricsim-e2e-'));
  quick = runToTimeline(readFileSync('scenarios/quickstart.yaml', 'utf8'), 'quickstart.yaml');
  quickPath = join(work, 'quickstart.timeline.json');
  writeFileSync(quickPath, JSON.stringify(quick));
  bigPath = join(work, 'canvas.timeline.json');
  writeFileSync(bigPath, JSON.stringify(runToTimeline(BIG_SCENARIO, 'canvas-check.yaml')));
  server = await serveViewer({ timelinePath: quickPath, port: 0 });
  profile = mkdtempSync(join(tmpdir(), 'fabricsim-chromium-'));
  context = await launchPersistentContext(profile, {
    viewport: { width: 1400, height: 900 },
  });
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

async function openPage(query = '?timeline=/run.timeline.json'): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('dialog', (d) => {
    errors.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  pages.push({ page, errors });
  const base = server.url.split('?')[0]!;
  await page.goto(base + query);
  return page;
}

async function waitForRun(page: Page, hash?: string): Promise<void> {
  await page.waitForSelector('[data-testid=run-info][data-trace-hash]', { timeout: 60_000 });
  if (hash) await page.waitForSelector(`[data-testid=run-info][data-trace-hash="${hash}"]`, { timeout: 60_000 });
  await page.waitForTimeout(150);
}

/** Saves a screenshot of one element and checks that it is not blank (many distinct colours). */
async function shoot(page: Page, selector: string, name: string, minColours = 8): Promise<number> {
  const buf = await page.locator(selector).screenshot({ path: join(SHOTS, `${name}.png`) });
  const colours = distinctColours(decodePng(buf));
  expect(colours, `${name}: distinct colours`).toBeGreaterThanOrEqual(minColours);
  return colours;
}

/** Waits until the page has drawn the frame that follows the last action (views redraw once per frame). */
const settle = (page: Page) =>
  page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
const position = async (page: Page) => {
  await settle(page);
  return page.$eval('[data-testid=clock]', (el) => Number((el as HTMLElement).dataset.position));
};
const clock = async (page: Page) => {
  await settle(page);
  return page.$eval('[data-testid=clock]', (el) => el.textContent ?? '');
};
const attr = async (page: Page, selector: string, name: string) => {
  await settle(page);
  return page.getAttribute(selector, name);
};

function pageState(page: Page): Promise<unknown> {
  return page.evaluate(() => {
    const w = window as unknown as { fabricsim: { app: { run: { replay: { state: unknown } } } } };
    return JSON.parse(JSON.stringify(w.fabricsim.app.run.replay.state));
  });
}

describe('viewer (Chromium)', () => {
  it('loads a timeline from ?timeline= and draws every view with the expected entities', async () => {
    const page = await openPage();
    await waitForRun(page, quick.traceHash);
    expect(await page.textContent('[data-testid=run-info]')).toContain(quick.traceHash);
    // Topology: SVG, one element per node and instance.
    const topo = page.locator('[data-testid=topology]');
    expect(await topo.getAttribute('data-mode')).toBe('svg');
    const nodes = quick.initial.clusters.reduce((n, c) => n + c.nodes.length, 0);
    const instances = quick.initial.clusters.reduce((n, c) => n + c.instances.length, 0);
    expect(await page.locator('.topo-svg [data-kind=node]').count()).toBe(nodes);
    expect(await page.locator('.topo-svg [data-kind=instance]').count()).toBe(instances);
    await shoot(page, '.tab-body', 'topology');
    await shoot(page, '[data-testid=timeline]', 'timeline');
    await shoot(page, '[data-testid=event-log]', 'event-log');
    // Timeline marks: every fault, detection and recovery of the run.
    const marks = quick.events.filter((e) => ['fault.start', 'fault.end', 'detect', 'recover'].includes(e.k)).length;
    const failed = quick.summary.expectations.filter((x) => !x.passed).length;
    expect(await page.locator('.timeline g.marks path').count()).toBe(marks + failed);
    // Network, at the moment of a failed probe: messages drawn.
    const probe = quick.events.findIndex((e) => e.m && !e.m.ok);
    await page.evaluate(
      (id) => (window as never as { fabricsim: { app: { goToEvent(i: number): void } } }).fabricsim.app.goToEvent(id),
      probe,
    );
    await page.click('[data-testid=tab-network]');
    await page.waitForSelector('.net-messages [data-verdict=no-answer]');
    expect(Number(await page.locator('[data-testid=network]').getAttribute('data-count'))).toBeGreaterThan(0);
    const actors = new Set(quick.events.flatMap((e) => (e.m ? [e.m.from, e.m.to] : [])));
    expect(await page.locator('.net-static [data-actor]').count()).toBe(actors.size);
    await shoot(page, '.tab-body', 'network');
    // Space-time: arrows for the messages in its window.
    await page.click('[data-testid=tab-spacetime]');
    await page.waitForSelector('.st-svg line.arrow', { state: 'attached' });
    const arrows = await page.locator('.st-svg line.arrow').count();
    expect(Number(await page.locator('[data-testid=spacetime]').getAttribute('data-count'))).toBe(arrows);
    expect(arrows).toBeGreaterThan(0);
    await shoot(page, '.tab-body', 'spacetime');
    // Charts: one line per role, two availability lines, three security lines.
    await page.click('[data-testid=tab-charts]');
    await page.waitForSelector('.chart path.line');
    const roles = quick.initial.services.reduce((n, s) => n + s.roles.length, 0);
    expect(await page.locator('.chart path.line').count()).toBe(roles + 2 + 3);
    await shoot(page, '.tab-body', 'charts');
    await shoot(page, 'body', 'page', 20);
  });

  it('plays, pauses, seeks by clicking the timeline, and steps back to the exact earlier state', async () => {
    const page = await openPage();
    await waitForRun(page);
    expect(await clock(page)).toBe('00:00:00.000');
    await page.keyboard.press('+'); // faster
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector('[data-testid=clock]')?.textContent !== '00:00:00.000');
    await page.keyboard.press(' ');
    expect(await attr(page, '[data-testid=play]', 'aria-pressed')).toBe('false');
    // Seek: a click in the middle of the timeline lands around the middle of the run.
    const box = (await page.locator('.timeline .focus-bg').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const p = await position(page);
    const t = await page.evaluate(
      () => (window as never as { fabricsim: { app: { timeUs: number } } }).fabricsim.app.timeUs,
    );
    expect(Math.abs(t - quick.durationUs / 2)).toBeLessThan(quick.durationUs / 50);
    expect(p).toBe(quick.events.filter((e) => e.t <= t).length);
    expect(await pageState(page)).toEqual(referenceState(quick, p));
    // Step forward twice, back three times: exactly the reference state one event before.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(100);
    expect(await position(page)).toBe(p - 1);
    expect(await pageState(page)).toEqual(referenceState(quick, p - 1));
    // Grabbing the scrubber pauses playback.
    await page.keyboard.press(' ');
    const scrub = (await page.locator('[data-testid=scrubber]').boundingBox())!;
    await page.mouse.click(scrub.x + scrub.width * 0.8, scrub.y + scrub.height / 2);
    expect(await attr(page, '[data-testid=play]', 'aria-pressed')).toBe('false');
  });

  it('filters the event log by kind, subject and text, rendering only the visible rows', async () => {
    const page = await openPage();
    await waitForRun(page);
    const count = () => page.$eval('[data-testid=log-count]', (el) => Number((el as HTMLElement).dataset.count));
    expect(await count()).toBe(quick.events.length);
    const rows = await page.locator('.log-rows .log-row').count();
    expect(rows).toBeLessThan(quick.events.length); // virtualised
    await page.selectOption('[data-testid=log-kind]', 'msg.*');
    expect(await count()).toBe(quick.events.filter((e) => e.k.startsWith('msg.')).length);
    await page.selectOption('[data-testid=log-kind]', '');
    await page.fill('[data-testid=log-subject]', 'c0-r1-n0');
    expect(await count()).toBe(quick.events.filter((e) => e.s.toLowerCase().includes('c0-r1-n0')).length);
    await page.fill('[data-testid=log-subject]', '');
    await page.fill('[data-testid=log-text]', 'rotation');
    const expected = quick.events.filter((e) =>
      [e.x, e.k, e.s, e.r ?? ''].some((v) => v.toLowerCase().includes('rotation')),
    ).length;
    expect(expected).toBeGreaterThan(0);
    expect(await count()).toBe(expected);
    // Clicking a row seeks to it.
    await page.locator('.log-rows .log-row').first().click();
    const id = Number(await page.locator('.log-rows .log-row').first().getAttribute('data-id'));
    expect(await position(page)).toBe(id + 1);
  });

  it('explains an event: what happened, its cause chain back to the fault with times, and its topic', async () => {
    const page = await openPage();
    await waitForRun(page);
    const recover = quick.events.findIndex((e) => e.k === 'recover');
    await page.fill('[data-testid=log-text]', 'recovered');
    await page.locator(`.log-rows .log-row[data-id="${recover}"]`).click();
    await page.waitForSelector(`[data-testid=explanation] .panel-body[data-event="${recover}"]`);
    expect(await page.textContent('[data-testid=what]')).toBe(quick.events[recover]!.x);
    const chain = causeChain(quick.events, recover);
    expect(await page.locator('[data-testid=cause-chain] li').count()).toBe(chain.ids.length);
    expect(quick.events[chain.ids[0]!]!.k).toBe('fault.start');
    expect(await page.locator('[data-testid=cause-chain] li').first().textContent()).toContain('fault.start');
    expect(await page.textContent('[data-testid=topic]')).toContain('Role instance monitoring');
    await shoot(page, '[data-testid=explanation]', 'explanation');
    // Following a link in the chain goes to that event.
    await page.locator('[data-testid=cause-chain] li').first().locator('button').click();
    expect(await position(page)).toBe(chain.ids[0]! + 1);
  });

  it('follows the role-crash tour: Continue plays to the next matching event, Back returns', async () => {
    const page = await openPage();
    await waitForRun(page);
    await page.selectOption('[data-testid=tour-select]', 'role-crash');
    await page.waitForSelector('[data-testid=tour-step][data-step="0"]');
    await shoot(page, '[data-testid=tour]', 'tour', 4);
    await page.click('[data-testid=tour-continue]');
    await page.waitForSelector('[data-testid=tour-step][data-step="1"]', { timeout: 20_000 });
    const fault = quick.events.findIndex((e) => e.k === 'fault.start' && e.r === 'fault:role.crash');
    expect(await position(page)).toBe(fault + 1);
    expect(await page.textContent('[data-testid=inspector-id]')).toBe(quick.events[fault]!.s);
    await page.click('[data-testid=tour-continue]');
    await page.waitForSelector('[data-testid=tour-step][data-step="2"]', { timeout: 20_000 });
    const detect = quick.events.findIndex((e, i) => i > fault && e.k === 'detect');
    expect(await position(page)).toBe(detect + 1);
    await page.click('[data-testid=tour-back]');
    await page.waitForSelector('[data-testid=tour-step][data-step="1"]');
    expect(await position(page)).toBe(fault + 1);
    await page.click('[data-testid=tour-exit]');
    expect(await page.locator('[data-testid=tour]').isHidden()).toBe(true);
  });

  it('follows the node-failure tour to its end, showing exactly the steps whose events happen in the run', async () => {
    const tl = runToTimeline(readFileSync('scenarios/node-crash-healing.yaml', 'utf8'), 'node-crash-healing.yaml');
    const page = await openPage('?scenario=node-crash-healing&tour=node-healing');
    await waitForRun(page, tl.traceHash);
    await page.waitForSelector('[data-testid=tour-step][data-step="0"]');
    const tour = TOURS.find((t) => t.id === 'node-healing')!;
    const seen: number[] = [0];
    const claimsBroken: string[] = [];
    for (let i = 0; i < 16; i++) {
      const last = seen[seen.length - 1]!;
      await page.click('[data-testid=tour-continue]');
      const next = await page.waitForFunction(
        (prev) => {
          const step = document.querySelector('[data-testid=tour-step]')?.getAttribute('data-step');
          if (step && Number(step) > prev) return Number(step);
          return document.querySelector('[data-testid=tour-done]') ? -1 : false;
        },
        last,
        { timeout: 20_000 },
      );
      const step = (await next.jsonValue()) as number;
      if (step < 0) break;
      seen.push(step);
      // What the caption claims about the step's subject holds in the page's state.
      const claim = tour.steps[step]!.claim;
      if (!claim) continue;
      const p = await position(page);
      const subject = tl.events[p - 1]!.s.replace(/^[a-z]+:/, '');
      const world = (await pageState(page)) as World;
      for (const c of world.clusters) {
        const n = c.nodes.find((x) => x.id === subject);
        const inst = c.instances.find((x) => x.id === subject);
        const status = n?.status ?? inst?.status;
        if (claim.status && !claim.status.includes(status!)) claimsBroken.push(`step ${step}: ${subject} ${status}`);
        if (claim.powered !== undefined && n && n.powered !== claim.powered)
          claimsBroken.push(`step ${step}: ${subject} powered`);
        if (claim.inRotation !== undefined && inst && inst.inRotation !== claim.inRotation)
          claimsBroken.push(`step ${step}: ${subject} rotation`);
      }
    }
    expect(claimsBroken).toEqual([]);
    // The steps shown are those Continue reaches in this run: it follows the node that is healed (the first node
    // comes back from its reboot; the second does not, and its instance is started elsewhere).
    expect(seen).toEqual(planTour(tl.events, tour.steps).map((s) => s.step));
    for (const k of ['node.reboot', 'healing.start', 'instance.moved'])
      expect(seen).toContain(tour.steps.findIndex((st) => st.match?.k?.includes(k)));
    expect(seen.at(-1)).toBe(tour.steps.length - 1);
  });

  it('follows the attack tour on a security scenario run in the browser; hovering a refused message names its rule', async () => {
    const tl = runToTimeline(readFileSync('scenarios/security-corpnet-acl.yaml', 'utf8'), 'security-corpnet-acl.yaml');
    const page = await openPage('?scenario=security-corpnet-acl');
    await waitForRun(page, tl.traceHash);
    await page.selectOption('[data-testid=tour-select]', 'attack');
    await page.waitForSelector('[data-testid=tour-step][data-step="0"]');
    await page.click('[data-testid=tour-continue]');
    await page.waitForSelector('[data-testid=tour-step][data-step="1"]', { timeout: 20_000 });
    const allowed = tl.events.findIndex((e) => e.k.startsWith('traffic.') && e.m?.ok === true);
    expect(await position(page)).toBe(allowed + 1);
    await page.click('[data-testid=tour-continue]');
    await page.waitForSelector('[data-testid=tour-step][data-step="2"]', { timeout: 20_000 });
    const denied = tl.events.findIndex(
      (e, i) => i > allowed && e.k.startsWith('traffic.') && e.i === 'attack' && e.m?.ok === false,
    );
    expect(await position(page)).toBe(denied + 1);
    // The network view shows the refused message stopped at the wall; hovering it names the deciding rule.
    await page.waitForSelector(`.net-messages [data-event="${denied}"][data-verdict=denied]`);
    await page.hover(`.net-messages [data-event="${denied}"] .msg-dot`, { force: true });
    await page.waitForSelector('[data-testid=net-tooltip]', { state: 'visible' });
    expect(await page.textContent('[data-testid=net-tooltip]')).toContain(tl.events[denied]!.r!);
    await shoot(page, '.tab-body', 'network-attack');
    await page.click('[data-testid=tour-exit]');
    // The security chart counts what was allowed and denied.
    await page.click('[data-testid=tab-charts]');
    await page.keyboard.press('End');
    await page.waitForFunction(() => document.querySelectorAll('.chart').length === 3);
    await settle(page);
    const readout = await page.locator('.chart').nth(2).locator('.chart-readout').textContent();
    const denials = tl.events.filter(
      (e) => e.k.startsWith('traffic.') && !e.k.endsWith('.violation') && e.m?.ok === false,
    ).length;
    expect(readout).toContain(`denied: ${denials}`);
  });

  it('forks a denied attack from the Why? panel: "what if this rule had allowed it?" runs a branch with violations', async () => {
    const file = 'security-compute-connectivity.yaml';
    const text = readFileSync(`scenarios/${file}`, 'utf8');
    const tl = runToTimeline(text, file);
    const scan = tl.events.findIndex(
      (e) => e.k === 'traffic.connect' && e.r === 'lb:no-endpoint' && e.x.includes('shop.worker '),
    );
    expect(scan).toBeGreaterThanOrEqual(0);
    // The branch the page should produce: the same change applied here.
    const sc = loadScenario(text, { fileName: file });
    const change = securityRuleFork(tl.events[scan]!, tl.events[scan]!.t)!;
    const expected = runScenario({ ...sc, resolved: applyChanges(sc.resolved, [change]) } as Scenario, {
      record: false,
    });
    expect(expected.summary.security!.violations).toBeGreaterThan(0);
    const page = await openPage('?scenario=security-compute-connectivity');
    await waitForRun(page, tl.traceHash);
    await page.evaluate(
      (id) => (window as never as { fabricsim: { app: { goToEvent(i: number): void } } }).fabricsim.app.goToEvent(id),
      scan,
    );
    await page.waitForSelector('[data-testid=what-if-security-rule][data-action=allow]');
    // A policy parameter is not what decided it: the policy dialog is not offered.
    expect(await page.locator('[data-testid=what-if-rule]').count()).toBe(0);
    await page.click('[data-testid=what-if-security-rule]');
    await page.waitForSelector('[data-testid=branch-tree] [data-branch="fork-1"][data-status=ready]', {
      timeout: 60_000,
    });
    await page.waitForSelector('[data-testid=run-info][data-branch="fork-1"]');
    const hash = await attr(page, '[data-testid=run-info]', 'data-trace-hash');
    expect(hash).not.toBe(tl.traceHash);
    expect(hash).toBe(expected.summary.traceHash);
    expect(await page.locator('[data-testid=compare] tr.differs').count()).toBeGreaterThan(0);
  });

  it('forks a run with a node crash at the playhead; the same fork twice gives the same hash', async () => {
    const page = await openPage();
    await waitForRun(page);
    await page.evaluate(() =>
      (window as never as { fabricsim: { app: { seekTime(t: number): void } } }).fabricsim.app.seekTime(30 * 60e6),
    );
    await page.click('.topo-svg [data-entity="c0-r2-n0"]');
    await page.click('[data-testid=what-if]');
    // Only faults that would change something are offered: the node is up, so all three node faults are.
    const offered = await page
      .locator('[data-testid=fork-dialog] .fork-option')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind));
    expect(offered).toEqual(['node.crash', 'node.hardware', 'host-agent.crash']);
    await page.click('[data-testid=fork-node\\.crash]');
    await page.waitForSelector('[data-testid=branch-tree] [data-branch="fork-1"][data-status=ready]', {
      timeout: 60_000,
    });
    const forkHash = await attr(page, '[data-testid=run-info]', 'data-trace-hash');
    expect(forkHash).not.toBe(quick.traceHash);
    expect(await attr(page, '[data-testid=run-info]', 'data-branch')).toBe('fork-1');
    expect(await page.locator('[data-testid=compare] table').count()).toBe(1);
    await shoot(page, '[data-testid=branches]', 'branches');
    // Back to the original, and fork the same way again.
    await page.click('[data-testid=branch-tree] [data-branch="main"]');
    await page.waitForSelector(`[data-testid=run-info][data-trace-hash="${quick.traceHash}"]`);
    await page.evaluate(() =>
      (window as never as { fabricsim: { app: { seekTime(t: number): void } } }).fabricsim.app.seekTime(30 * 60e6),
    );
    await page.click('.topo-svg [data-entity="c0-r2-n0"]');
    await page.click('[data-testid=what-if]');
    await page.click('[data-testid=fork-node\\.crash]');
    await page.waitForSelector('[data-testid=branch-tree] [data-branch="fork-2"][data-status=ready]', {
      timeout: 60_000,
    });
    expect(await attr(page, '[data-testid=run-info]', 'data-trace-hash')).toBe(forkHash);
    // Change the rule that decided an event, from the Why? panel: fewer missed polls before a node is declared silent.
    const silent = quick.events.findIndex((e) => e.k === 'node.silent');
    await page.click('[data-testid=branch-tree] [data-branch="main"]');
    await page.waitForSelector(`[data-testid=run-info][data-branch="main"]`);
    await page.evaluate(
      (id) => (window as never as { fabricsim: { app: { goToEvent(i: number): void } } }).fabricsim.app.goToEvent(id),
      silent,
    );
    await page.click('[data-testid=what-if-rule]');
    expect(await page.inputValue('[data-testid=rule-key]')).toBe('fc.missedPolls');
    await page.fill('[data-testid=rule-value]', '2');
    await page.click('[data-testid=rule-run]');
    await page.waitForSelector('[data-testid=branch-tree] [data-branch="fork-3"][data-status=ready]', {
      timeout: 60_000,
    });
    await page.waitForSelector('[data-testid=run-info][data-branch="fork-3"]');
    const ruleHash = await attr(page, '[data-testid=run-info]', 'data-trace-hash');
    expect(ruleHash).not.toBe(quick.traceHash);
    expect(await page.locator('[data-testid=compare] tr.differs').count()).toBeGreaterThan(0);
    // A node that is down is not offered a crash.
    const crashed = quick.events.find((e) => e.k === 'fault.start' && e.r === 'fault:node.crash')!;
    await page.evaluate(
      (t) => (window as never as { fabricsim: { app: { seekTime(t: number): void } } }).fabricsim.app.seekTime(t + 1),
      crashed.t,
    );
    await page.click(`.topo-svg [data-entity="${crashed.s}"]`);
    await page.click('[data-testid=what-if]');
    const down = await page
      .locator('[data-testid=fork-dialog] .fork-option')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind));
    expect(down).not.toContain('node.crash');
    await page.keyboard.press('Escape');
  });

  it('runs a bundled scenario in the browser worker with the same trace hash as the command line', async () => {
    const seed = 7;
    let cliHash: string;
    const cli = 'dist/sim/cli/main.js';
    if (existsSync(cli)) {
      const out = execFileSync(
        'node',
        ['bin/fabricsim.js', 'run', 'scenarios/quickstart.yaml', '--seed', String(seed), '--json'],
        {
          encoding: 'utf8',
        },
      );
      cliHash = (JSON.parse(out) as { traceHash: string }).traceHash;
    } else {
      // The command line is not built here: compare with the same engine in Node, which is what it runs.
      cliHash = runToTimeline(readFileSync('scenarios/quickstart.yaml', 'utf8'), 'quickstart.yaml', seed).traceHash;
    }
    const page = await openPage(`?scenario=quickstart&seed=${seed}`);
    await waitForRun(page);
    expect(await attr(page, '[data-testid=run-info]', 'data-trace-hash')).toBe(cliHash);
    expect(page.url()).toContain('scenario=quickstart');
    // The header's run button does the same.
    await page.fill('[data-testid=seed-input]', String(seed));
    await page.click('[data-testid=run-scenario]');
    await waitForRun(page, cliHash);
  });

  it('keeps the run, the position and the selection in the address, so a link reproduces the view', async () => {
    const page = await openPage();
    await waitForRun(page);
    const target = quick.events.findIndex((e) => e.k === 'node.silent');
    await page.evaluate(
      (id) => (window as never as { fabricsim: { app: { goToEvent(i: number): void } } }).fabricsim.app.goToEvent(id),
      target,
    );
    await page.click('.topo-svg [data-entity="c0-r1-n0"]');
    await page.waitForFunction(() => location.search.includes('sel='));
    await page.waitForFunction((id) => location.search.includes(`ev=${id}`), target);
    const link = page.url();
    const again = await openPage(link.slice(link.indexOf('?')));
    await waitForRun(again);
    await again.waitForFunction(() => document.querySelector('[data-testid=inspector-id]')?.textContent === 'c0-r1-n0');
    expect(await position(again)).toBe(target + 1);
    expect(await clock(again)).toBe(await clock(page));
  });

  it('draws thousands of instances on a canvas, picked from a file', async () => {
    const page = await openPage('');
    await page.setInputFiles('[data-testid=file-input]', bigPath);
    await waitForRun(page);
    const topo = page.locator('[data-testid=topology]');
    expect(await topo.getAttribute('data-mode')).toBe('canvas');
    expect(Number(await topo.getAttribute('data-instances'))).toBe(2400);
    expect(Number(await topo.getAttribute('data-nodes'))).toBe(320);
    await shoot(page, '.tab-body', 'topology-canvas');
    // Collapsing to racks aggregates instances into counts.
    await page.selectOption('[data-testid=topo-level]', '1');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=topology]')?.getAttribute('data-instances') === '0',
    );
    expect(Number(await topo.getAttribute('data-summaries'))).toBe(8);
    await shoot(page, '.tab-body', 'topology-racks');
  });

  it("lays out the run's panels unseen while a linked timeline loads, so the views draw the run once at their size", async () => {
    // The timeline is served by a server of its own that holds the answer until the page has been looked at.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const slow = createServer((_req, res) => {
      void held.then(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
        res.end(readFileSync(quickPath));
      });
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const { port } = slow.address() as AddressInfo;
      const page = await openPage(`?timeline=${encodeURIComponent(`http://127.0.0.1:${port}/held.timeline.json`)}`);
      await page.waitForSelector('.app.loading');
      // Unseen but in place: the timeline panel has its width already; the welcome is not shown meanwhile.
      const box = await page.evaluate(() => {
        const el = document.querySelector<HTMLElement>('[data-testid=timeline]')!;
        return { width: el.clientWidth, visibility: getComputedStyle(el).visibility };
      });
      expect(box.width).toBeGreaterThan(600);
      expect(box.visibility).toBe('hidden');
      expect(await page.locator('[data-testid=welcome]').isVisible()).toBe(false);
      release();
      await waitForRun(page, quick.traceHash);
      expect(await page.locator('.app.loading').count()).toBe(0);
      expect(await page.locator('[data-testid=timeline]').isVisible()).toBe(true);
      expect(await page.locator('[data-testid=event-log]').isVisible()).toBe(true);
    } finally {
      release();
      await new Promise((r) => slow.close(r));
    }
  });

  it('opens a timeline dropped on the page', async () => {
    const page = await openPage('');
    await page.waitForSelector('[data-testid=welcome]');
    const text = readFileSync(quickPath, 'utf8');
    const dt = await page.evaluateHandle((json) => {
      const d = new DataTransfer();
      d.items.add(new File([json], 'dropped.timeline.json', { type: 'application/json' }));
      return d;
    }, text);
    await page.dispatchEvent('body', 'dragover', { dataTransfer: dt });
    await page.dispatchEvent('body', 'drop', { dataTransfer: dt });
    await waitForRun(page, quick.traceHash);
    expect(await page.locator('[data-testid=welcome]').isVisible()).toBe(false);
  });

  it('shows a readable message for damaged, truncated and wrong-version timelines, never a blank page', async () => {
    const page = await openPage('');
    await page.waitForSelector('[data-testid=welcome]');
    const good = JSON.stringify(quick);
    const cases: [string, string, RegExp][] = [
      ['truncated.json', good.slice(0, Math.floor(good.length / 2)), /not valid JSON.*truncated/],
      ['version.json', good.replace('"version":1', '"version":99'), /unsupported timeline version 99/],
      ['other.json', '{"hello":"world"}', /not a timeline/],
      ['damaged.json', good.replace(/"events":\[\{"t":\d+,/, '"events":[{"t":"soon",'), /damaged timeline: event 0/],
    ];
    for (const [name, text, message] of cases) {
      await page.setInputFiles('[data-testid=file-input]', {
        name,
        mimeType: 'application/json',
        buffer: Buffer.from(text),
      });
      await page.waitForSelector('[data-testid=error]:not(.hidden)');
      expect(await page.textContent('[data-testid=error-detail]')).toMatch(message);
      expect(await page.locator('[data-testid=welcome]').isVisible()).toBe(true);
      await shoot(page, 'body', `error-${name.replace('.json', '')}`, 6);
    }
  });

  it('renders names from scenario files as text, never as HTML', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const tl = structuredClone(quick) as { -readonly [K in keyof Timeline]: Timeline[K] };
    (tl.scenario as { name: string }).name = evil;
    const node = tl.initial.clusters[0]!.nodes[0]!;
    (node as { id: string }).id = evil;
    (tl.events as unknown as { s: string; x: string }[]).forEach((e) => {
      if (e.s === 'c0-r0-n0') e.s = evil;
      e.x = e.x.replace('c0-r0-n0', evil);
    });
    const page = await openPage('');
    await page.setInputFiles('[data-testid=file-input]', {
      name: 'evil.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(tl)),
    });
    await waitForRun(page);
    expect(await page.textContent('[data-testid=run-info]')).toContain(evil);
    await page.click(`.topo-svg [data-kind=node] >> nth=0`);
    expect(await page.textContent('[data-testid=inspector-id]')).toBe(evil);
    for (const tab of ['network', 'spacetime', 'charts', 'topology']) {
      await page.click(`[data-testid=tab-${tab}]`);
      await page.waitForTimeout(100);
    }
    await page.fill('[data-testid=log-subject]', '<img');
    expect(await page.locator('img').count()).toBe(0);
  });

  it('opens the keyboard help with ? and shows a legend for the colours', async () => {
    const page = await openPage();
    await waitForRun(page);
    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid=help][open]');
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=topology-legend] .legend-item').count()).toBeGreaterThan(8);
  });
});

/** A time as the viewer's clock shows it (HH:MM:SS.mmm). */
function formatClockUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(Math.floor(ms / 3_600_000))}:${p(Math.floor(ms / 60_000) % 60)}:${p(Math.floor(ms / 1000) % 60)}.${p(ms % 1000, 3)}`;
}

/** The event log's shown rows and whether each lies inside the log's viewport (as a person would see it). */
async function logRowsInView(page: Page): Promise<{ shown: number; outside: number; current: number | null }> {
  await settle(page);
  return page.evaluate(() => {
    const vp = document.querySelector('[data-testid=log-viewport]')!.getBoundingClientRect();
    let shown = 0;
    let outside = 0;
    let current: number | null = null;
    for (const row of document.querySelectorAll<HTMLElement>('.log-rows .log-row')) {
      if (row.style.display === 'none') continue;
      const r = row.getBoundingClientRect();
      // A row counts as seen when at least half of it lies inside the viewport.
      const seen = Math.min(r.bottom, vp.bottom) - Math.max(r.top, vp.top) >= r.height / 2;
      if (seen) shown++;
      else if (r.bottom > vp.top - 30 && r.top < vp.bottom + 30) {
        // a partly visible edge row: neither
      } else outside++;
      if (seen && row.classList.contains('current')) current = Number(row.dataset.id);
    }
    return { shown, outside, current };
  });
}

describe('the viewer as a student uses it (Chromium)', () => {
  it('shows the event log rows inside its viewport when a link opens a moment, and in every tour', async () => {
    const t = 1_300_000_000;
    const page = await openPage(`?timeline=/run.timeline.json&t=${t}`);
    await page.setViewportSize({ width: 1600, height: 1000 });
    await waitForRun(page);
    const p = quick.events.filter((e) => e.t <= t).length;
    expect(await position(page)).toBe(p);
    const atMoment = await logRowsInView(page);
    expect(atMoment.shown).toBeGreaterThan(3);
    expect(atMoment.outside).toBe(0);
    expect(atMoment.current).toBe(p - 1);
    await shoot(page, '[data-testid=event-log]', 'student-log-at-moment');
    for (const [query, hash] of [
      ['?timeline=/run.timeline.json&tour=role-crash', quick.traceHash],
      ['?timeline=/run.timeline.json&tour=node-healing', quick.traceHash],
      ['?scenario=security-corpnet-acl&tour=attack', undefined],
    ] as const) {
      const tp = await openPage(query);
      await tp.setViewportSize({ width: 1600, height: 1000 });
      await waitForRun(tp, hash);
      await tp.waitForSelector('[data-testid=tour-step][data-step="0"]');
      await tp.click('[data-testid=tour-continue]');
      await tp.waitForSelector('[data-testid=tour-step][data-step="1"]', { timeout: 20_000 });
      const seen = await logRowsInView(tp);
      expect(seen.shown, query).toBeGreaterThan(3);
      expect(seen.outside, query).toBe(0);
      expect(seen.current, query).toBe((await position(tp)) - 1);
    }
  });

  it('rewrites the event log for another run, marking its current event', async () => {
    const other = runToTimeline(
      readFileSync('scenarios/security-corpnet-acl.yaml', 'utf8'),
      'security-corpnet-acl.yaml',
    );
    const page = await openPage('?timeline=/run.timeline.json');
    await waitForRun(page, quick.traceHash);
    expect(await page.inputValue('[data-testid=scenario-select]')).toBe('quickstart');
    // The attack tour on a run without attacks offers to run the scenario that has them.
    await page.selectOption('[data-testid=tour-select]', 'attack');
    await page.click('[data-testid=tour-open-scenario]');
    await waitForRun(page, other.traceHash);
    await page.waitForSelector('[data-testid=tour-step][data-step="0"]');
    const rowsNow = () =>
      page.$$eval('.log-rows .log-row', (els) =>
        els
          .filter((e) => (e as HTMLElement).style.display !== 'none')
          .map((e) => ({
            id: Number((e as HTMLElement).dataset.id),
            kind: e.querySelector('.c-k')!.textContent,
            text: e.querySelector('.c-x')!.textContent,
            current: e.classList.contains('current'),
            attack: e.classList.contains('intent-attack'),
          })),
      );
    await settle(page);
    let rows = await rowsNow();
    expect(rows.length).toBeGreaterThan(3);
    // A scripted attempt shows its intent beside its kind; only intent "attack" is called (and marked) an attack.
    const words: Record<string, string> = {
      user: 'user visit',
      attack: 'attack',
      admin: 'administrator',
      service: 'service traffic',
      pipeline: 'build pipeline',
    };
    expect(rows.some((r) => other.events[r.id]!.i !== undefined)).toBe(true);
    for (const r of rows) {
      const e = other.events[r.id]!;
      expect(r.kind).toBe(e.i === undefined ? e.k : `${e.k} · ${words[e.i]}`);
      expect(r.attack).toBe(e.i === 'attack');
      expect(r.text).toBe(other.events[r.id]!.x);
      expect(r.current).toBe(false);
    }
    expect(await page.inputValue('[data-testid=scenario-select]')).toBe('security-corpnet-acl');
    await page.evaluate(
      (id) => (window as never as { fabricsim: { app: { goToEvent(i: number): void } } }).fabricsim.app.goToEvent(id),
      10,
    );
    await settle(page);
    rows = await rowsNow();
    for (const r of rows) {
      expect(r.text).toBe(other.events[r.id]!.x);
      expect(r.current).toBe(r.id === 10);
    }
    // A file of a scenario that is not bundled: the menu names none.
    const tl = structuredClone(quick) as { -readonly [K in keyof Timeline]: Timeline[K] };
    (tl.scenario as { name: string }).name = 'my-own-scenario';
    await page.setInputFiles('[data-testid=file-input]', {
      name: 'mine.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(tl)),
    });
    await page.waitForSelector('[data-testid=run-info]:has-text("my-own-scenario")');
    expect(await page.inputValue('[data-testid=scenario-select]')).toBe('');
  });

  it('keeps following the clock after an event is selected and playback goes on', async () => {
    const page = await openPage('?timeline=/run.timeline.json');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await waitForRun(page);
    await page.locator('.log-rows .log-row').nth(2).click();
    expect(await position(page)).toBe(3);
    await page.evaluate(() =>
      (window as never as { fabricsim: { app: { setSpeed(s: number): void; play(): void } } }).fabricsim.app.setSpeed(
        5000,
      ),
    );
    await page.keyboard.press(' ');
    // Until well into the run (or its end); read from the app, not the button, which updates a frame later.
    await page.waitForFunction(() => {
      const app = (
        window as never as { fabricsim: { app: { playing: boolean; run: { replay: { position: number } } } } }
      ).fabricsim.app;
      return app.run.replay.position > 60 || !app.playing;
    });
    // Pause (not Space: at the end of the run Space would start again from the beginning).
    await page.evaluate(() => (window as never as { fabricsim: { app: { pause(): void } } }).fabricsim.app.pause());
    const p = await position(page);
    expect(p).toBeGreaterThan(30);
    const seen = await logRowsInView(page);
    expect(seen.current).toBe(p - 1);
  });
  it('draws every space-time message from its sender to its receiver, and tells a dead receiver from a denial', async () => {
    const goTo = (page: Page, id: number) =>
      page.evaluate(
        (i) => (window as never as { fabricsim: { app: { goToEvent(i: number): void } } }).fabricsim.app.goToEvent(i),
        id,
      );
    /** Checks every arrow and cross in the space-time view against its lanes; returns the fates seen. */
    const checkArrows = async (page: Page) => {
      await settle(page);
      return page.evaluate(() => {
        const laneY = new Map<string, number>();
        for (const g of document.querySelectorAll<SVGGElement>('.st-svg .lane')) {
          laneY.set(g.dataset.actor!, Number(g.querySelector('.lane-line')!.getAttribute('y1')));
        }
        const bad: string[] = [];
        const fates: Record<string, number> = {};
        for (const l of document.querySelectorAll<SVGLineElement>('.st-svg line.arrow')) {
          const [from, to, fate] = [l.dataset.from!, l.dataset.to!, l.dataset.fate!];
          fates[fate] = (fates[fate] ?? 0) + 1;
          const y1 = Number(l.getAttribute('y1'));
          const y2 = Number(l.getAttribute('y2'));
          if (y1 !== laneY.get(from) || y2 !== laneY.get(to)) bad.push(`${from} → ${to}: ${y1} → ${y2}`);
          const cross = document.querySelector<SVGPathElement>(`.st-svg .arrow-x[data-event="${l.dataset.event}"]`);
          if ((fate === 'delivered') !== !cross) bad.push(`${from} → ${to} (${fate}): cross ${!!cross}`);
          if (cross) {
            // The cross lies on the message's own line.
            const [x1, x2] = [Number(l.getAttribute('x1')), Number(l.getAttribute('x2'))];
            const cx = Number(cross.dataset.x);
            const cy = Number(cross.dataset.y);
            const f = y2 !== y1 ? (cy - y1) / (y2 - y1) : (cx - x1) / (x2 - x1);
            if (f < 0 || f > 1 || Math.abs(x1 + f * (x2 - x1) - cx) > 0.2)
              bad.push(`${from} → ${to}: cross off its line`);
            if (fate === 'no-answer' && cy !== y2)
              bad.push(`${from} → ${to}: no answer, but the cross is not at ${to}`);
          }
        }
        return { bad, fates };
      });
    };
    // quickstart: the FC's polls to the crashed node's host agent, and the load balancer's probes, go unanswered.
    const page = await openPage('?timeline=/run.timeline.json&tab=spacetime');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await waitForRun(page);
    const poll = quick.events.findIndex((e) => e.k === 'msg.poll' && e.m && !e.m.ok);
    const silent = quick.events.findIndex((e) => e.k === 'node.silent');
    await goTo(page, silent);
    const seen = await checkArrows(page);
    expect(seen.bad).toEqual([]);
    expect(seen.fates['no-answer']).toBeGreaterThan(2);
    expect(seen.fates.denied).toBeUndefined();
    await shoot(page, '.tab-body', 'student-spacetime-no-answer');
    await goTo(page, poll);
    await settle(page);
    expect(await page.getAttribute('[data-testid=message-fate]', 'data-fate')).toBe('no-answer');
    const said = await page.textContent('[data-testid=message-fate]');
    expect(said).toContain(`no answer: ${quick.events[poll]!.m!.to} is down`);
    expect(said).not.toMatch(/denied|dropped/);
    await page.click('[data-testid=tab-network]');
    await page.waitForSelector(`.net-messages [data-event="${poll}"][data-verdict=no-answer]`);
    expect(await page.locator('.network .legend [data-fate]').count()).toBe(4);
    expect(await page.textContent('[data-testid=recent-messages]')).not.toMatch(/\bdenied\b/);
    // A VLAN denial of a guest agent's connection to the FC: from the guest agent's lane toward the FC's.
    const file = 'security-compute-connectivity.yaml';
    const tl = runToTimeline(readFileSync(`scenarios/${file}`, 'utf8'), file);
    const vlan = tl.events.findIndex((e) => e.m && !e.m.ok && (e.r ?? '').startsWith('vlan:'));
    expect(vlan).toBeGreaterThanOrEqual(0);
    const sec = await openPage('?scenario=security-compute-connectivity&tab=spacetime');
    await sec.setViewportSize({ width: 1600, height: 1000 });
    await waitForRun(sec, tl.traceHash);
    await goTo(sec, vlan);
    const secSeen = await checkArrows(sec);
    expect(secSeen.bad).toEqual([]);
    const arrow = sec.locator(`.st-svg line.arrow[data-event="${vlan}"]`);
    expect(await arrow.getAttribute('data-from')).toBe(tl.events[vlan]!.m!.from);
    expect(await arrow.getAttribute('data-to')).toBe(tl.events[vlan]!.m!.to);
    expect(await arrow.getAttribute('data-fate')).toBe('denied');
    expect(await sec.textContent('[data-testid=message-fate]')).toContain(`denied by rule ${tl.events[vlan]!.r}`);
    await shoot(sec, '.tab-body', 'student-spacetime-vlan');
    // Lane names are whole inside the view (none cut at its left edge) and no group name covers one.
    const labels = await sec.evaluate(() => {
      const svgLeft = document.querySelector('.st-svg')!.getBoundingClientRect().left;
      const box = (el: Element) => el.getBoundingClientRect();
      const lanes = [...document.querySelectorAll('.st-svg .lane-label')].map(box);
      const groups = [...document.querySelectorAll('.st-svg .group-label')].map(box);
      const cut = lanes.filter((r) => r.left < svgLeft).length;
      let covered = 0;
      for (const g of groups)
        for (const l of lanes)
          if (
            Math.min(g.right, l.right) - Math.max(g.left, l.left) > 0.5 &&
            Math.min(g.bottom, l.bottom) - Math.max(g.top, l.top) > 0.5
          )
            covered++;
      return { lanes: lanes.length, groups: groups.length, cut, covered };
    });
    expect(labels.lanes).toBeGreaterThan(5);
    expect(labels.groups).toBeGreaterThan(1);
    expect(labels.cut).toBe(0);
    expect(labels.covered).toBe(0);
  });
  it("lays out the Network view without overlapping labels, and routes each message through its own zone's wall", async () => {
    const file = 'security-corpnet-acl.yaml';
    const tl = runToTimeline(readFileSync(`scenarios/${file}`, 'utf8'), file);
    const page = await openPage('?scenario=security-corpnet-acl&tab=network');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await waitForRun(page, tl.traceHash);
    // An admitted corporate-network connection to the cluster's management endpoint.
    const corp = tl.events.findIndex(
      (e) => e.m?.ok === true && e.m.from.startsWith('corpnet:') && e.m.to.startsWith('fc:'),
    );
    expect(corp).toBeGreaterThanOrEqual(0);
    await page.evaluate(
      (id) => (window as never as { fabricsim: { app: { goToEvent(i: number): void } } }).fabricsim.app.goToEvent(id),
      corp,
    );
    await page.waitForSelector(`.net-messages [data-event="${corp}"]`);
    const layout = await page.evaluate((id) => {
      const box = (el: Element) => {
        const r = el.getBoundingClientRect();
        return { x0: r.left, y0: r.top, x1: r.right, y1: r.bottom };
      };
      const texts = [...document.querySelectorAll('.net-static text')].map((t) => ({ text: t.textContent, ...box(t) }));
      const walls = [...document.querySelectorAll<SVGRectElement>('.net-static rect.wall')].map((w) => ({
        label: w.dataset.wall!,
        x: Number(w.getAttribute('x')) + 4,
        y0: Number(w.getAttribute('y')),
        y1: Number(w.getAttribute('y')) + Number(w.getAttribute('height')),
      }));
      const points = document
        .querySelector(`.net-messages [data-event="${id}"] polyline`)!
        .getAttribute('points')!
        .split(' ')
        .map((p) => p.split(',').map(Number) as [number, number]);
      return { texts, walls, points };
    }, corp);
    const overlaps: string[] = [];
    layout.texts.forEach((a, i) => {
      for (const b of layout.texts.slice(i + 1)) {
        const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
        const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
        if (w > 0.5 && h > 0.5) overlaps.push(`"${a.text}" × "${b.text}"`);
      }
    });
    expect(overlaps).toEqual([]);
    expect(layout.texts.filter((t) => t.text?.startsWith('198.51.100.')).length).toBeGreaterThan(3);
    const edge = layout.walls.find((w) => w.label.startsWith('edge'))!;
    const corpWall = layout.walls.find((w) => w.label.startsWith('corpnet'))!;
    const through = layout.points.filter(([x]) => x === corpWall.x);
    expect(through.length).toBe(1);
    const [, y] = through[0]!;
    expect(y).toBeGreaterThanOrEqual(corpWall.y0);
    expect(y).toBeLessThanOrEqual(corpWall.y1);
    expect(y < edge.y0 || y > edge.y1).toBe(true);
    await shoot(page, '.tab-body', 'student-network-labels');
  });
  it('names the part of the document an event illustrates by its kind: a node crash is about service healing', async () => {
    const page = await openPage();
    await waitForRun(page);
    const topicAt = async (id: number) => {
      await page.evaluate(
        (i) => (window as never as { fabricsim: { app: { goToEvent(i: number): void } } }).fabricsim.app.goToEvent(i),
        id,
      );
      await page.waitForSelector(`[data-testid=explanation] .panel-body[data-event="${id}"]`);
      return page.textContent('[data-testid=topic]');
    };
    const nodeCrash = quick.events.findIndex((e) => e.k === 'fault.start' && e.r === 'fault:node.crash');
    expect(await topicAt(nodeCrash)).toContain('failed node');
    const probe = quick.events.findIndex((e) => e.k === 'msg.probe');
    expect(await topicAt(probe)).toContain('health checks');
    const roleCrash = quick.events.findIndex((e) => e.k === 'fault.start' && e.r === 'fault:role.crash');
    const topic = await topicAt(roleCrash);
    expect(topic).toContain('Role instance monitoring and restart');
    expect(topic).not.toContain('failed node');
  });
  it('draws the recovery ladder beside the selected node or instance: the rung it is on, time spent, next deadline', async () => {
    const file = 'node-crash-healing.yaml';
    const tl = runToTimeline(readFileSync(`scenarios/${file}`, 'utf8'), file);
    const page = await openPage('?scenario=node-crash-healing');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await waitForRun(page, tl.traceHash);
    const go = async (id: number, sel: string) => {
      await page.evaluate(
        ([i, s]) => {
          const app = (
            window as never as { fabricsim: { app: { goToEvent(i: number): void; select(s: string): void } } }
          ).fabricsim.app;
          app.goToEvent(i as number);
          app.select(s as string);
        },
        [id, sel] as const,
      );
      await settle(page);
      await page.waitForSelector('[data-testid=ladder]');
      return page.$$eval('[data-testid=ladder] .rung', (els) =>
        Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.rung, (e as HTMLElement).dataset.state])),
      );
    };
    const second = tl.events.findIndex((e, i) => e.k === 'fault.start' && i > 0);
    const node = tl.events[second]!.s;
    const reboot = tl.events.findIndex((e, i) => i > second && e.k === 'node.reboot');
    // On the host-reboot rung, with the boot wait armed by the reboot as the deadline for the next rung.
    expect(await go(reboot, node)).toEqual({
      restart: 'skipped',
      vm: 'skipped',
      host: 'current',
      healing: 'ahead',
      repair: 'ahead',
    });
    const wait = tl.events[reboot]!.d!.reduce((a, d) => (d.t > a.t ? d : a));
    expect(await page.textContent('[data-testid=ladder-deadline]')).toContain(`next rung by ${formatClockUs(wait.t)}`);
    await shoot(page, '[data-testid=inspector]', 'student-ladder-host');
    // Out for repair, its instance healed onto another node.
    const moved = tl.events.findIndex((e, i) => i > reboot && e.k === 'instance.moved');
    expect(await go(moved, node)).toMatchObject({ host: 'done', healing: 'done', repair: 'current' });
    const inst = tl.events[moved]!.s;
    expect(await go(moved, inst)).toMatchObject({ host: 'done', healing: 'done' });
    // After the recovery the ladder says so.
    const recovered = tl.events.findIndex((e, i) => i > moved && e.k === 'recover');
    await go(recovered, node);
    expect(await page.getAttribute('[data-testid=ladder]', 'data-recovered')).toBe('true');
    // A role crash climbs only the first rung.
    await page.selectOption('[data-testid=scenario-select]', 'quickstart');
    await page.click('[data-testid=run-scenario]');
    await waitForRun(page, quick.traceHash);
    const restart = quick.events.findIndex((e) => e.k === 'instance.restart');
    expect(await go(restart, quick.events[restart]!.s)).toMatchObject({ restart: 'current', vm: 'ahead' });
  });
  it('draws the crash-loop climb on the ladder: restarts, then the FC reimages; a failing package stays on restarts', async () => {
    const page = await openPage('?scenario=crash-loop-recovery');
    await page.setViewportSize({ width: 1600, height: 1000 });
    const tl = runToTimeline(readFileSync('scenarios/crash-loop-recovery.yaml', 'utf8'), 'crash-loop-recovery.yaml');
    await waitForRun(page, tl.traceHash);
    const go = async (id: number, sel: string) => {
      await page.evaluate(
        ([i, s]) => {
          const app = (
            window as never as { fabricsim: { app: { goToEvent(i: number): void; select(s: string): void } } }
          ).fabricsim.app;
          app.goToEvent(i as number);
          app.select(s as string);
        },
        [id, sel] as const,
      );
      await settle(page);
      await page.waitForSelector('[data-testid=ladder]');
      return page.$$eval('[data-testid=ladder] .rung', (els) =>
        Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset.rung, (e as HTMLElement).dataset.state])),
      );
    };
    const loop = tl.events.findIndex((e) => e.k === 'instance.crash-loop');
    const inst = tl.events[loop]!.s;
    // The crash before the loop: on the restart rung, counting crashes against the crash-loop rule.
    const lastWhere = (f: (e: Timeline['events'][number], i: number) => boolean) =>
      tl.events.reduce((found, e, i) => (f(e, i) ? i : found), -1);
    const crashBefore = lastWhere((e, i) => i < loop && e.k === 'instance.crash' && e.s === inst);
    const fourth = lastWhere((e, i) => i < crashBefore && e.k === 'instance.restart' && e.s === inst);
    expect(await go(fourth, inst)).toMatchObject({ restart: 'current', vm: 'ahead' });
    expect(await page.getAttribute('[data-testid=ladder-crash-loop]', 'data-crashes')).toBe('4');
    // The FC's reimage: the VM rung, the restarts of the loop's crashes done before it.
    const reimage = tl.events.findIndex((e) => e.k === 'instance.reimage');
    expect(await go(reimage, inst)).toEqual({
      restart: 'done',
      vm: 'current',
      host: 'ahead',
      healing: 'ahead',
      repair: 'ahead',
    });
    expect(await page.textContent('[data-testid=ladder] [data-rung=restart] [data-testid=ladder-tries]')).toContain(
      '×4',
    );
    expect(await page.textContent('[data-testid=ladder-deadline]')).toContain('waits for vm.ready');
    expect(await page.textContent('[data-testid=ladder-move-by]')).toContain('the FC moves it to another node');
    await shoot(page, '[data-testid=inspector]', 'student-ladder-crash-loop');
    // A failing package: the loop is alerted, the FC is not asked, restarts go on at the capped back-off.
    const fu = runToTimeline(readFileSync('scenarios/failing-upgrade.yaml', 'utf8'), 'failing-upgrade.yaml');
    await page.selectOption('[data-testid=scenario-select]', 'failing-upgrade');
    await page.click('[data-testid=run-scenario]');
    await waitForRun(page, fu.traceHash);
    const pkgLoop = fu.events.findIndex((e) => e.k === 'instance.crash-loop');
    const pkgInst = fu.events[pkgLoop]!.s;
    const after = fu.events.findIndex((e, i) => i > pkgLoop && e.k === 'instance.restart' && e.s === pkgInst);
    expect(await go(after, pkgInst)).toMatchObject({ restart: 'current', vm: 'ahead' });
    expect(await page.getAttribute('[data-testid=ladder-crash-loop]', 'data-package')).toBe('true');
    expect(await page.textContent('[data-testid=ladder-crash-loop]')).toContain('no further rung');
    await shoot(page, '[data-testid=inspector]', 'student-ladder-package');
  });
  it('marks everything that is not Ready on the canvas topology, with rings and an overview strip', async () => {
    const page = await openPage('');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.setInputFiles('[data-testid=file-input]', bigPath);
    await waitForRun(page);
    expect(await page.getAttribute('[data-testid=topology]', 'data-mode')).toBe('canvas');
    expect(await attr(page, '[data-testid=topology]', 'data-not-ready')).toBe('0');
    await page.evaluate(() =>
      (window as never as { fabricsim: { app: { seekTime(t: number): void } } }).fabricsim.app.seekTime(4 * 60e6),
    );
    await settle(page);
    const world = (await pageState(page)) as World;
    const notReady =
      world.clusters.reduce(
        (n, c) =>
          n +
          c.nodes.filter((x) => x.status !== 'Ready').length +
          c.instances.filter((x) => x.status !== 'Ready').length,
        0,
      ) ?? 0;
    expect(notReady).toBeGreaterThan(1);
    expect(Number(await attr(page, '[data-testid=topology]', 'data-not-ready'))).toBe(notReady);
    // The overview strip at the canvas's right edge shows them, whatever part of the layout is in view.
    const box = (await page.locator('.topo-canvas').boundingBox())!;
    const strip = await page.screenshot({
      clip: { x: box.x + box.width - 8, y: box.y, width: 8, height: box.height },
      path: join(SHOTS, 'student-topology-strip.png'),
    });
    const img = decodePng(strip);
    let marked = 0;
    for (let i = 0; i < img.rgba.length; i += 4) {
      const [r, g, b] = [img.rgba[i]!, img.rgba[i + 1]!, img.rgba[i + 2]!];
      if (r > 150 && g < 140 && b < 100)
        marked++; // orange-red: Unhealthy node border or Unresponsive instance
      else if (r < 160 && g < 160 && b < 170 && Math.abs(r - b) < 30) marked++; // grey: Stopped instances
    }
    expect(marked).toBeGreaterThan(0);
    await shoot(page, '.tab-body', 'student-topology-not-ready');
  });
  it('counts missed polls on a node of the canvas topology, 1 … 4 then silent, drawn on the node', async () => {
    const tl = JSON.parse(readFileSync(bigPath, 'utf8')) as Timeline;
    const crash = tl.events.find((e) => e.k === 'fault.start' && e.s === 'c0-r2-n3')!;
    const node = 'c0-r2-n3';
    const fails = tl.events.filter((e) => e.k === 'msg.poll' && e.s === `ha:${node}` && e.m && !e.m.ok);
    const silent = tl.events.find((e) => e.k === 'node.silent' && e.s === node)!;
    expect(fails.length).toBeGreaterThanOrEqual(4);
    const page = await openPage('');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.setInputFiles('[data-testid=file-input]', bigPath);
    await waitForRun(page, tl.traceHash);
    expect(await page.getAttribute('[data-testid=topology]', 'data-mode')).toBe('canvas');
    const seek = async (t: number) => {
      await page.evaluate(
        (at) => (window as never as { fabricsim: { app: { seekTime(t: number): void } } }).fabricsim.app.seekTime(at),
        t,
      );
      await settle(page);
    };
    type Badge = { node: string; text: string; x: number; y: number; w: number; h: number };
    const badges = async () =>
      JSON.parse((await attr(page, '[data-testid=topology]', 'data-missed-polls')) ?? '[]') as Badge[];
    await seek(fails[1]!.t);
    // Scroll the canvas until the node is in view (only what is in view is drawn).
    const stage = page.locator('[data-testid=topology-stage]');
    let badge: Badge | undefined;
    for (let step = 0; step < 40 && !badge; step++) {
      badge = (await badges()).find((b) => b.node === node);
      if (badge) break;
      await stage.evaluate((el) => {
        el.scrollTop += el.clientHeight / 2;
      });
      await settle(page);
      await settle(page);
    }
    expect(badge?.text).toBe('2/4 missed');
    // The badge is on the canvas in its colour (orange while polls go unanswered, red once silent).
    const colourAt = async (b: Badge, want: [number, number, number]) => {
      const box = (await page.locator('.topo-canvas').boundingBox())!;
      const shot = decodePng(
        await page.screenshot({ clip: { x: box.x + b.x, y: box.y + b.y, width: b.w, height: b.h } }),
      );
      let n = 0;
      for (let i = 0; i < shot.rgba.length; i += 4) {
        const d =
          Math.abs(shot.rgba[i]! - want[0]) +
          Math.abs(shot.rgba[i + 1]! - want[1]) +
          Math.abs(shot.rgba[i + 2]! - want[2]);
        if (d < 30) n++;
      }
      return n / (shot.rgba.length / 4);
    };
    expect(await colourAt(badge!, [0xb3, 0x59, 0x00])).toBeGreaterThan(0.3);
    await seek(fails[0]!.t);
    expect((await badges()).find((b) => b.node === node)?.text).toBe('1/4 missed');
    await seek(silent.t);
    const last = (await badges()).find((b) => b.node === node)!;
    expect(last.text).toBe('4/4 missed → silent');
    expect(await colourAt(last, [0xb3, 0x26, 0x1e])).toBeGreaterThan(0.3);
    await shoot(page, '.tab-body', 'student-canvas-missed-polls');
    // Before the crash every poll was answered: no badge.
    await seek(crash.t - 1);
    expect((await badges()).some((b) => b.node === node)).toBe(false);
  });
  it('at region scale (region-day) marks everything not Ready at every level of the topology, and aggregates Space-time', async () => {
    // The first 45 minutes of region-day: 100,000 instances on 10,000 nodes, with the day's first faults.
    const text = readFileSync('scenarios/bench/region-day.yaml', 'utf8');
    const sc = loadScenario(text, { fileName: 'region-day.yaml' });
    const tl = runScenario(sc, { untilUs: 45 * 60e6 }).timeline!;
    const path = join(work, 'region-day-45m.timeline.json');
    writeFileSync(path, JSON.stringify(tl));
    const page = await openPage('');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.setInputFiles('[data-testid=file-input]', path);
    await waitForRun(page, tl.traceHash);
    // A moment with instances down: the latest crash before the end, just after it.
    const crash = [...tl.events].reverse().find((e) => e.k === 'instance.crash')!;
    await page.evaluate(
      (at) => (window as never as { fabricsim: { app: { seekTime(t: number): void } } }).fabricsim.app.seekTime(at),
      crash.t + 1,
    );
    await settle(page);
    const world = (await pageState(page)) as World;
    const notReady = world.clusters.reduce(
      (n, c) =>
        n + c.nodes.filter((x) => x.status !== 'Ready').length + c.instances.filter((x) => x.status !== 'Ready').length,
      0,
    );
    expect(notReady).toBeGreaterThan(0);
    const topo = '[data-testid=topology]';
    expect(await attr(page, topo, 'data-mode')).toBe('canvas');
    for (const level of ['3', '2', '1', '0']) {
      await page.selectOption('[data-testid=topo-level]', level);
      await settle(page);
      await settle(page);
      expect(Number(await attr(page, topo, 'data-not-ready')), `level ${level}`).toBe(notReady);
      // The overview strip marks them whatever is in view; marks are dark or coloured, the strip pale grey and blue.
      const box = (await page.locator('.topo-canvas').boundingBox())!;
      const strip = decodePng(
        await page.screenshot({ clip: { x: box.x + box.width - 8, y: box.y, width: 8, height: box.height } }),
      );
      let marked = 0;
      for (let i = 0; i < strip.rgba.length; i += 4) {
        const [r, g, b] = [strip.rgba[i]!, strip.rgba[i + 1]!, strip.rgba[i + 2]!];
        if (r + g + b < 600 && b - r < 40) marked++;
      }
      expect(marked, `level ${level}: strip marks`).toBeGreaterThan(0);
      await shoot(page, '.tab-body', `region-topology-level-${level}`);
    }
    // Space-time: a wall of messages becomes counted bins per group of lanes.
    await page.click('[data-testid=tab-spacetime]');
    await settle(page);
    expect(await attr(page, '[data-testid=spacetime]', 'data-mode')).toBe('aggregate');
    expect(Number(await attr(page, '[data-testid=spacetime]', 'data-lanes'))).toBeLessThanOrEqual(12);
    // The group labels fit the label column (none starts left of the diagram).
    const lefts = await page.$$eval('.st-svg .group-lane .lane-label', (els) =>
      els.map((e) => (e as SVGGraphicsElement).getBBox().x),
    );
    expect(lefts.length).toBeGreaterThan(0);
    expect(Math.min(...lefts)).toBeGreaterThanOrEqual(0);
    const bins = await page.$$eval('.st-svg line.arrow-bin', (els) =>
      els.map((e) => ({ fate: (e as SVGElement).dataset.fate!, n: Number((e as SVGElement).dataset.count) })),
    );
    expect(bins.reduce((a, b) => a + b.n, 0)).toBe(Number(await attr(page, '[data-testid=spacetime]', 'data-count')));
    await shoot(page, '.tab-body', 'region-spacetime');
  }, 240_000);
  it('counts messages by group in Space-time when there are too many to draw one by one', async () => {
    const text = BIG_SCENARIO.replace(
      '  - { id: crash, at: 2m, kind: node.crash, target: c0-r2-n3 }',
      '  - { id: power, at: 2m, kind: rack.power-loss, target: c0-r2, duration: 20m }',
    );
    const tl = runToTimeline(text, 'canvas-power.yaml');
    const path = join(work, 'canvas-power.timeline.json');
    writeFileSync(path, JSON.stringify(tl));
    const page = await openPage('?tab=spacetime');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.setInputFiles('[data-testid=file-input]', path);
    await waitForRun(page, tl.traceHash);
    const t = 7 * 60e6;
    await page.evaluate(
      (at) => (window as never as { fabricsim: { app: { seekTime(t: number): void } } }).fabricsim.app.seekTime(at),
      t,
    );
    await page.click('[data-testid=tab-spacetime]');
    await settle(page);
    const inWindow = tl.events.filter((e) => e.m && e.t >= t - 5 * 60e6 && e.t <= t);
    expect(inWindow.length).toBeGreaterThan(300);
    expect(await attr(page, '[data-testid=spacetime]', 'data-mode')).toBe('aggregate');
    expect(Number(await attr(page, '[data-testid=spacetime]', 'data-count'))).toBe(inWindow.length);
    // Every message is counted once, in a bin of its fate; a few group lanes replace thousands of actor lanes.
    const bins = await page.$$eval('.st-svg line.arrow-bin', (els) =>
      els.map((e) => ({ fate: (e as SVGElement).dataset.fate!, n: Number((e as SVGElement).dataset.count) })),
    );
    expect(bins.reduce((a, b) => a + b.n, 0)).toBe(inWindow.length);
    const failed = inWindow.filter((e) => !e.m!.ok).length;
    expect(bins.filter((b) => b.fate !== 'delivered').reduce((a, b) => a + b.n, 0)).toBe(failed);
    expect(bins.length).toBeLessThan(inWindow.length / 3);
    expect(Number(await attr(page, '[data-testid=spacetime]', 'data-lanes'))).toBeLessThanOrEqual(9);
    await shoot(page, '.tab-body', 'student-spacetime-aggregate');
  });
  it('draws the healthy poll rhythm faintly before the missing answers, and counts missed polls on the node', async () => {
    const page = await openPage();
    await page.setViewportSize({ width: 1600, height: 1000 });
    await waitForRun(page);
    const crash = quick.events.find((e) => e.k === 'fault.start' && e.r === 'fault:node.crash')!;
    const node = crash.s;
    const fails = quick.events.filter((e) => e.k === 'msg.poll' && e.s === `ha:${node}` && e.m && !e.m.ok);
    const silent = quick.events.find((e) => e.k === 'node.silent' && e.s === node)!;
    const seek = (t: number) =>
      page.evaluate(
        (at) => (window as never as { fabricsim: { app: { seekTime(t: number): void } } }).fabricsim.app.seekTime(at),
        t,
      );
    const badge = async () => {
      await settle(page);
      const el = page.locator(`.topo-svg .missed-polls[data-node="${node}"]`);
      return (await el.count()) ? await el.textContent() : null;
    };
    await seek(crash.t - 1);
    expect(await badge()).toBeNull();
    await seek(fails[1]!.t);
    expect(await badge()).toBe('2/4 missed');
    await seek(silent.t);
    expect(await badge()).toBe('4/4 missed → silent');
    await shoot(page, '.tab-body', 'student-missed-polls');
    // Space-time: answered polls before the crash drawn faint at the poll interval, none while the node is down.
    await page.click('[data-testid=tab-spacetime]');
    await settle(page);
    const beats = await page.$$eval(`.st-svg line.beat[data-to="ha:${node}"]`, (els) =>
      els.map((e) => Number(e.getAttribute('x1'))),
    );
    const xs = await page.$$eval(`.st-svg line.arrow[data-to="ha:${node}"]`, (els) =>
      els.map((e) => Number(e.getAttribute('x1'))),
    );
    expect(xs.length).toBeGreaterThanOrEqual(4);
    expect(beats.length).toBeGreaterThan(5);
    const firstFail = Math.min(...xs);
    expect(beats.every((bx) => bx < firstFail)).toBe(true);
    // One beat per poll interval (15 s): evenly spaced.
    const gaps = beats
      .slice(1)
      .map((bx, i) => bx - beats[i]!)
      .sort((a, b) => a - b);
    expect(gaps.at(-1)! - gaps[0]!).toBeLessThan(1);
    expect(Math.abs(firstFail - beats.at(-1)! - gaps[0]!)).toBeLessThan(1);
    await shoot(page, '.tab-body', 'student-rhythm');
    // Network: answered polls to the node pass as faint dots before the crash; none while it is down.
    await page.click('[data-testid=tab-network]');
    await seek(crash.t - 1);
    await settle(page);
    expect(await page.locator(`.net-messages .beat-dot[data-to="ha:${node}"]`).count()).toBeGreaterThan(0);
    await seek(silent.t);
    await settle(page);
    const beatTimes = await page.$$eval(`.net-messages .beat-dot[data-to="ha:${node}"]`, (els) =>
      els.map((e) => Number(e.getAttribute('data-t'))),
    );
    expect(beatTimes.every((t) => t < crash.t)).toBe(true);
  });
  it('shows the access list behind a firewall decision, the matching rule highlighted below those that did not match', async () => {
    const file = 'security-corpnet-acl.yaml';
    const tl = runToTimeline(readFileSync(`scenarios/${file}`, 'utf8'), file);
    const page = await openPage('?scenario=security-corpnet-acl');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await waitForRun(page, tl.traceHash);
    const rowsOf = async (id: number) => {
      await page.evaluate(
        (i) => (window as never as { fabricsim: { app: { goToEvent(i: number): void } } }).fabricsim.app.goToEvent(i),
        id,
      );
      await page.waitForSelector(`[data-testid=explanation] .panel-body[data-event="${id}"]`);
      return page.$$eval('[data-testid=rule-table] tr.rule-row', (els) =>
        els.map((e) => [(e as HTMLElement).dataset.rule, (e as HTMLElement).dataset.state ?? '']),
      );
    };
    // Denied from the internet: the corpnet rule above did not match; others-to-management did.
    const denied = tl.events.findIndex((e) => e.r === 'list:boundary-c0:others-to-management');
    expect(denied).toBeGreaterThanOrEqual(0);
    const rows = await rowsOf(denied);
    expect(rows.slice(0, 3)).toEqual([
      ['corpnet-to-management', 'no match'],
      ['others-to-management', 'match'],
      [rows[2]![0], 'not tried'],
    ]);
    expect(await page.getAttribute('[data-testid=rule-table]', 'data-list')).toBe('boundary-c0');
    expect(await page.locator('[data-testid=rule-table] tr.match').textContent()).toContain('deny');
    await shoot(page, '[data-testid=explanation]', 'student-rule-table');
    // Admitted from the corporate network: the first rule matched.
    const allowed = tl.events.findIndex((e) => e.r === 'list:boundary-c0:corpnet-to-management');
    expect(allowed).toBeGreaterThanOrEqual(0);
    expect((await rowsOf(allowed))[0]).toEqual(['corpnet-to-management', 'match']);
  });

  it('shows the rule table of every kind of wall: boundary, host ACL, SQL node ACL, NSG, host filter, endpoint ACL, VLAN, load balancer', async () => {
    // The bundled security scenarios, and one with an endpoint ACL and an NSG rule of its own (no bundled scenario
    // has an endpoint ACL decide).
    const ACL_SCENARIO = `
version: 1
name: walls-check
seed: 7
duration: 10m
topology:
  clusters:
    - { id: c0, racks: 2, nodesPerRack: 2 }
services:
  - id: shop
    roles:
      - { id: web, kind: web, instances: 2, inputEndpoints: [{ name: http, port: 80 }] }
security:
  rules:
    endpointAcls:
      shop.web: { http: [{ order: 100, action: permit, remoteSubnet: 203.0.113.0/25, description: partners }] }
    nsg:
      - { name: block-bad-range, priority: 200, direction: inbound, access: deny, source: 203.0.113.64/26, destination: shop.web, destinationPorts: 80 }
  traffic:
    - { at: 1m, kind: connect, from: 203.0.113.200, to: shop.web, port: 80 }
    - { at: 2m, kind: connect, from: 203.0.113.70, to: shop.web, port: 80 }
`;
    const runs: [string, string][] = [
      ['security-compute-connectivity.yaml', readFileSync('scenarios/security-compute-connectivity.yaml', 'utf8')],
      ['security-corpnet-acl.yaml', readFileSync('scenarios/security-corpnet-acl.yaml', 'utf8')],
      ['security-sql-node-acl.yaml', readFileSync('scenarios/security-sql-node-acl.yaml', 'utf8')],
      ['walls-check.yaml', ACL_SCENARIO],
    ];
    // For each wall kind: the first event whose rule that wall decides, as the page must show it.
    const want: Record<string, RegExp> = {
      boundary: /^list:boundary-c0:others-to-management$/,
      'host-acl': /^default:hosts-c0:deny$/,
      'sql-node-acl': /^default:sql-nodes:deny$/,
      nsg: /^nsg:200:block-bad-range$/,
      'host-filter': /^default:host-deny-all$/,
      'endpoint-acl': /^default:acl-implicit-deny$/,
      vlan: /^vlan:main->fc$/,
      'load-balancer': /^lb:no-endpoint$/,
    };
    const seen = new Set<string>();
    const page = await openPage('');
    await page.setViewportSize({ width: 1600, height: 1000 });
    for (const [file, text] of runs) {
      const tl = runToTimeline(text, file);
      const path = join(work, `walls-${file}.timeline.json`);
      writeFileSync(path, JSON.stringify(tl));
      await page.setInputFiles('[data-testid=file-input]', path);
      await waitForRun(page, tl.traceHash);
      for (const [kind, rule] of Object.entries(want)) {
        if (seen.has(kind)) continue;
        const id = tl.events.findIndex((e) => e.r !== undefined && rule.test(e.r) && e.m !== undefined);
        if (id < 0) continue;
        await page.evaluate(
          (i) => (window as never as { fabricsim: { app: { goToEvent(i: number): void } } }).fabricsim.app.goToEvent(i),
          id,
        );
        await page.waitForSelector(`[data-testid=explanation] .panel-body[data-event="${id}"]`);
        const table = page.locator('[data-testid=rule-table]');
        expect(await table.getAttribute('data-kind'), `${file} event ${id} (${tl.events[id]!.r})`).toBe(kind);
        const rows = await page.$$eval('[data-testid=rule-table] tr.rule-row', (els) =>
          els.map((e) => [(e as HTMLElement).dataset.id, (e as HTMLElement).dataset.state]),
        );
        // Exactly one row decided, it carries the event's rule id; in a first-match list every row above it did not
        // match and every row below was not tried.
        const at = rows.findIndex(([, st]) => st === 'match');
        expect(rows.filter(([, st]) => st === 'match')).toHaveLength(1);
        expect(rows[at]![0]).toBe(tl.events[id]!.r);
        if (kind !== 'vlan') {
          expect(rows.slice(0, at).every(([, st]) => st === 'no match' || st === 'not tried')).toBe(true);
          expect(rows.slice(at + 1).every(([, st]) => st === 'not tried')).toBe(true);
        }
        // The highlighted row is drawn (yellow) and says what it did to the message.
        const action = await page.locator('[data-testid=rule-table] tr.match .action').textContent();
        expect(action).toBe(tl.events[id]!.m!.ok ? 'allow' : 'deny');
        await shoot(page, '[data-testid=explanation]', `wall-${kind}`);
        seen.add(kind);
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(want).sort());
    // A decision no wall makes (a SQL login's password check) has no table.
    const sql = runToTimeline(readFileSync('scenarios/security-sql-auth.yaml', 'utf8'), 'security-sql-auth.yaml');
    const sqlPath = join(work, 'walls-sql-auth.timeline.json');
    writeFileSync(sqlPath, JSON.stringify(sql));
    await page.setInputFiles('[data-testid=file-input]', sqlPath);
    await waitForRun(page, sql.traceHash);
    const login = sql.events.findIndex((e) => e.r === 'auth:wrong-password');
    expect(login).toBeGreaterThanOrEqual(0);
    await page.evaluate(
      (i) => (window as never as { fabricsim: { app: { goToEvent(i: number): void } } }).fabricsim.app.goToEvent(i),
      login,
    );
    await page.waitForSelector(`[data-testid=explanation] .panel-body[data-event="${login}"]`);
    expect(await page.locator('[data-testid=rule-table]').count()).toBe(0);
  });
});

describe('timeline file versions (Chromium)', () => {
  it('opens the same run written in versions 1, 2 and 3 and shows the same state, by link and by file', async () => {
    const t = 1_300_000_000;
    const p = quick.events.filter((e) => e.t <= t).length;
    const v2Text = writeTimeline(quick, 2);
    expect(JSON.parse(v2Text).version).toBe(2);
    const v2Path = join(work, 'quickstart.v2.timeline.json');
    writeFileSync(v2Path, v2Text);
    const v2Server = await serveViewer({ timelinePath: v2Path, port: 0 });
    const v3Text = writeTimeline(quick, 3);
    expect(JSON.parse(v3Text).version).toBe(3);
    const v3Path = join(work, 'quickstart.v3.timeline.json');
    writeFileSync(v3Path, v3Text);
    const v3Server = await serveViewer({ timelinePath: v3Path, port: 0 });
    /** What the page shows at the moment: the file's version, the events it holds, the state, the clock, the log. */
    const seen = async (page: Page) => {
      await waitForRun(page, quick.traceHash);
      const pos = await position(page);
      const { version, events } = await page.evaluate(() => {
        const w = window as unknown as {
          fabricsim: { app: { run: { timings: { version?: number }; timeline: { events: unknown[] } } } };
        };
        return {
          version: w.fabricsim.app.run.timings.version,
          events: JSON.stringify(w.fabricsim.app.run.timeline.events),
        };
      });
      return {
        version,
        events,
        pos,
        state: await pageState(page),
        clock: await clock(page),
        log: await page.$$eval('.log-rows .log-row', (rows) =>
          rows.filter((r) => (r as HTMLElement).style.display !== 'none').map((r) => r.textContent),
        ),
      };
    };
    try {
      const openAt = async (base: string) => {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
        pages.push({ page, errors });
        await page.goto(`${base}&t=${t}`);
        return page;
      };
      const old = await seen(await openAt(server.url));
      const page = await openAt(v2Server.url);
      const now = await seen(page);
      expect(old.version).toBe(1);
      expect(now.version).toBe(2);
      expect(old.pos).toBe(p);
      expect(now.pos).toBe(p);
      expect(now.events).toBe(JSON.stringify(quick.events));
      expect(old.events).toBe(now.events);
      expect(now.state).toEqual(referenceState(quick, p));
      expect(old.state).toEqual(now.state);
      expect(now.clock).toBe(old.clock);
      expect(now.log.length).toBeGreaterThan(3);
      expect(now.log).toEqual(old.log);
      // Version 3 (packed columns), by link: the same, read as it arrives.
      const packed = await seen(await openAt(v3Server.url));
      expect(packed.version).toBe(3);
      expect(packed.pos).toBe(p);
      expect(packed.events).toBe(now.events);
      expect(packed.state).toEqual(now.state);
      expect(packed.clock).toBe(now.clock);
      expect(packed.log).toEqual(now.log);
      // From a file: version 2 opened over a version-1 run, then a damaged version 2 says what is wrong.
      await page.setInputFiles('[data-testid=file-input]', {
        name: 'quickstart.v2.timeline.json',
        mimeType: 'application/json',
        buffer: Buffer.from(v2Text),
      });
      await waitForRun(page, quick.traceHash);
      expect(
        await page.evaluate(
          () =>
            (window as unknown as { fabricsim: { app: { run: { timings: { version?: number } } } } }).fabricsim.app.run
              .timings.version,
        ),
      ).toBe(2);
      // Version 3 from a file over it, then damaged files say what is wrong.
      await page.setInputFiles('[data-testid=file-input]', {
        name: 'quickstart.v3.timeline.json',
        mimeType: 'application/json',
        buffer: Buffer.from(v3Text),
      });
      await waitForRun(page, quick.traceHash);
      const byFile = await seen(page);
      expect(byFile.version).toBe(3);
      expect(byFile.events).toBe(now.events);
      await page.setInputFiles('[data-testid=file-input]', {
        name: 'damaged.timeline.json',
        mimeType: 'application/json',
        buffer: Buffer.from(v2Text.replace(/"eventCount":\d+/, '"eventCount":7')),
      });
      await page.waitForSelector('[data-testid=error]:not(.hidden)');
      expect(await page.textContent('[data-testid=error-detail]')).toMatch(
        /damaged timeline: the blocks hold \d+ events, the file says 7/,
      );
      await page.setInputFiles('[data-testid=file-input]', {
        name: 'damaged3.timeline.json',
        mimeType: 'application/json',
        buffer: Buffer.from(v3Text.replace(/"b":"./, '"b":"!')),
      });
      await page.waitForFunction(() =>
        /not valid base64/.test(document.querySelector('[data-testid=error-detail]')?.textContent ?? ''),
      );
      expect(await page.textContent('[data-testid=error-detail]')).toMatch(
        /damaged timeline: block 0's packed columns are not valid base64/,
      );
    } finally {
      await v2Server.close();
      await v3Server.close();
    }
  });
});
