/** `fabricsim sweep` and `fabricsim merge`: many runs (parameters × seeds) on worker threads and across machines. */
export { type CommandIo, mergeCommand, sweepCommand } from './command.js';
export { Interrupt, type WorkerSpec } from './pool.js';
export { ResultsWriter } from './results-file.js';
