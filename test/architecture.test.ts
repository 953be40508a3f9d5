/**
 * The project's layers, checked on every import under sim/ and viz/: none points up the layer order, none reaches past
 * a folder's index.ts, none closes a cycle (rules in test/architecture/imports.ts, order in test/architecture/layers.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkImports, readImportGraph, resolveSpecifier } from './architecture/imports.js';
import { projectRules } from './architecture/layers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('architecture', () => {
  it('every import under sim/ and viz/ follows the layer order, the index.ts barrels, and has no cycle', () => {
    const edges = readImportGraph(ROOT, ['sim', 'viz']);
    expect(edges.length).toBeGreaterThan(300);
    const problems = checkImports(edges, projectRules(ROOT)).map((p) => `${p.kind}: ${p.message}`);
    expect(problems).toEqual([]);
  });

  it('the command line and the runner load the exporters (protobufjs) only for `fabricsim export`', () => {
    // What a file loads when it is imported: its static imports that are not type-only, and theirs (an `import(…)`
    // waits for its command).
    const loads = (start: string): Set<string> => {
      const seen = new Set([start]);
      const todo = [start];
      const exists = (p: string): boolean => {
        try {
          readFileSync(join(ROOT, p));
          return true;
        } catch {
          return false;
        }
      };
      for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
        const code = readFileSync(join(ROOT, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
        for (const m of code.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gm)) {
          if (m[2] !== undefined || /^(import|export)\s+type\b/.test(m[0])) continue;
          const to = resolveSpecifier(f, m[3]!, exists);
          if (!seen.has(to)) {
            seen.add(to);
            todo.push(to);
          }
        }
      }
      return seen;
    };
    for (const start of ['sim/cli/main.ts', 'sim/runner/index.ts']) {
      const reached = [...loads(start)];
      expect(reached.length).toBeGreaterThan(start === 'sim/cli/main.ts' ? 100 : 50);
      expect(reached.filter((f) => f.startsWith('sim/export/'))).toEqual([]);
    }
    // The public surface still offers the exporters.
    expect([...loads('sim/index.ts')].some((f) => f.startsWith('sim/export/'))).toBe(true);
  });
});
