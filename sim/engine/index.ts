// The engine layer: clock, event queue, scheduler, seeded random streams, distributions and the trace hash.
// It knows nothing of clusters.
export {
  cdf,
  DISTRIBUTION_KINDS,
  type Distribution,
  type DistributionKind,
  gamma,
  makeSampler,
  meanOf,
  normalCdf,
  sample,
  validateDistribution,
} from './distributions.js';
export { compileGlob, globMatches, isGlob, matchGlob } from './glob.js';
export { TraceHash, writeDecimal } from './hash.js';
export { joinName } from './names.js';
export { type EventHandle, EventQueue, MAX_PENDING } from './queue.js';
export { type Forks, hashString32, hashUniform, Random, streamKey } from './random.js';
export { type EventFn, type RunOptions, type RunResult, Scheduler } from './scheduler.js';
export {
  assertTime,
  DurationError,
  days,
  formatClock,
  formatDuration,
  hours,
  isTime,
  MAX_TIME_US,
  micros,
  millis,
  minutes,
  parseDuration,
  seconds,
  US_PER_DAY,
  US_PER_HOUR,
  US_PER_MINUTE,
  US_PER_MS,
  US_PER_SECOND,
} from './time.js';
