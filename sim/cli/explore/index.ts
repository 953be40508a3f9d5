// explore and shrink (Node side): the commands, and each lane's runs on a worker thread, feedback kept inside the lane.
export { exploreCommand, mergeDispatch } from './command.js';
export { type LanesInit, runLanes } from './lanes.js';
export { shrinkCommand } from './shrink-command.js';
