// The scenario layer: the file format (schema, defaults), loading with located errors, and resolution.
export { DEFAULTS, type DefaultEntry, type Defaults } from '../spec/defaults.js';
export { FAULT_KINDS, type FaultKind } from '../spec/kinds.js';
export {
  type DocPath,
  describeValue,
  formatPath,
  ScenarioError,
  ScenarioIssue,
  type SourceLocation,
} from './errors.js';
export {
  canonicalJson,
  deepMerge,
  type LoadOptions,
  MAX_EXTENDS_DEPTH,
  type ParsedScenario,
  parseScenario,
  parseScenarioFile,
  positionOf,
  type ScenarioSource,
  scenarioHash,
} from './load.js';
export {
  type ClusterFile,
  type ExpectationFile,
  type FaultFile,
  type ScenarioFile,
  ScenarioSpec,
  type ServiceFile,
  scenarioJsonSchema,
  type UpgradeFile,
} from './schema.js';
export { didYouMean, editDistance, suggest } from './suggest.js';
