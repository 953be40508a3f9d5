/**
 * Loading a scenario named on the command line, with every user mistake turned into a one-line error.
 */
import { normalize } from 'node:path';
import { DurationError } from '../engine/index.js';
import { PolicyError } from '../model/index.js';
import { loadScenario, type Scenario } from '../runner/index.js';
import { formatPath, ScenarioIssue } from '../scenario/index.js';
import { CliError } from './errors.js';
import { readExtendsFromDisk, readUserFile } from './files.js';

/**
 * Runs `fn`, turning a problem that escaped location (a ScenarioIssue or DurationError thrown after loading) into a
 * CliError that names the file. Located ScenarioErrors pass through as they are.
 */
export function withScenarioErrors<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ScenarioIssue) {
      const path = formatPath(e.path);
      throw new CliError(`${file}: ${path === '' ? '' : `${path}: `}${e.message}`);
    }
    if (e instanceof DurationError || e instanceof PolicyError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}

/** Reads, parses, validates and resolves the scenario in `file` (and the bases it extends, relative to it). */
export function loadScenarioFile(file: string): Scenario {
  const fileName = normalize(file);
  const text = readUserFile(fileName);
  return withScenarioErrors(fileName, () => loadScenario(text, { fileName, readExtends: readExtendsFromDisk }));
}
