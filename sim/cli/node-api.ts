/**
 * `fabricsim/node`: the library's Node-only helpers — files on disk. Loading a scenario file (with the bases it
 * `extends` read relative to it, as the command line does), reading and writing timeline files (atomically), and the
 * shell command that opens a run in the replay viewer at a moment.
 */
import { normalize } from 'node:path';
import type { Scenario } from '../runner/index.js';
import { readTimeline, type Timeline, writeTimeline } from '../trace/index.js';
import { readUserFile, writeFileAtomic } from './files.js';
import { loadScenarioFile as loadFromDisk } from './scenario.js';
import { viewerCommand } from './viewer.js';

/**
 * Reads, validates and resolves the scenario in `path`, and the bases it `extends` (relative to the file naming
 * them). Throws `ScenarioError` (file, line, column, path, what was expected) for a mistake in a file, or an Error
 * naming the file that cannot be read.
 */
export function loadScenarioFile(path: string): Scenario {
  return loadFromDisk(path);
}

/** Reads a timeline file (`fabricsim run --out`). Throws `TimelineError` for a file that is not a timeline. */
export function readTimelineFile(path: string): Timeline {
  return readTimeline(readUserFile(normalize(path)));
}

/**
 * Writes `timeline` to `path` atomically (a temporary file, flushed, then renamed): a reader never sees it
 * half-written, and on failure an existing file is left as it was. Returns the number of bytes written.
 */
export function writeTimelineFile(path: string, timeline: Timeline): number {
  const text = writeTimeline(timeline);
  writeFileAtomic(path, text);
  return Buffer.byteLength(text);
}

export { viewerCommand };
