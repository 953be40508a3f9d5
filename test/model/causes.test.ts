/**
 * Cause chains: every recorded event that is a consequence of something carries its cause, back to what started it.
 * The only root events (no cause) are fault arrivals, scripted traffic and builds, upgrade requests and the run's
 * start-up — checked over every bundled scenario and two hours of the region-day run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withPlugins } from '../../sim/cli/plugins.js';
import { loadScenario, runScenario, type TimelineEvent } from '../../sim/index.js';
import { ROOT, scenarioFile } from './helpers.js';

const ROOT_KINDS =
  /^(fault\.start|fault\.missed|upgrade\.start|upgrade\.refused|traffic\.[a-z-]+|build\.submit|run\.start)$/;

function badRoots(events: readonly TimelineEvent[]): Record<string, number> {
  const bad: Record<string, number> = {};
  for (const e of events) if (e.c < 0 && !ROOT_KINDS.test(e.k)) bad[e.k] = (bad[e.k] ?? 0) + 1;
  return bad;
}

describe('cause chains', () => {
  const files = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'));

  it.each(files)('%s: every consequence names its cause', async (file) => {
    // Policy modules beside the scenario (scenarios/plugins/) are loaded as the command line loads them.
    const { timeline } = runScenario(await withPlugins(scenarioFile(file)));
    expect(badRoots(timeline!.events)).toEqual({});
    // A cause is an earlier event.
    timeline!.events.forEach((e, i) => {
      if (e.c >= 0) expect(e.c, `${e.k} at ${i}`).toBeLessThan(i);
    });
  });

  it('region-day (2 h): every consequence names its cause', () => {
    const path = join(ROOT, 'scenarios', 'bench', 'region-day.yaml');
    const sc = loadScenario(readFileSync(path, 'utf8'), { fileName: path });
    const { timeline } = runScenario(sc, { untilUs: 2 * 3600e6 });
    expect(timeline!.events.length).toBeGreaterThan(1000);
    expect(badRoots(timeline!.events)).toEqual({});
  }, 120_000);
});
