/**
 * The one place the tests and benches find a browser. In order:
 *
 * 1. `CHROMIUM_PATH`, when set: that executable, or a one-line failure if it points nowhere;
 * 2. a system Chrome or Chromium (`/usr/bin/chromium`, `chromium-browser`, `google-chrome`… on PATH or at the usual
 *    places);
 * 3. the headless Chromium that the `@sparticuz/chromium` devDependency ships inside itself (Linux x64): unpacked once
 *    into node_modules/.cache/, with its own NSS libraries and fonts, so it needs nothing from the system but glibc.
 *
 * `FABRICSIM_BROWSER=bundled` skips 1 and 2 (CI uses it to run the path a newcomer without a browser gets);
 * `FABRICSIM_BROWSER=system` refuses 3. When no browser can be had, `findBrowser` throws a `NoBrowserError` whose
 * message is one line saying how to get one: a browser test fails with it, it never skips.
 */
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type BrowserContext, chromium, type LaunchOptions } from 'playwright-core';

/** Where a browser came from. */
export type BrowserSource = 'CHROMIUM_PATH' | 'system' | 'bundled';

export interface FoundBrowser {
  source: BrowserSource;
  executablePath: string;
  /** Environment the browser process needs on top of ours (the bundled one's libraries and fonts). */
  env: Record<string, string>;
}

/** No browser can be had; the message is one line saying how to get one. */
export class NoBrowserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoBrowserError';
    // A test that fails on this shows the line, not a stack into this module.
    this.stack = `${this.name}: ${message}`;
  }
}

/** What the finder looks at; injected by its unit tests. */
export interface FinderContext {
  env: Record<string, string | undefined>;
  /** System browsers, in order of preference. */
  candidates: readonly string[];
  isExecutable(path: string): boolean;
  /** The browser the npm package ships; throws an Error saying why when it cannot be had. */
  bundled(): Promise<FoundBrowser>;
}

/** Executable names looked up on PATH, then absolute places, in order of preference. */
export const SYSTEM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];
export const SYSTEM_PLACES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

const HOW =
  'install Chromium or Chrome, set CHROMIUM_PATH=/path/to/chrome, or run `npm install` on Linux x64 (it brings @sparticuz/chromium)';

/** The system candidates: the well-known places first, then each name on PATH. */
export function systemCandidates(env: Record<string, string | undefined>): string[] {
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((d) => d !== '')
    .flatMap((d) => SYSTEM_NAMES.map((n) => join(d, n)));
  return [...new Set([...SYSTEM_PLACES, ...onPath])];
}

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.trim();
}

/** Finds a browser as the module comment says, or throws a NoBrowserError. */
export async function findBrowser(ctx: FinderContext): Promise<FoundBrowser> {
  const mode = ctx.env.FABRICSIM_BROWSER ?? '';
  if (!['', 'auto', 'system', 'bundled'].includes(mode)) {
    throw new NoBrowserError(`FABRICSIM_BROWSER=${mode} is not one of auto, system, bundled`);
  }
  if (mode === 'bundled') {
    try {
      return await ctx.bundled();
    } catch (e) {
      throw new NoBrowserError(
        `FABRICSIM_BROWSER=bundled, but the browser @sparticuz/chromium ships cannot be had (${firstLine(e)}): ` +
          'run `npm install` on Linux x64, or unset FABRICSIM_BROWSER',
      );
    }
  }
  const pinned = ctx.env.CHROMIUM_PATH;
  if (pinned !== undefined && pinned !== '') {
    if (ctx.isExecutable(pinned)) return { source: 'CHROMIUM_PATH', executablePath: pinned, env: {} };
    throw new NoBrowserError(
      `CHROMIUM_PATH=${pinned} is not an executable file: point it at Chrome or Chromium, or unset it`,
    );
  }
  const system = ctx.candidates.find((c) => ctx.isExecutable(c));
  if (system !== undefined) return { source: 'system', executablePath: system, env: {} };
  if (mode === 'system') {
    throw new NoBrowserError(
      'FABRICSIM_BROWSER=system, but no system Chrome or Chromium was found: install one, set ' +
        'CHROMIUM_PATH=/path/to/chrome, or unset FABRICSIM_BROWSER to use the bundled one',
    );
  }
  try {
    return await ctx.bundled();
  } catch (e) {
    throw new NoBrowserError(
      `No browser for the browser tests: no system Chrome or Chromium, and the bundled one cannot be had ` +
        `(${firstLine(e)}); ${HOW}`,
    );
  }
}

