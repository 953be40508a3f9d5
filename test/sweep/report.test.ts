import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sweepCommand } from '../../sim/cli/sweep/command.js';
import { launchBrowser } from '../support/browser.js';
import { tempWorkspace, testIo } from './support/io.js';

const NASTY = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';

async function makeReport(): Promise<{ cwd: string; html: string }> {
  const cwd = tempWorkspace();
  const text = readFileSync(join(cwd, 'fake.yaml'), 'utf8').replace(
    'name: sweep-fixture',
    `name: ${JSON.stringify(NASTY)}`,
  );
  writeFileSync(join(cwd, 'nasty.yaml'), text);
  const { io } = testIo(cwd);
  const code = await sweepCommand(
    ['nasty.yaml', '--seeds', '30', '--set', 'policies.fc.missedPolls=2,4', '--report', 'report.html'],
    io,
  );
  expect(code).toBe(0);
  return { cwd, html: readFileSync(join(cwd, 'report.html'), 'utf8') };
}

describe('--report', () => {
  it('is one self-contained file: d3 inlined, data embedded, nothing fetched', async () => {
    const { html } = await makeReport();
    expect(html).toContain('https://d3js.org v7.9.2');
    expect(html).toContain('<script type="application/json" id="sweep-data">');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    // Names never appear as markup: every "<" inside the data is escaped.
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>worker');
    expect(html).toContain('\\u003cb>worker');
  });

  it('opens offline in a browser, draws every chart, and renders names as text', async () => {
    const { cwd } = await makeReport();
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ offline: true, javaScriptEnabled: true });
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('request', (r) => requests.push(r.url()));
      let dialogs = 0;
      page.on('dialog', (d) => {
        dialogs++;
        void d.dismiss();
      });
      await page.goto(pathToFileURL(join(cwd, 'report.html')).href);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
      expect(errors).toEqual([]);
      expect(dialogs).toBe(0);
      expect(requests.every((u) => u.startsWith('file:'))).toBe(true);
      const facts = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned ?? 0,
        title: document.querySelector('#title')?.textContent,
        bold: document.querySelectorAll('b, img').length,
        cdfCharts: document.querySelectorAll('#cdfs figure').length,
        curves: document.querySelectorAll('#cdfs path.ecdf').length,
        availability: document.querySelectorAll('#availability path.ecdf').length,
        passBars: document.querySelectorAll('#passrates rect').length,
        forest: document.querySelectorAll('#differences circle').length,
        tables: document.querySelectorAll('#tables table').length,
        coverage: [...document.querySelectorAll('#coverage figcaption')].map((f) => f.textContent),
        roleCaption: [...document.querySelectorAll('#availability figcaption')].map((f) => f.textContent),
        figures: [...document.querySelectorAll('#figures figure')].map((f) => ({
          caption: f.querySelector('figcaption')?.textContent,
          head: [...f.querySelectorAll('th')].map((th) => th.textContent),
          rows: [...f.querySelectorAll('tbody tr')].map((tr) =>
            [...tr.querySelectorAll('td')].map((td) => td.textContent),
          ),
        })),
      }));
      expect(facts.pwned).toBe(0);
      expect(facts.title).toBe(
        `Sweep of ${'</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'}`,
      );
      expect(facts.bold).toBe(0);
      // ttr, ttd, each split by the two fault kinds: 6 charts of 2 combinations.
      expect(facts.cdfCharts).toBe(6);
      expect(facts.curves).toBe(12);
      expect(facts.availability).toBe(4);
      expect(facts.passBars).toBe(2);
      expect(facts.forest).toBeGreaterThan(0);
      expect(facts.tables).toBeGreaterThan(0);
      // Coverage (issue 13): the ladder (from event counts; the stand-in runner records none) and the fault kinds.
      expect(facts.coverage).toEqual(['recovery ladder (0/6 reached)', 'fault kinds (2/2 reached)']);
      expect(facts.roleCaption).toContain('availability of shop.<b>worker</b>');
      // Reliability figures (issue 11): one table per role and per fault kind, with the summary's own numbers.
      expect(facts.figures.map((f) => f.caption)).toEqual([
        'Availability of shop.<b>worker</b>',
        'Availability of shop.web',
        'node.crash: arrivals, MTTF and MTTR',
        'role.crash: arrivals, MTTF and MTTR',
      ]);
      const [worker, web, nodeCrash] = facts.figures;
      expect(worker!.head).toEqual([
        'combo',
        'runs',
        'availability [95% CI]',
        'nines',
        'downtime/year',
        'runs with downtime',
        'ready fraction',
        'merged down/run',
        'package problems (runs)',
      ]);
      // The worker is never down: infinite nines, no downtime, the rule of three; seeds 5, 10, … 30 end with a
      // package problem (6 of 30 runs in each combination).
      expect(worker!.rows).toEqual([
        [
          'c0',
          '30',
          '100% [100%, 100%]',
          '∞ [∞, ∞]',
          '0 [0, 0]',
          '0 (share < 10.0%, rule of three)',
          '100% [100%, 100%]',
          '0',
          '6 (6)',
        ],
        [
          'c1',
          '30',
          '100% [100%, 100%]',
          '∞ [∞, ∞]',
          '0 [0, 0]',
          '0 (share < 10.0%, rule of three)',
          '100% [100%, 100%]',
          '0',
          '6 (6)',
        ],
      ]);
      // The web role is down in every run: finite nines, downtime per year, a merged down time and no package problem.
      for (const row of web!.rows) {
        expect(row[3]).toMatch(/^\d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\]$/);
        expect(row[4]).toMatch(/\d+d\d\dh\d\dm \[/);
        expect(row[5]).toBe('30');
        expect(row[7]).toMatch(/m|s/);
        expect(row[8]).toBe('0 (0)');
      }
      expect(nodeCrash!.head).toEqual([
        'combo',
        'runs',
        'arrivals',
        'missed',
        'faults',
        'unrecovered',
        'MTTF [95% CI]',
        'MTTR [95% CI]',
      ]);
      for (const row of nodeCrash!.rows) {
        expect(Number(row[2])).toBeGreaterThan(0);
        expect(row[6]).toMatch(/ \[.+, .+\]$/);
        expect(row[7]).toMatch(/ \[.+, .+\]$/);
      }
    } finally {
      await browser.close();
    }
  });
});
