/**
 * users-reach: what re-deriving users' reach costs after a rule change at region scale (scenarios/bench/region-day.yaml:
 * 1,000 web roles, 50,000 web instances, rule engines on). The security model does it once at start and on every
 * misconfiguration and revert; this times `--repeat N` recomputations (default 20) and reports the CPU time of one,
 * beside the same run's set-up (parse to first event ready) as the baseline: the ratio is the headline.
 */
import { SecurityModel } from '../../sim/model/security/index.js';
import { createSimulation } from '../../sim/run.js';
import { flag, loadBenchScenario, round, stopwatch } from './region.js';

export function run(args: string[]): number {
  const repeat = Number(flag(args, 'repeat') ?? 20);
  console.log('users-reach: region-day (50,000 web instances), reach recomputed after a rule change');
  const w = stopwatch();
  const sc = loadBenchScenario('scenarios/bench/region-day.yaml');
  const sim = createSimulation(sc.resolved, { record: false });
  const setup = w.read().cpu;
  const model = SecurityModel.of(sim);
  if (model === undefined) throw new Error('region-day has no security section');
  let instances = 0;
  const r = stopwatch();
  for (let i = 0; i < repeat; i++) {
    model.reach.compute(() => {
      instances++;
    });
  }
  const each = r.read().cpu / repeat;
  console.log(
    `  set-up ${setup.toFixed(2)} s cpu; one recomputation ${(each * 1000).toFixed(1)} ms cpu over ${instances / repeat} instances (${((each / setup) * 100).toFixed(2)} % of set-up)`,
  );
  console.log(
    JSON.stringify({
      bench: 'users-reach',
      setupSeconds: round(setup, 3),
      reachSeconds: round(each, 5),
      ratioToSetup: round(each / setup, 5),
      instances: instances / repeat,
    }),
  );
  return 0;
}