/** The package's folder and version, or an Error saying it is missing. */
function sparticuz(): { dir: string; version: string } {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  } catch {
    throw new Error('@sparticuz/chromium is not installed');
  }
  // build/index.js → the package folder.
  const dir = resolve(dirname(entry), '..');
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  return { dir, version };
}

/** The child that unpacks the package's archives into its TMPDIR (the package always unpacks into the temp dir). */
const UNPACK = `
const [entry, al2023] = process.argv.slice(1);
const m = await import(entry);
await m.default.executablePath();
await m.inflate(al2023);
`;

/**
 * The browser @sparticuz/chromium ships, unpacked once into node_modules/.cache/fabricsim-chromium/<version>/ (a
 * folder that appears whole, by rename, so concurrent test files never see half of it). Linux x64 only.
 */
export async function bundledBrowser(platform = process.platform, arch = process.arch): Promise<FoundBrowser> {
  if (platform !== 'linux' || arch !== 'x64') throw new Error(`it runs on Linux x64 only, not ${platform} ${arch}`);
  const pkg = sparticuz();
  const cacheRoot = join(pkg.dir, '..', '..', '.cache', 'fabricsim-chromium');
  const home = join(cacheRoot, pkg.version);
  if (!existsSync(join(home, 'chromium'))) {
    mkdirSync(cacheRoot, { recursive: true });
    const staging = mkdtempSync(join(cacheRoot, `.unpack-${pkg.version}-`));
    try {
      const res = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          UNPACK,
          pathToFileURL(join(pkg.dir, 'build', 'index.js')).href,
          join(pkg.dir, 'bin', 'al2023.tar.br'),
        ],
        { env: { ...process.env, TMPDIR: staging }, encoding: 'utf8', timeout: 180_000 },
      );
      if (res.status !== 0 || !existsSync(join(staging, 'chromium'))) {
        throw new Error(`unpacking it failed: ${firstLine(res.error ?? (res.stderr || `exit ${res.status}`))}`);
      }
      // The package's fonts.conf names /tmp/fonts; ours names the unpacked fonts, then the system's.
      writeFileSync(
        join(staging, 'fonts', 'fonts.conf'),
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n' +
          `  <dir>${join(home, 'fonts', 'fonts')}</dir>\n  <dir>/usr/share/fonts</dir>\n` +
          `  <cachedir>${join(home, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
      );
      try {
        renameSync(staging, home);
      } catch (e) {
        // Another test file unpacked it first: use theirs.
        if (!existsSync(join(home, 'chromium'))) throw e;
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return {
    source: 'bundled',
    executablePath: join(home, 'chromium'),
    env: { LD_LIBRARY_PATH: join(home, 'al2023', 'lib'), FONTCONFIG_PATH: join(home, 'fonts') },
  };
}

export function defaultFinderContext(env: Record<string, string | undefined> = process.env): FinderContext {
  return { env, candidates: systemCandidates(env), isExecutable: isExecutableFile, bundled: () => bundledBrowser() };
}

let found: Promise<FoundBrowser> | undefined;

/** The browser for this process (found once). */
export function theBrowser(): Promise<FoundBrowser> {
  found ??= findBrowser(defaultFinderContext());
  return found;
}

/** The flags every test browser gets: headless, no sandbox (tests run as root in CI), nothing fetched on its own. */
export const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type Options = Omit<LaunchOptions, 'executablePath' | 'env'>;
type PersistentOptions = Omit<
  NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>,
  'executablePath' | 'env'
>;

function launchOptions<T extends Options>(b: FoundBrowser, options: T): T & LaunchOptions {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return {
    ...options,
    executablePath: b.executablePath,
    args: [...BROWSER_ARGS, ...(options.args ?? [])],
    env: { ...env, ...b.env },
  };
}

/** A headless browser (playwright-core) from the one found; `args` add to BROWSER_ARGS. */
export async function launchBrowser(options: Options = {}): Promise<Browser> {
  return chromium.launch(launchOptions(await theBrowser(), options));
}

/** A persistent context in `profile` (a fresh folder) from the browser found; `args` add to BROWSER_ARGS. */
export async function launchPersistentContext(
  profile: string,
  options: PersistentOptions = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, launchOptions(await theBrowser(), options));
}
