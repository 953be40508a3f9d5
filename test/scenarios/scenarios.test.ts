/**
 * Every scenario in scenarios/ runs with `check` semantics (all expectations hold) and matches its golden file in
 * test/golden/: the trace hash, each fault's detection and recovery, and the event counts by kind. A change of
 * behaviour shows up here as a readable diff before it is accepted; to accept one, run
 * `UPDATE_GOLDEN=1 npx vitest run test/scenarios` and review the golden files' diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withPlugins } from '../../sim/cli/plugins.js';
import { assertExpectations, runScenario } from '../../sim/index.js';
import { ROOT, scenarioFile } from '../model/helpers.js';

const files = readdirSync(join(ROOT, 'scenarios')).filter((f) => /\.(ya?ml|json)$/.test(f));
const update = process.env.UPDATE_GOLDEN === '1';

describe('bundled scenarios', () => {
  it('are all present', () => {
    expect(files).toContain('quickstart.yaml');
  });

  for (const file of files) {
    it(`${file} meets its expectations and matches its golden file`, async () => {
      const text = readFileSync(join(ROOT, 'scenarios', file), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../docs/scenario.schema.json');
      // Policy modules beside the scenario (scenarios/plugins/) are loaded as the command line loads them.
      const { summary } = runScenario(await withPlugins(scenarioFile(file)), { record: false });
      assertExpectations(summary);
      expect(summary.expectations.length).toBeGreaterThan(0);
      const golden = {
        traceHash: summary.traceHash,
        events: summary.events,
        faults: summary.faults.map((f) => ({
          id: f.id,
          kind: f.kind,
          target: f.target,
          atUs: f.atUs,
          detectedBy: f.detectedBy,
          ttdUs: f.ttdUs,
          ttrUs: f.ttrUs,
        })),
        eventCounts: summary.eventCounts,
      };
      const path = join(ROOT, 'test', 'golden', file.replace(/\.(ya?ml|json)$/, '.golden.json'));
      if (update || !existsSync(path)) {
        writeFileSync(path, `${JSON.stringify(golden, null, 1)}\n`);
        if (!update) throw new Error(`wrote a new golden file ${path}: review it, commit it, and run again`);
      }
      expect(golden).toEqual(JSON.parse(readFileSync(path, 'utf8')));
    });
  }
});
