/**
 * The import checker behind `test/architecture.test.ts`: reads the relative imports of every TypeScript file under the
 * given folders and reports, naming the file and the import, each one that points down the layer order the wrong way,
 * reaches past a folder's `index.ts`, or closes a cycle. Pure over an in-memory graph, so it can be tested on a small
 * synthetic one; `readImportGraph` builds the real graph from the disk.
 *
 * Rules (docs/architecture.md explains them):
 * - Layers: each file belongs to the layer of the longest matching path prefix; a file may import its own layer or a
 *   lower one, never a higher one. A file in no layer is reported.
 * - Barrels: under each `barrelRoot`, every folder is a unit whose `index.ts` is what it offers. A file outside a folder
 *   imports that folder's `index.ts`, never another file in it (`sim/cli/commands/run.ts` may import
 *   `sim/cli/files.ts`, since both are inside `sim/cli`; `sim/run.ts` may not import `sim/model/simulation.ts`).
 * - Cycles: no file may reach itself through its imports (type-only imports count too: a cycle of types is a sign that
 *   two modules are one, or that a type lives in the wrong one).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface ImportEdge {
  /** The importing file, relative to the project root, with '/' separators. */
  readonly from: string;
  /** The imported file, resolved (".js" → ".ts", folder → "index.ts"). */
  readonly to: string;
  /** The specifier as written. */
  readonly spec: string;
}

export interface Layer {
  readonly name: string;
  /** Path prefixes: a folder ("sim/model/") or a file ("sim/run.ts"). */
  readonly paths: readonly string[];
}

export interface Rules {
  /** Lowest first. */
  readonly layers: readonly Layer[];
  /** Folders whose sub-folders are units with an index.ts (e.g. "sim"); the root itself is not a unit. */
  readonly barrelRoots: readonly string[];
  /** Importers exempt from the barrel rule (tests may reach into a folder). */
  readonly barrelExempt?: readonly string[];
}

export interface Problem {
  readonly kind: 'layer' | 'barrel' | 'cycle' | 'unlayered';
  readonly message: string;
}

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative specifiers a source text imports or re-exports (comments are stripped first). */
export function importSpecifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out: string[] = [];
  for (const m of code.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2];
    if (spec?.startsWith('.')) out.push(spec);
  }
  return out;
}

/** Resolves a relative specifier against the importing file, to a project-relative ".ts" path. */
export function resolveSpecifier(from: string, spec: string, exists: (path: string) => boolean): string {
  const base = posix.normalize(posix.join(posix.dirname(from), spec));
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, `${base}/index.ts`, base];
  return candidates.find(exists) ?? base.replace(/\.js$/, '.ts');
}

/** Reads every .ts file under `roots` (relative to `projectRoot`) and returns the relative imports among them. */
export function readImportGraph(projectRoot: string, roots: readonly string[]): ImportEdge[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(projectRoot, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== 'dist') walk(rel);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(rel);
    }
  };
  for (const r of roots) walk(r);
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const from of files.sort()) {
    for (const spec of importSpecifiers(readFileSync(join(projectRoot, from), 'utf8'))) {
      edges.push({ from, to: resolveSpecifier(from, spec, (p) => known.has(p)), spec });
    }
  }
  return edges;
}

function layerOf(file: string, layers: readonly Layer[]): number {
  let best = -1;
  let bestLen = -1;
  layers.forEach((layer, i) => {
    for (const p of layer.paths) {
      const hit = p.endsWith('/') ? file.startsWith(p) : file === p;
      if (hit && p.length > bestLen) {
        best = i;
        bestLen = p.length;
      }
    }
  });
  return best;
}

/** The outermost folder (below a barrel root) that holds `to` but not `from`, or null. */
function enteredFolder(from: string, to: string, root: string): string | null {
  if (!to.startsWith(`${root}/`)) return null;
  const parts = to.split('/');
  for (let i = root.split('/').length + 1; i < parts.length; i++) {
    const folder = parts.slice(0, i).join('/');
    if (!from.startsWith(`${folder}/`)) return folder;
  }
  return null;
}

/** All problems in `edges` under `rules`, sorted, each naming the file and the import. */
export function checkImports(edges: readonly ImportEdge[], rules: Rules): Problem[] {
  const problems: Problem[] = [];
  const unlayered = new Set<string>();
  for (const e of edges) {
    const a = layerOf(e.from, rules.layers);
    const b = layerOf(e.to, rules.layers);
    for (const [file, l] of [
      [e.from, a],
      [e.to, b],
    ] as const) {
      if (l < 0 && !unlayered.has(file)) {
        unlayered.add(file);
        problems.push({ kind: 'unlayered', message: `${file} is in no layer (add its folder to the layer list)` });
      }
    }
    if (a >= 0 && b >= 0 && b > a) {
      const la = rules.layers[a]?.name;
      const lb = rules.layers[b]?.name;
      problems.push({
        kind: 'layer',
        message: `${e.from} imports '${e.spec}' (${e.to}): layer ${la} may not import the higher layer ${lb}`,
      });
    }
    if (!rules.barrelExempt?.some((p) => e.from.startsWith(p))) {
      for (const root of rules.barrelRoots) {
        const folder = enteredFolder(e.from, e.to, root);
        if (folder !== null && e.to !== `${folder}/index.ts`) {
          problems.push({
            kind: 'barrel',
            message: `${e.from} imports '${e.spec}' (${e.to}) from outside ${folder}/: import ${folder}/index.ts instead`,
          });
        }
      }
    }
  }
  for (const cycle of findCycles(edges)) {
    problems.push({ kind: 'cycle', message: `import cycle: ${cycle.join(' → ')}` });
  }
  return problems.sort((x, y) => (x.message < y.message ? -1 : x.message > y.message ? 1 : 0));
}

/** One cycle per strongly connected component with more than one file (or a file importing itself). */
export function findCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    const list = next.get(e.from) ?? [];
    if (!list.includes(e.to)) list.push(e.to);
    next.set(e.from, list);
    if (!next.has(e.to)) next.set(e.to, []);
  }
  // Tarjan's algorithm, iterative.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const start of [...next.keys()].sort()) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    while (work.length > 0) {
      const top = work[work.length - 1] as [string, number];
      const [v, i] = top;
      if (i === 0) {
        index.set(v, counter);
        low.set(v, counter);
        counter++;
        stack.push(v);
        onStack.add(v);
      }
      const succ = next.get(v) ?? [];
      if (i < succ.length) {
        top[1] = i + 1;
        const w = succ[i] as string;
        if (!index.has(w)) work.push([w, 0]);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0]) as number, low.get(v) as number));
      if (low.get(v) === index.get(v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1 || (next.get(v) ?? []).includes(v)) components.push(comp);
      }
    }
  }
  return components.map((comp) => cycleThrough(comp, next));
}

/** A concrete cycle inside one component, starting and ending at its first file in sort order. */
function cycleThrough(comp: string[], next: Map<string, string[]>): string[] {
  const members = new Set(comp);
  const start = [...comp].sort()[0] as string;
  const prev = new Map<string, string>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q] as string;
    for (const w of next.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x: string | undefined = v; x !== undefined && x !== start; x = prev.get(x)) path.splice(1, 0, x);
        path.push(start);
        return path;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
