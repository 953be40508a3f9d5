/**
 * Worker-thread entry (compiled to dist/sim/cli/sweep/worker.js): loads the runner, says `ready`, then answers
 * each task message with the run's results line. One run at a time; the main thread schedules.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RunTask } from '../../sweep/index.js';
import { makeExecutor, type WorkerInit, type WorkerMessage } from './execute.js';
import { loadRunner } from './runner.js';

const port = parentPort;
if (port === null) throw new Error('sweep worker: must run in a worker thread');
const init = workerData as WorkerInit;
const execute = makeExecutor(init, await loadRunner(init.runnerUrl));
port.on('message', (task: RunTask) => {
  const msg: WorkerMessage = { type: 'result', run: task.run, line: execute(task) };
  port.postMessage(msg);
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
