// The metrics layer: the run summary's shape, availability tracking, statistics over runs, and the human-readable
// summary. It knows nothing of how a run is made.
export { AvailabilityTracker } from './availability.js';
export { formatHuman } from './format.js';
export {
  downtimePerYearUs,
  gammaP,
  gammaQuantile,
  nines,
  poissonInterval,
  type RateEstimate,
  rateEstimate,
  YEAR_US,
} from './rates.js';
export { type DistributionSummary, type Interval, pairedDifference, summarize, wilsonInterval } from './stats.js';
export type {
  Detector,
  ExpectationResult,
  FaultArrivals,
  FaultDomainResult,
  FaultResult,
  ImagesSummary,
  RoleResult,
  RunSummary,
  SecurityIntentTally,
  SecurityKindTally,
  SecuritySummary,
} from './summary.js';
