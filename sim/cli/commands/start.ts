/**
 * `fabricsim start [FILE]`: the main job behind `npm start` — run the quickstart scenario, write its timeline, print
 * the summary, then serve the replay app with that run loaded (unless CI=true or --no-serve).
 */
import { mkdirSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { runScenario } from '../../runner/index.js';
import { writeTimeline } from '../../trace/index.js';
import { HELP_OPTION, parseFlags, parseSeed } from '../args.js';
import { CliError, EXIT_OK, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import type { CliIO } from '../io.js';
import { withPlugins } from '../plugins.js';
import { loadScenarioFile, withScenarioErrors } from '../scenario.js';
import { projectRoot, type ServeOptions, serveViewer, type ViewerServer } from '../serve.js';
import { formatRunReport } from '../summary.js';
import { START_HELP, usageLine } from '../usage.js';

const OPTIONS = {
  ...HELP_OPTION,
  seed: { type: 'string' },
  'no-serve': { type: 'boolean' },
  port: { type: 'string' },
  open: { type: 'boolean' },
} as const;

export function parsePort(text: string, help: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new UsageError(`--port takes 0 … 65535, found "${text}"`, usageLine(help));
  return port;
}

/** Starts the viewer; a port in use or a missing build is the user's to fix: one line, exit 2. */
export async function serveOrExplain(opts: ServeOptions): Promise<ViewerServer> {
  try {
    return await serveViewer(opts);
  } catch (e) {
    throw new CliError(`cannot serve the replay app: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Waits for Ctrl-C (or SIGTERM), then runs `close`. */
export function untilInterrupted(close: () => Promise<void>): Promise<number> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void close().then(() => done(EXIT_OK));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function startCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(argv, OPTIONS, START_HELP);
  if (values.help) {
    io.out(START_HELP);
    return EXIT_OK;
  }
  const root = projectRoot();
  if (positionals.length > 1) {
    throw new UsageError(`expected at most one FILE, found ${positionals.length} arguments`, usageLine(START_HELP));
  }
  const [given] = positionals;
  const file = given ?? join(root, 'scenarios', 'quickstart.yaml');
  const seed = typeof values.seed === 'string' ? parseSeed(values.seed, START_HELP) : undefined;
  const port = typeof values.port === 'string' ? parsePort(values.port, START_HELP) : undefined;

  const scenario = await withPlugins(loadScenarioFile(file));
  const started = io.now();
  const { summary, timeline } = withScenarioErrors(file, () =>
    runScenario(scenario, { ...(seed === undefined ? {} : { seed }), record: true }),
  );
  const wallMs = io.now() - started;
  // In this project, out/ beside package.json; installed in another project (under node_modules), out/ in the
  // working folder — never inside node_modules.
  const outDir = root.split(sep).includes('node_modules') ? join(process.cwd(), 'out') : join(root, 'out');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${basename(file).replace(/\.(ya?ml|json)$/i, '')}.timeline.json`);
  const text = writeTimeline(timeline!);
  writeFileAtomic(out, text);
  io.out(formatRunReport({ summary, file, wallMs, timeline: { path: out, bytes: Buffer.byteLength(text) } }));

  const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
  if (values['no-serve'] || ci) return EXIT_OK;
  const server = await serveViewer({
    timelinePath: out,
    ...(port === undefined ? {} : { port }),
    open: values.open === true,
  });
  io.out(`\nReplay: ${server.url}\n(Ctrl-C to stop)\n`);
  return untilInterrupted(server.close);
}
