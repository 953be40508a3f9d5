/**
 * The library as a user gets it: `npm pack` (with its build scripts) in a private copy of this repository, the
 * tarball installed offline into a fresh project with Vitest and TypeScript, and there a Vitest test that uses
 * `fabricsim`, `fabricsim/node` and `fabricsim/vitest`, type-checked by `tsc` (strict, library files checked, no
 * @types/node). Also: what the tarball holds, that its declarations stay inside the package, that internal modules
 * are not importable, and that the installed command line runs and serves the viewer.
 *
 * Slow by nature (a build, a pack, an install): about a minute and a half on a quiet 2-core machine.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineApp } from './support/offline-app.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** Top-level entries of the repository that are never copied: installs, builds, outputs. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'test-output', 'out', 'coverage']);

/** The environment for child processes: this Vitest's own variables removed, so that the app's Vitest starts afresh. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST')) env[k] = v;
  return env;
}

/** npm, run by this Node: the one running `npm test` when there is one, else the npm on PATH. */
function npm(args: string[], cwd: string): { code: number; out: string } {
  const execPath = process.env.npm_execpath;
  const [cmd, pre] =
    execPath && /npm-cli\.js$/.test(execPath) ? [process.execPath, [execPath]] : ['npm', [] as string[]];
  const r = spawnSync(cmd, [...pre, ...args], { cwd, env: childEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const APP_TEST = `import { checkRun, readTimeline, type RunResult, runScenario, writeTimeline } from 'fabricsim';
import { loadScenarioFile } from 'fabricsim/node';
import 'fabricsim/vitest';
import { expect, it } from 'vitest';

const SCENARIOS = 'node_modules/fabricsim/scenarios';

it('runs a bundled scenario and checks it with the matchers', () => {
  const run: RunResult = runScenario(loadScenarioFile(\`\${SCENARIOS}/node-crash-healing.yaml\`), { seed: 2 });
  expect(run).toRecoverWithin('lasting', '30m');
  expect(run).toBeDetectedBy('transient', 'load-balancer', { within: '2m' });
  expect(run).toHaveAvailability('shop.web', { atLeast: 0.999, served: true });
  expect(run).toMeetExpectations();
  expect(run).not.toRecoverWithin('lasting', '20m');
  expect(() => expect(run).toRecoverWithin('lasting', '20m')).toThrow(
    /measured 28m4\\.5s \\(lasting\\), bound 20m\\n.*npx fabricsim run node_modules\\/fabricsim\\/scenarios\\/node-crash-healing\\.yaml --seed 2 --out \\S+ && npx fabricsim serve --timeline \\S+ --at 4800000000 --tour failure$/,
  );
  expect(checkRun(run, { metric: 'fc.noQuorumUs', atMost: '1m' }).passed).toBe(true);
  expect(readTimeline(writeTimeline(run.timeline!)).traceHash).toBe(run.summary.traceHash);
  // @ts-expect-error: the matchers are typed: a recovery bound is required.
  expect(() => expect(run).toRecoverWithin('lasting')).toThrow(/invalid expectation/);
});

it('checks security outcomes of the scripted traffic', () => {
  const run = runScenario(loadScenarioFile(\`\${SCENARIOS}/security-compute-connectivity.yaml\`), { record: false });
  expect(run).toDeny({ from: 'internet', to: 'shop.worker*' });
  expect(run).toHaveNoViolations();
  // @ts-expect-error: an attempt kind is one of the traffic kinds.
  expect(() => expect(run).toDeny({ from: 'internet', to: 'shop.worker*', kind: 'telnet' })).toThrow();
});
`;

const APP_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    types: [],
  },
  include: ['test'],
};

let stage = '';
let app = '';
let files: string[] = [];
let tarballBytes = 0;
const timings: Record<string, number> = {};

function timed<T>(name: string, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    timings[name] = Math.round(performance.now() - t0);
  }
}

