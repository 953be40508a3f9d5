/**
 * `fabricsim sweep` as its own process, with the stand-in runner on worker threads loaded from source: for tests
 * that send real signals. Usage: node --import ./register-ts.mjs run-sweep.ts ARGS…
 */
import { sweepCommand } from '../../../sim/cli/sweep/command.js';
import { FAKE_RUNNER_URL, TS_WORKER } from './io.js';

process.exitCode = await sweepCommand(process.argv.slice(2), { runnerUrl: FAKE_RUNNER_URL, worker: TS_WORKER });
