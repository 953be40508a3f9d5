/** The import checker on small synthetic graphs: each rule fails where it should, naming the file and the import. */
import { describe, expect, it } from 'vitest';
import { checkImports, findCycles, type ImportEdge, importSpecifiers, type Rules } from './imports.js';

const RULES: Rules = {
  layers: [
    { name: 'low', paths: ['sim/low/'] },
    { name: 'mid', paths: ['sim/mid/', 'sim/mid.ts'] },
    { name: 'high', paths: ['sim/high/'] },
  ],
  barrelRoots: ['sim'],
  barrelExempt: ['test/'],
};

function edge(from: string, to: string): ImportEdge {
  return { from, to, spec: `./${to.split('/').pop()?.replace('.ts', '.js')}` };
}

describe('checkImports', () => {
  it('accepts imports down the layers and through index.ts', () => {
    const edges = [edge('sim/high/a.ts', 'sim/mid/index.ts'), edge('sim/mid/b.ts', 'sim/low/index.ts')];
    expect(checkImports(edges, RULES)).toEqual([]);
  });

  it('names the file and the import that points up a layer', () => {
    const problems = checkImports([edge('sim/low/x.ts', 'sim/high/index.ts')], RULES);
    expect(problems).toEqual([
      {
        kind: 'layer',
        message:
          "sim/low/x.ts imports './index.js' (sim/high/index.ts): layer low may not import the higher layer high",
      },
    ]);
  });

  it('refuses a reach past a folder’s index.ts, from a sibling folder and from a file at the root', () => {
    const problems = checkImports(
      [edge('sim/high/a.ts', 'sim/low/deep/thing.ts'), edge('sim/mid.ts', 'sim/low/thing.ts')],
      RULES,
    );
    expect(problems.map((p) => p.kind)).toEqual(['barrel', 'barrel']);
    expect(problems[0]?.message).toContain('sim/high/a.ts imports');
    expect(problems[0]?.message).toContain('import sim/low/index.ts instead');
    expect(problems[1]?.message).toContain('sim/mid.ts imports');
  });

  it('lets a folder reach into itself and into its own sub-folder’s index only', () => {
    const ok = [edge('sim/low/a.ts', 'sim/low/b.ts'), edge('sim/low/a.ts', 'sim/low/sub/index.ts')];
    expect(checkImports(ok, RULES)).toEqual([]);
    const bad = checkImports([edge('sim/low/a.ts', 'sim/low/sub/c.ts')], RULES);
    expect(bad.map((p) => p.message)).toEqual([
      "sim/low/a.ts imports './c.js' (sim/low/sub/c.ts) from outside sim/low/sub/: import sim/low/sub/index.ts instead",
    ]);
  });

  it('lets tests reach into a folder', () => {
    expect(
      checkImports([edge('test/x.test.ts', 'sim/low/deep/thing.ts')], {
        ...RULES,
        layers: [...RULES.layers, { name: 'test', paths: ['test/'] }],
      }),
    ).toEqual([]);
  });

  it('reports a file in no layer', () => {
    const problems = checkImports([edge('sim/other/a.ts', 'sim/low/index.ts')], RULES);
    expect(problems).toEqual([
      { kind: 'unlayered', message: 'sim/other/a.ts is in no layer (add its folder to the layer list)' },
    ]);
  });

  it('reports a cycle inside one layer with the files in order', () => {
    const edges = [
      edge('sim/low/a.ts', 'sim/low/b.ts'),
      edge('sim/low/b.ts', 'sim/low/c.ts'),
      edge('sim/low/c.ts', 'sim/low/a.ts'),
      edge('sim/low/c.ts', 'sim/low/d.ts'),
    ];
    expect(checkImports(edges, RULES)).toEqual([
      { kind: 'cycle', message: 'import cycle: sim/low/a.ts → sim/low/b.ts → sim/low/c.ts → sim/low/a.ts' },
    ]);
  });
});

describe('findCycles', () => {
  it('finds a self-import and two separate cycles, and nothing in a diamond', () => {
    const cycles = findCycles([
      edge('a', 'a'),
      edge('b', 'c'),
      edge('c', 'b'),
      edge('d', 'e'),
      edge('e', 'f'),
      edge('f', 'd'),
    ]);
    expect(cycles).toEqual([
      ['a', 'a'],
      ['b', 'c', 'b'],
      ['d', 'e', 'f', 'd'],
    ]);
    expect(findCycles([edge('w', 'x'), edge('w', 'y'), edge('x', 'z'), edge('y', 'z')])).toEqual([]);
  });
});

describe('importSpecifiers', () => {
  it('reads imports, re-exports, side-effect and dynamic imports, not comments or packages', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c/index.js';",
      "export * from './d.js';",
      "import './e.js';",
      "const f = () => import('./f.js');",
      "// import { g } from './g.js';",
      "/* import { h } from './h.js'; */",
      "import { z } from 'zod';",
      'import {\n  x,\n  type Y,\n} from "./multi.js";',
    ].join('\n');
    expect(importSpecifiers(text)).toEqual([
      './a.js',
      '../b.js',
      './c/index.js',
      './d.js',
      './e.js',
      './f.js',
      './multi.js',
    ]);
  });
});
