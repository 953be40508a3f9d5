/**
 * The browser finder (test/support/browser.ts): its order (CHROMIUM_PATH, then the system's, then the bundled one),
 * its overrides (FABRICSIM_BROWSER), and its one-line failures, with injected candidates and environment; then the
 * bundled browser for real: unpacked from @sparticuz/chromium and driven through playwright-core.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  BROWSER_ARGS,
  bundledBrowser,
  type FinderContext,
  type FoundBrowser,
  findBrowser,
  isExecutableFile,
  NoBrowserError,
  SYSTEM_PLACES,
  systemCandidates,
} from './browser.js';

const BUNDLED: FoundBrowser = { source: 'bundled', executablePath: '/cache/chromium', env: { LD_LIBRARY_PATH: '/l' } };

/** A finder context where exactly `present` are executables and the bundled browser is `bundled` (or fails). */
function context(
  env: Record<string, string | undefined>,
  present: string[],
  bundled: FoundBrowser | string = BUNDLED,
): FinderContext & { bundledCalls: number } {
  const ctx = {
    env,
    candidates: ['/usr/bin/chromium', '/usr/bin/google-chrome', '/opt/bin/chrome'],
    isExecutable: (p: string) => present.includes(p),
    bundledCalls: 0,
    bundled: async () => {
      ctx.bundledCalls++;
      if (typeof bundled === 'string') throw new Error(`${bundled}\nsecond line that must not show`);
      return bundled;
    },
  };
  return ctx;
}

async function failure(ctx: FinderContext): Promise<string> {
  const e = await findBrowser(ctx).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(NoBrowserError);
  const message = (e as Error).message;
  expect(message).not.toContain('\n');
  expect((e as Error).stack).toBe(`NoBrowserError: ${message}`);
  return message;
}

describe('findBrowser', () => {
  it('takes CHROMIUM_PATH first, before any system browser or the bundled one', async () => {
    const ctx = context({ CHROMIUM_PATH: '/my/chrome' }, ['/my/chrome', '/usr/bin/chromium']);
    expect(await findBrowser(ctx)).toEqual({ source: 'CHROMIUM_PATH', executablePath: '/my/chrome', env: {} });
    expect(ctx.bundledCalls).toBe(0);
  });

  it('fails with one line when CHROMIUM_PATH points nowhere, even with a system browser present', async () => {
    const ctx = context({ CHROMIUM_PATH: '/nowhere/chrome' }, ['/usr/bin/chromium']);
    expect(await failure(ctx)).toBe(
      'CHROMIUM_PATH=/nowhere/chrome is not an executable file: point it at Chrome or Chromium, or unset it',
    );
  });

  it('ignores an empty CHROMIUM_PATH', async () => {
    const ctx = context({ CHROMIUM_PATH: '' }, ['/usr/bin/google-chrome']);
    expect((await findBrowser(ctx)).executablePath).toBe('/usr/bin/google-chrome');
  });

  it('takes the first system candidate present, in the order given', async () => {
    expect((await findBrowser(context({}, ['/opt/bin/chrome', '/usr/bin/google-chrome']))).executablePath).toBe(
      '/usr/bin/google-chrome',
    );
    const ctx = context({}, ['/opt/bin/chrome', '/usr/bin/chromium']);
    expect(await findBrowser(ctx)).toEqual({ source: 'system', executablePath: '/usr/bin/chromium', env: {} });
    expect(ctx.bundledCalls).toBe(0);
  });

  it('falls back to the bundled browser when there is no system one', async () => {
    const ctx = context({ FABRICSIM_BROWSER: 'auto' }, []);
    expect(await findBrowser(ctx)).toBe(BUNDLED);
    expect(ctx.bundledCalls).toBe(1);
  });

  it('FABRICSIM_BROWSER=bundled takes the bundled browser over CHROMIUM_PATH and the system one', async () => {
    const ctx = context({ FABRICSIM_BROWSER: 'bundled', CHROMIUM_PATH: '/my/chrome' }, [
      '/my/chrome',
      '/usr/bin/chromium',
    ]);
    expect(await findBrowser(ctx)).toBe(BUNDLED);
  });

  it('FABRICSIM_BROWSER=bundled fails with one line when the bundled browser cannot be had', async () => {
    const ctx = context(
      { FABRICSIM_BROWSER: 'bundled' },
      ['/usr/bin/chromium'],
      '@sparticuz/chromium is not installed',
    );
    expect(await failure(ctx)).toBe(
      'FABRICSIM_BROWSER=bundled, but the browser @sparticuz/chromium ships cannot be had ' +
        '(@sparticuz/chromium is not installed): run `npm install` on Linux x64, or unset FABRICSIM_BROWSER',
    );
  });

  it('FABRICSIM_BROWSER=system never falls back to the bundled browser', async () => {
    const ctx = context({ FABRICSIM_BROWSER: 'system' }, []);
    expect(await failure(ctx)).toBe(
      'FABRICSIM_BROWSER=system, but no system Chrome or Chromium was found: install one, set ' +
        'CHROMIUM_PATH=/path/to/chrome, or unset FABRICSIM_BROWSER to use the bundled one',
    );
    expect(ctx.bundledCalls).toBe(0);
  });

  it('with no browser at all, fails with one line giving the reason and how to get one', async () => {
    const ctx = context({}, [], 'it runs on Linux x64 only, not darwin arm64');
    expect(await failure(ctx)).toBe(
      'No browser for the browser tests: no system Chrome or Chromium, and the bundled one cannot be had ' +
        '(it runs on Linux x64 only, not darwin arm64); install Chromium or Chrome, set CHROMIUM_PATH=/path/to/chrome, ' +
        'or run `npm install` on Linux x64 (it brings @sparticuz/chromium)',
    );
  });

  it('refuses an unknown FABRICSIM_BROWSER', async () => {
    expect(await failure(context({ FABRICSIM_BROWSER: 'firefox' }, ['/usr/bin/chromium']))).toBe(
      'FABRICSIM_BROWSER=firefox is not one of auto, system, bundled',
    );
  });
});

