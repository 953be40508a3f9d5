/**
 * The project's layers, checked on every import under sim/ and viz/: none points up the layer order, none reaches past
 * a folder's index.ts, none closes a cycle (rules in test/architecture/imports.ts, order in test/architecture/layers.ts).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkImports, readImportGraph } from './architecture/imports.js';
import { projectRules } from './architecture/layers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('architecture', () => {
  it('every import under sim/ and viz/ follows the layer order, the index.ts barrels, and has no cycle', () => {
    const edges = readImportGraph(ROOT, ['sim', 'viz']);
    expect(edges.length).toBeGreaterThan(300);
    const problems = checkImports(edges, projectRules(ROOT)).map((p) => `${p.kind}: ${p.message}`);
    expect(problems).toEqual([]);
  });
});
