// The scenario layer: the file format (schema, defaults), loading with located errors, and resolution.

// The spec's types that callers of the scenario layer meet most.
export type { Expectation, ResolvedScenario } from '../spec/index.js';
export { DEFAULTS, type DefaultEntry, type Defaults, FAULT_KINDS, type FaultKind } from '../spec/index.js';
export {
  type DocPath,
  describeValue,
  explainZodIssues,
  formatPath,
  ScenarioError,
  ScenarioIssue,
  type SourceLocation,
} from './errors.js';
export { assertExpectations, ExpectationFailure, evaluateExpectations, lookupMetric, matchFaults } from './expect.js';
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
export { FAULT_TARGETS, idSpaces, parseDistribution, resolveExpectation, resolveScenario } from './resolve.js';
export {
  type ClusterFile,
  type ExpectationFile,
  ExpectationSpec,
  type FaultFile,
  type ScenarioFile,
  ScenarioSpec,
  type ServiceFile,
  scenarioJsonSchema,
  type UpgradeFile,
} from './schema.js';
export { didYouMean, editDistance, suggest } from './suggest.js';
