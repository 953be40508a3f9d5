/**
 * Timelines for the export tests: bundled scenarios run in-process (cached per file), and an export collected
 * into one buffer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExportFormat, exportTimeline } from '../../sim/export/index.js';
import { loadScenario, runScenario } from '../../sim/index.js';
import type { Timeline } from '../../sim/trace/format.js';

const cache = new Map<string, Timeline>();

/** The timeline of a bundled scenario (scenarios/NAME.yaml) with its own seed. */
export function scenarioTimeline(name: string): Timeline {
  let t = cache.get(name);
  if (!t) {
    const file = join('scenarios', `${name}.yaml`);
    const sc = loadScenario(readFileSync(file, 'utf8'), { fileName: file });
    t = runScenario(sc, { record: true }).timeline!;
    cache.set(name, t);
  }
  return t;
}

/** The whole export as bytes, and how many pieces it came in. */
export function exportBytes(timeline: Timeline, format: ExportFormat): { bytes: Buffer; pieces: number } {
  const parts: Buffer[] = [];
  exportTimeline(timeline, format, (c) => {
    parts.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  });
  return { bytes: Buffer.concat(parts), pieces: parts.length };
}

/** Scenarios that between them have node and instance outages, FC and SQL replicas, messages and security events. */
export const SCENARIOS = ['quickstart', 'rack-power-loss', 'fc-leader-crash', 'sql-failover', 'security-corpnet-acl'];