beforeAll(() => {
  stage = mkdtempSync(join(tmpdir(), 'fabricsim-pack-'));
  const src = join(stage, 'src');
  timed('copy', () => {
    cpSync(ROOT, src, {
      recursive: true,
      filter: (from) => {
        const rel = relative(ROOT, from);
        const top = rel.split(sep)[0]!;
        return !NOT_COPIED.has(top) && rel !== join('viz', 'dist') && !/\.tgz$/.test(rel);
      },
    });
    symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
  });

  // `npm pack` runs the package's own scripts: prepack (the viewer's build) and prepare (the library's).
  const packed = timed('pack', () => npm(['pack', '--pack-destination', stage, '--no-audit', '--no-fund'], src));
  const tgz = readdirSync(stage).find((f) => f.endsWith('.tgz'));
  if (packed.code !== 0 || tgz === undefined) throw new Error(`npm pack failed:\n${tail(packed.out)}`);
  tarballBytes = statSync(join(stage, tgz)).size;
  const listing = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], src);
  files = (JSON.parse(listing.out.slice(listing.out.indexOf('['))) as [{ files: { path: string }[] }])[0].files.map(
    (f) => f.path,
  );

  app = join(stage, 'app');
  mkdirSync(join(app, 'test'), { recursive: true });
  const { pkg, lock } = offlineApp({
    repoLock: join(ROOT, 'package-lock.json'),
    tarball: join(stage, tgz),
    tarballSpec: `file:../${tgz}`,
    libraryPackage: JSON.parse(readFileSync(join(src, 'package.json'), 'utf8')),
    with: ['vitest', 'typescript'],
  });
  writeFileSync(join(app, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(app, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  writeFileSync(join(app, 'tsconfig.json'), `${JSON.stringify(APP_TSCONFIG, null, 2)}\n`);
  writeFileSync(join(app, 'test', 'app.test.ts'), APP_TEST);
  const installed = timed('install', () => npm(['ci', '--offline', '--no-audit', '--no-fund'], app));
  if (installed.code !== 0) {
    const uncached = /ENOTCACHED|only-if-cached/.test(installed.out);
    throw new Error(
      uncached
        ? "cannot install the packed library offline: npm's cache lacks a package it needs; run `npm ci` once with " +
            `the network so that the cache holds fabricsim's dependencies, Vitest and TypeScript\n${tail(installed.out)}`
        : `installing the packed library failed:\n${tail(installed.out)}`,
    );
  }
}, 900_000);

afterAll(() => {
  if (stage !== '') rmSync(stage, { recursive: true, force: true });
  console.log(`pack test: tarball ${tarballBytes} bytes, ${files.length} files; ms ${JSON.stringify(timings)}`);
});

describe('the packed library', () => {
  it('ships the build, the viewer, the scenarios and the schema, and nothing else', () => {
    for (const f of [
      'package.json',
      'README.md',
      'bin/fabricsim.js',
      'dist/sim/index.js',
      'dist/sim/index.d.ts',
      'dist/sim/cli/node-api.d.ts',
      'dist/sim/vitest/index.d.ts',
      'dist/sim/cli/main.js',
      'viz/dist/index.html',
      'scenarios/quickstart.yaml',
      'docs/scenario.schema.json',
    ]) {
      expect(files, f).toContain(f);
    }
    const unwanted = files.filter(
      (f) =>
        /^(test|sim|viz\/src|dist\/test|scenarios\/bench)\//.test(f) ||
        /\.(map|tsbuildinfo)$|\.test\.|(^|\/)fixtures\//.test(f) ||
        (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)),
    );
    expect(unwanted).toEqual([]);
    expect(tarballBytes).toBeGreaterThan(100_000);
  });

  it('has declarations that import only the package itself and its dependencies', () => {
    const root = join(app, 'node_modules', 'fabricsim');
    const allowed = new Set([...Object.keys(PKG.dependencies), ...Object.keys(PKG.peerDependencies)]);
    const bad: string[] = [];
    let checked = 0;
    for (const f of files.filter((p) => p.endsWith('.d.ts'))) {
      const text = readFileSync(join(root, f), 'utf8');
      const refs = [...text.matchAll(/^\/\/\/\s*<reference (?:path|types)="([^"]+)"/gm)].map((m) => m[1]!);
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      const imports = [...code.matchAll(/(?:\bfrom|\bimport|\bimport\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
      for (const spec of [...refs, ...imports]) {
        checked++;
        if (spec.startsWith('.')) {
          const target = resolve(dirname(join(root, f)), spec.replace(/\.js$/, '.d.ts'));
          if (!target.startsWith(root + sep) || !existsSync(target)) bad.push(`${f}: ${spec}`);
        } else {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!spec.startsWith('node:') && !allowed.has(name)) bad.push(`${f}: ${spec}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(bad).toEqual([]);
  });

  it("runs the app's Vitest test, which uses fabricsim, fabricsim/node and fabricsim/vitest", () => {
    const r = timed('vitest', () =>
      spawnSync(process.execPath, [join(app, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], {
        cwd: app,
        env: childEnv(),
        encoding: 'utf8',
      }),
    );
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Tests\s+.*2 passed/);
  });

  it("type-checks the app's test with tsc (strict, declarations checked, no @types/node)", () => {
    const r = timed('tsc', () =>
      spawnSync(process.execPath, [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], {
        cwd: app,
        encoding: 'utf8',
      }),
    );
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('refuses imports of internal modules', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('fabricsim/dist/sim/run.js')"], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('installs a command line that checks and starts a bundled scenario and serves the viewer', async () => {
    const bin = join(app, 'node_modules', 'fabricsim', 'bin', 'fabricsim.js');
    expect(existsSync(join(app, 'node_modules', '.bin', 'fabricsim'))).toBe(true);
    const check = execFileSync(process.execPath, [bin, 'check', 'node_modules/fabricsim/scenarios/quickstart.yaml'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(check).toMatch(/1 scenario, \d+ expectations: \d+ passed, 0 failed/);

    // `start` runs the bundled quickstart and writes its timeline under the working folder, not node_modules.
    const started = spawnSync(process.execPath, [bin, 'start', '--no-serve'], { cwd: app, encoding: 'utf8' });
    expect(started.status, started.stderr).toBe(0);
    expect(existsSync(join(app, 'out', 'quickstart.timeline.json'))).toBe(true);

    const server: ChildProcess = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((done, fail) => {
        let out = '';
        server.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /Replay app: (http:\/\/\S+)/.exec(out);
          if (m) done(m[1]!);
        });
        server.on('exit', (code) => fail(new Error(`fabricsim serve exited with ${code}: ${out}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script');
    } finally {
      server.kill('SIGTERM');
    }
  });
});
