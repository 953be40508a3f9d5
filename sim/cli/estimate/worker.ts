/**
 * A worker thread of `fabricsim estimate --workers K`: prepares the estimate once, then answers each replication
 * index it receives with that replication's result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type EstimateOptions, prepareEstimate, runReplication } from '../../estimate/index.js';
import { withPlugins } from '../plugins.js';
import { loadScenarioFile } from '../scenario.js';
import type { WorkerReply } from './pool.js';

const { fileName, options } = workerData as { fileName: string; options: EstimateOptions };
const scenario = await withPlugins(loadScenarioFile(fileName));
const { setup } = prepareEstimate(scenario.resolved, options, scenario.plugins);
const port = parentPort!;
port.on('message', (r: number) => {
  let reply: WorkerReply;
  try {
    reply = { r, result: runReplication(setup, r) };
  } catch (e) {
    reply = { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  port.postMessage(reply);
});
