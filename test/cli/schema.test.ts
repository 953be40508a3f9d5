import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaText } from '../../sim/cli/commands/schema.js';
import { scenarioJsonSchema } from '../../sim/scenario/schema.js';
import { cli, ROOT } from './helpers.js';

const HEADER = '# yaml-language-server: $schema=../docs/scenario.schema.json';

describe('fabricsim schema', () => {
  it('prints the JSON Schema as one JSON document', async () => {
    const r = await cli('schema');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(scenarioJsonSchema());
    expect(r.stdout).toBe(schemaText());
  });

  it('docs/scenario.schema.json is the generated schema (regenerate: see docs/cli.md)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'docs', 'scenario.schema.json'), 'utf8'));
    // Compared as data, so that formatting the file (Biome) does not matter.
    expect(
      committed,
      'docs/scenario.schema.json is stale: npm run build && node bin/fabricsim.js schema > docs/scenario.schema.json',
    ).toEqual(scenarioJsonSchema());
  });

  it('every YAML scenario in scenarios/ starts with the schema comment for editors', () => {
    const dir = join(ROOT, 'scenarios');
    for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
      const first = readFileSync(join(dir, name), 'utf8').split('\n')[0];
      expect(first, `scenarios/${name}`).toBe(HEADER);
    }
  });
});