describe('system candidates', () => {
  it('are the usual places first, then each browser name on PATH, without repeats', () => {
    const list = systemCandidates({ PATH: '/usr/bin:/home/me/bin' });
    expect(list.slice(0, SYSTEM_PLACES.length)).toEqual(SYSTEM_PLACES);
    expect(list[0]).toBe('/usr/bin/chromium');
    expect(list).toContain('/home/me/bin/chromium');
    expect(list.indexOf('/home/me/bin/chromium')).toBeLessThan(list.indexOf('/home/me/bin/google-chrome'));
    expect(new Set(list).size).toBe(list.length);
  });

  it('count only executable files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabricsim-finder-'));
    const plain = join(dir, 'plain');
    const exe = join(dir, 'exe');
    writeFileSync(plain, '');
    writeFileSync(exe, '#!/bin/sh\n');
    chmodSync(exe, 0o755);
    expect([
      isExecutableFile(exe),
      isExecutableFile(plain),
      isExecutableFile(dir),
      isExecutableFile(join(dir, 'x')),
    ]).toEqual([true, false, false, false]);
  });
});

describe('the bundled browser', () => {
  if (process.platform === 'linux' && process.arch === 'x64') {
    it('unpacks from @sparticuz/chromium and renders a page through playwright-core', async () => {
      const b = await bundledBrowser();
      expect(b.source).toBe('bundled');
      expect(b.executablePath).toMatch(/node_modules\/\.cache\/fabricsim-chromium\/[\d.]+\/chromium$/);
      // Twice: the second call finds it unpacked.
      expect(await bundledBrowser()).toEqual(b);
      const browser = await chromium.launch({
        executablePath: b.executablePath,
        args: BROWSER_ARGS,
        env: { ...(process.env as Record<string, string>), ...b.env },
      });
      try {
        const page = await browser.newPage();
        await page.setContent(
          '<canvas id="c" width="4" height="4"></canvas><script>' +
            'const g = document.getElementById("c").getContext("2d"); g.fillStyle = "#ff0000"; g.fillRect(0, 0, 4, 4);' +
            'window.px = Array.from(g.getImageData(1, 1, 1, 1).data).join(",");</script>',
        );
        expect(await page.evaluate(() => (window as unknown as { px: string }).px)).toBe('255,0,0,255');
        expect(await page.evaluate(() => navigator.userAgent)).toContain('HeadlessChrome/');
      } finally {
        await browser.close();
      }
    }, 120_000);
  } else {
    it(`is refused on ${process.platform} ${process.arch}, with the reason`, async () => {
      await expect(bundledBrowser()).rejects.toThrow(`it runs on Linux x64 only, not ${process.platform}`);
    });
  }
});
