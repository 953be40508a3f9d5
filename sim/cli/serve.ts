/**
 * Serves the browser viewer: a small static file server over `viz/dist` (built first with Vite if it is missing),
 * which also serves one timeline at `/run.timeline.json` so that the page opens with that run loaded.
 *
 * Binds 127.0.0.1 only: the viewer is a local tool, and a timeline can hold whatever a scenario named.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ServeOptions {
  /** A timeline file to serve at /run.timeline.json and open on load. */
  timelinePath?: string;
  /** Port to listen on (default 5173; when taken, the next free one up to +20). 0 picks any free port. */
  port?: number;
  /** Open the page in the system's browser. */
  open?: boolean;
  /** Open the run at this moment (µs of simulated time); only with `timelinePath`. */
  atUs?: number;
  /** A second timeline, served at /compare.timeline.json and shown side by side with the first. */
  comparePath?: string;
  /** Open this guided tour ("failure": the one generated from the run's failed expectation); only with a timeline. */
  tour?: string;
}

export interface ViewerServer {
  /** The page's address, with `?timeline=/run.timeline.json` when a timeline is served. */
  url: string;
  close(): Promise<void>;
}

export const TIMELINE_ROUTE = '/run.timeline.json';
export const COMPARE_ROUTE = '/compare.timeline.json';
const DEFAULT_PORT = 5173;
const PORT_TRIES = 20;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The project folder: the nearest ancestor of this file holding fabricsim's package.json (source or dist/). */
export function projectRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'fabricsim') return dir;
      } catch {
        // not ours; keep climbing
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the fabricsim project folder (package.json) above ' + from);
    dir = up;
  }
}

/** Builds viz/dist with Vite when its index.html is missing. Returns the dist folder. */
export async function ensureViewerBuilt(root = projectRoot()): Promise<string> {
  const dist = join(root, 'viz', 'dist');
  if (existsSync(join(dist, 'index.html'))) return dist;
  return buildViewer(root);
}

/**
 * Builds viz/dist with Vite's JS API (as `npm run build:viz` does). Returns the dist folder.
 *
 * The build goes to a scratch folder first and then replaces viz/dist by two renames, so that a server (or a test)
 * reading viz/dist meanwhile never sees it half-written or without its index.html for more than an instant.
 */
export async function buildViewer(root = projectRoot()): Promise<string> {
  const dist = join(root, 'viz', 'dist');
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error('the viewer is not built (viz/dist is missing) and Vite is not installed; run `npm run build:viz`');
  }
  const scratch = join(root, 'node_modules', '.cache', `fabricsim-viz-${process.pid}-${Date.now()}`);
  mkdirSync(dirname(scratch), { recursive: true });
  try {
    await vite.build({
      configFile: join(root, 'viz', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: scratch, emptyOutDir: true },
    });
    if (!existsSync(join(scratch, 'index.html'))) throw new Error('building the viewer did not produce an index.html');
    const old = `${scratch}.old`;
    // Another build (a second test file) may swap viz/dist in between: move whatever is there aside, and retry.
    for (let attempt = 0; ; attempt++) {
      try {
        renameSync(dist, `${old}${attempt}`);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      try {
        renameSync(scratch, dist);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (attempt >= 5 || (code !== 'ENOTEMPTY' && code !== 'EEXIST')) throw e;
      }
    }
    for (let attempt = 0; attempt <= 5; attempt++) rmSync(`${old}${attempt}`, { recursive: true, force: true });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return dist;
}

export async function serveViewer(opts: ServeOptions = {}): Promise<ViewerServer> {
  const dist = await ensureViewerBuilt();
  const timeline = opts.timelinePath ? resolve(opts.timelinePath) : undefined;
  if (timeline && !existsSync(timeline)) throw new Error(`no such timeline file: ${opts.timelinePath}`);
  const compare = timeline && opts.comparePath ? resolve(opts.comparePath) : undefined;
  if (compare && !existsSync(compare)) throw new Error(`no such timeline file: ${opts.comparePath}`);
  const server = createServer((req, res) => handle(req, res, dist, timeline, compare));
  const port = await listen(server, opts.port ?? DEFAULT_PORT, opts.port === undefined ? PORT_TRIES : 0);
  const at = timeline && opts.atUs !== undefined && opts.atUs >= 0 ? `&t=${Math.round(opts.atUs)}` : '';
  const tour = timeline && opts.tour ? `&tour=${encodeURIComponent(opts.tour)}` : '';
  const cmp = compare ? `&compare=${COMPARE_ROUTE}` : '';
  const url = `http://127.0.0.1:${port}/${timeline ? `?timeline=${TIMELINE_ROUTE}${cmp}${at}${tour}` : ''}`;
  if (opts.open) openBrowser(url);
  return {
    url,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, tries: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const attempt = (p: number, left: number) => {
      const onError = (e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE' && left > 0) attempt(p + 1, left - 1);
        else reject(e.code === 'EADDRINUSE' ? new Error(`port ${p} is in use; choose another with --port`) : e);
      };
      server.once('error', onError);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', onError);
        resolvePort((server.address() as AddressInfo).port);
      });
    };
    attempt(port, tries);
  });
}

function handle(
  req: IncomingMessage,
  res: ServerResponse,
  dist: string,
  timeline: string | undefined,
  compare?: string,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    res.writeHead(400).end('bad request');
    return;
  }
  if (pathname === TIMELINE_ROUTE) {
    if (!timeline) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('no timeline is being served');
      return;
    }
    sendFile(req, res, timeline, 'application/json; charset=utf-8');
    return;
  }
  if (pathname === COMPARE_ROUTE) {
    if (!compare) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('no second timeline is being served');
      return;
    }
    sendFile(req, res, compare, 'application/json; charset=utf-8');
    return;
  }
  const rel = normalize(pathname === '/' ? '/index.html' : pathname).replace(/^([/\\])+/, '');
  const file = resolve(dist, rel);
  if (file !== dist && !file.startsWith(dist + sep)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  sendFile(req, res, file, MIME[extname(file).toLowerCase()] ?? 'application/octet-stream');
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, type: string): void {
  const size = statSync(file).size;
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': size,
    // Hashed assets may be cached; the page and the timeline must always be fresh.
    'Cache-Control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {
      // No browser opener on this machine: the URL is printed anyway.
    });
    child.unref();
  } catch {
    // as above
  }
}
