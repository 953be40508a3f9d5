/**
 * Worker-thread entry for `fabricsim explore` (compiled to dist/sim/cli/explore/worker.js): receives lanes, runs
 * them, and sends each fresh run's record line back as soon as it is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RunRecord } from '../../explore/index.js';
import { contextOf, type LaneMessage, type LaneReply, type LanesInit, runLane } from './lanes.js';

const port = parentPort;
if (port === null) throw new Error('explore worker: must run in a worker thread');
const init = workerData as LanesInit;
const ctx = await contextOf(init);
let stop = false;
const send = (m: LaneReply): void => port.postMessage(m);
port.on('message', (msg: LaneMessage) => {
  if (msg.type === 'stop') {
    stop = true;
    return;
  }
  const done = new Map<number, RunRecord>(msg.done.map((r) => [r.run, r]));
  void runLane(
    ctx,
    init,
    msg.lane,
    done,
    (line) => send({ type: 'record', line }),
    () => stop,
  ).then(() => send({ type: 'lane-done', lane: msg.lane }));
});
send({ type: 'ready' });
