/**
 * Bench runner: `npm run bench -- NAME`. With no NAME it lists the benches; an unknown NAME lists them and exits 2.
 * Each bench module exports `run(args): number | Promise<number>` returning the exit code, and prints a JSON summary
 * as its last line.
 */

type BenchModule = { run(args: string[]): number | Promise<number> };

// One line per bench: its name and its module.
const BENCHES: Record<string, () => Promise<BenchModule>> = {
  phold: () => import('./phold.js'),
  heartbeat: () => import('./heartbeat.js'),
  'region-day': () => import('./region-day.js'),
  sweep: () => import('./sweep.js'),
  explore: () => import('./explore.js'),
  setup: () => import('./setup.js'),
  'region-year': () => import('./region-year.js'),
  recording: () => import('./recording.js'),
  'sweep-region': () => import('./sweep-region.js'),
  'sweep-jit': () => import('./sweep-jit.js'),
  growth: () => import('./growth.js'),
  'viz-replay': () => import('./viz-replay.js'),
  estimate: () => import('./estimate.js'),
  export: () => import('./export.js'),
  'users-reach': () => import('./users-reach.js'),
};

async function main(argv: string[]): Promise<number> {
  const names = Object.keys(BENCHES);
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.log(`usage: npm run bench -- NAME\nbenches: ${names.join(', ')}`);
    return 0;
  }
  const load = Object.hasOwn(BENCHES, name) ? BENCHES[name] : undefined;
  if (load === undefined) {
    console.error(`unknown bench ${JSON.stringify(name)}: expected one of ${names.join(', ')}`);
    return 2;
  }
  const mod = await load();
  return mod.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
