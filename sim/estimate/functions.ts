/**
 * Compiles an event expression (expr.ts) against a simulation's structure: every function name and every id or
 * glob is resolved once, to dense indices, so that evaluating after each state change is index arithmetic. A glob
 * that matches several entities takes the worst of them (the most replicas down, the fewest Ready instances…).
 *
 * Values are numbers; conditions are 1 (true) or 0 (false). `metric("path")` reads the end-of-run summary, so an
 * expression that uses it is decided only when the run ends (`atEnd`).
 */
import { compileGlob } from '../engine/index.js';
import type { RunSummary } from '../metrics/index.js';
import { SecurityModel, type Simulation } from '../model/index.js';
import { didYouMean, lookupMetric } from '../scenario/index.js';
import type { World } from '../spec/index.js';
import { type Arg, type Expr, ExprError, parseExpr } from './expr.js';

/** An evaluator: `summary` is null while the run is going on. */
export type Evaluate = (sim: Simulation, summary: RunSummary | null) => number;

export interface Compiled {
  readonly expr: Expr;
  readonly evaluate: Evaluate;
  /** 'bool' for a condition, 'num' for a quantity. */
  readonly kind: 'bool' | 'num';
  /** Uses the summary: decided only at the end of the run. */
  readonly atEnd: boolean;
}

interface FunctionSpec {
  readonly help: string;
  readonly args: number;
  readonly kind: 'bool' | 'num';
  readonly atEnd?: boolean;
  readonly bind: (world: World, args: readonly Arg[]) => Evaluate;
}

function matching(what: string, ids: readonly string[], arg: Arg): number[] {
  const re = compileGlob(arg.text);
  const out: number[] = [];
  ids.forEach((id, i) => {
    if (id === arg.text || re.test(id)) out.push(i);
  });
  if (out.length === 0) {
    throw new ExprError(arg.col, `no ${what} matches ${JSON.stringify(arg.text)}${didYouMean(arg.text, ids)}`);
  }
  return out;
}

function roleRefs(world: World, arg: Arg): { cluster: number; instances: number[] }[] {
  const roles = world.services.flatMap((s) => s.roles.map((r) => ({ id: r.id, cluster: s.cluster, r })));
  return matching(
    'role',
    roles.map((x) => x.id),
    arg,
  ).map((i) => ({ cluster: roles[i]!.cluster, instances: roles[i]!.r.instances }));
}

function readyOf(sim: Simulation, ref: { cluster: number; instances: number[] }): number {
  const inst = sim.world.clusters[ref.cluster]!.instances;
  let n = 0;
  for (const i of ref.instances) if (inst[i]!.status === 'Ready') n++;
  return n;
}

function fcUpOf(sim: Simulation, c: number): number {
  let n = 0;
  for (const r of sim.world.clusters[c]!.fc.replicas) if (r.up) n++;
  return n;
}

function maxOver(idx: readonly number[], f: (i: number) => number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const i of idx) m = Math.max(m, f(i));
  return m;
}

function minOver(idx: readonly number[], f: (i: number) => number): number {
  let m = Number.POSITIVE_INFINITY;
  for (const i of idx) m = Math.min(m, f(i));
  return m;
}

const dbIds = (w: World): string[] => w.sql.databases.map((d) => d.id);
const clusterIds = (w: World): string[] => w.clusters.map((c) => c.id);

/** The functions of the language. Globs take the worst match: max of "down" counts, min of "up" counts. */
export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  replicasDown: {
    help: 'SQL replicas of the database that are down',
    args: 1,
    kind: 'num',
    bind: (w, [a]) => {
      const dbs = matching('SQL database', dbIds(w), a!);
      return (sim) =>
        maxOver(dbs, (d) => {
          let n = 0;
          for (const r of sim.world.sql.databases[d]!.replicas) if (!r.up) n++;
          return n;
        });
    },
  },
  replicas: {
    help: 'SQL replicas of the database',
    args: 1,
    kind: 'num',
    bind: (w, [a]) => {
      const dbs = matching('SQL database', dbIds(w), a!);
      return (sim) => maxOver(dbs, (d) => sim.world.sql.databases[d]!.replicas.length);
    },
  },
  sqlUnavailable: {
    help: 'the database has no primary (accepts no connections)',
    args: 1,
    kind: 'bool',
    bind: (w, [a]) => {
      const dbs = matching('SQL database', dbIds(w), a!);
      return (sim) => maxOver(dbs, (d) => (sim.world.sql.databases[d]!.available ? 0 : 1));
    },
  },
  ready: {
    help: 'Ready instances of the role',
    args: 1,
    kind: 'num',
    bind: (w, [a]) => {
      const refs = roleRefs(w, a!);
      const idx = refs.map((_, i) => i);
      return (sim) => minOver(idx, (i) => readyOf(sim, refs[i]!));
    },
  },
  instances: {
    help: 'instances of the role',
    args: 1,
    kind: 'num',
    bind: (w, [a]) => {
      const refs = roleRefs(w, a!);
      const n = maxOver(
        refs.map((_, i) => i),
        (i) => refs[i]!.instances.length,
      );
      return () => n;
    },
  },
  instancesDown: {
    help: 'instances of the role that are not Ready',
    args: 1,
    kind: 'num',
    bind: (w, [a]) => {
      const refs = roleRefs(w, a!);
      const idx = refs.map((_, i) => i);
      return (sim) => maxOver(idx, (i) => refs[i]!.instances.length - readyOf(sim, refs[i]!));
    },
  },
  fcUp: {
    help: 'FC replicas of the cluster that are up',
    args: 1,
    kind: 'num',
    bind: (w, [a]) => {
      const cs = matching('cluster', clusterIds(w), a!);
      return (sim) => minOver(cs, (c) => fcUpOf(sim, c));
    },
  },
  quorumMargin: {
    help: 'FC replicas up beyond a majority (below 0: no quorum)',
    args: 1,
    kind: 'num',
    bind: (w, [a]) => {
      const cs = matching('cluster', clusterIds(w), a!);
      return (sim) =>
        minOver(cs, (c) => fcUpOf(sim, c) - (Math.floor(sim.world.clusters[c]!.fc.replicas.length / 2) + 1));
    },
  },
  nodesDown: {
    help: 'nodes of the cluster that are not Ready',
    args: 1,
    kind: 'num',
    bind: (w, [a]) => {
      const cs = matching('cluster', clusterIds(w), a!);
      return (sim) =>
        maxOver(cs, (c) => {
          let n = 0;
          for (const node of sim.world.clusters[c]!.nodes) if (node.status !== 'Ready') n++;
          return n;
        });
    },
  },
  violations: {
    help: 'security violations so far (attempts the policy forbids that got through)',
    args: 0,
    kind: 'num',
    bind: () => (sim) => SecurityModel.of(sim)?.summary(sim.now).violations ?? 0,
  },
  metric: {
    help: 'a number in the --json summary, e.g. metric("sql.unavailableUs"); decided at the end of the run',
    args: 1,
    kind: 'num',
    atEnd: true,
    bind: (_w, [a]) => {
      const path = a!.text;
      return (_sim, summary) => {
        if (summary === null) return Number.NaN;
        const v = lookupMetric(summary, path);
        if (typeof v === 'number') return v;
        if (typeof v === 'boolean') return v ? 1 : 0;
        return Number.NaN;
      };
    },
  },
};

function compileNode(e: Expr, world: World): Compiled {
  switch (e.type) {
    case 'number':
      return { expr: e, evaluate: () => e.value, kind: 'num', atEnd: false };
    case 'bool': {
      const v = e.value ? 1 : 0;
      return { expr: e, evaluate: () => v, kind: 'bool', atEnd: false };
    }
    case 'call': {
      const spec = Object.hasOwn(FUNCTIONS, e.name) ? FUNCTIONS[e.name] : undefined;
      if (spec === undefined) {
        throw new ExprError(
          e.col,
          `unknown function ${JSON.stringify(e.name)}${didYouMean(e.name, Object.keys(FUNCTIONS))}`,
        );
      }
      if (e.args.length !== spec.args) {
        throw new ExprError(
          e.col,
          `${e.name} takes ${spec.args} argument${spec.args === 1 ? '' : 's'} (got ${e.args.length})`,
        );
      }
      return { expr: e, evaluate: spec.bind(world, e.args), kind: spec.kind, atEnd: spec.atEnd === true };
    }
    case 'not': {
      const a = compileNode(e.operand, world);
      const f = a.evaluate;
      return { expr: e, evaluate: (s, m) => (f(s, m) === 0 ? 1 : 0), kind: 'bool', atEnd: a.atEnd };
    }
    case 'logic': {
      const a = compileNode(e.left, world);
      const b = compileNode(e.right, world);
      const fa = a.evaluate;
      const fb = b.evaluate;
      const evaluate: Evaluate =
        e.op === 'and'
          ? (s, m) => (fa(s, m) !== 0 && fb(s, m) !== 0 ? 1 : 0)
          : (s, m) => (fa(s, m) !== 0 || fb(s, m) !== 0 ? 1 : 0);
      return { expr: e, evaluate, kind: 'bool', atEnd: a.atEnd || b.atEnd };
    }
    case 'compare':
    case 'arith': {
      const a = compileNode(e.left, world);
      const b = compileNode(e.right, world);
      for (const side of [a, b]) {
        if (side.kind === 'bool') {
          throw new ExprError(side.expr.col, `expected a quantity here, not a condition`);
        }
      }
      const fa = a.evaluate;
      const fb = b.evaluate;
      const atEnd = a.atEnd || b.atEnd;
      if (e.type === 'arith') {
        const evaluate: Evaluate = e.op === '+' ? (s, m) => fa(s, m) + fb(s, m) : (s, m) => fa(s, m) - fb(s, m);
        return { expr: e, evaluate, kind: 'num', atEnd };
      }
      const evaluate: Evaluate = (() => {
        switch (e.op) {
          case '<':
            return (s, m) => (fa(s, m) < fb(s, m) ? 1 : 0);
          case '<=':
            return (s, m) => (fa(s, m) <= fb(s, m) ? 1 : 0);
          case '>':
            return (s, m) => (fa(s, m) > fb(s, m) ? 1 : 0);
          case '>=':
            return (s, m) => (fa(s, m) >= fb(s, m) ? 1 : 0);
          case '==':
            return (s, m) => (fa(s, m) === fb(s, m) ? 1 : 0);
          case '!=':
            return (s, m) => (fa(s, m) !== fb(s, m) ? 1 : 0);
        }
      })();
      return { expr: e, evaluate, kind: 'bool', atEnd };
    }
  }
}

/** Compiles an expression tree against the world's structure (ids and sizes do not change during a run). */
export function compileExpr(e: Expr, world: World): Compiled {
  return compileNode(e, world);
}

/** Parses and compiles an event: it must be a condition. Throws an ExprError naming the column. */
export function compileEvent(src: string, world: World): Compiled {
  const c = compileExpr(parseExpr(src), world);
  if (c.kind !== 'bool') {
    throw new ExprError(1, 'an event must be a condition, e.g. "replicasDown(db0) >= 3" or "ready(shop.web) == 0"');
  }
  return c;
}

/** Parses and compiles an importance function: a quantity over the state (not the summary). */
export function compileImportance(src: string, world: World): Compiled {
  const c = compileExpr(parseExpr(src), world);
  if (c.kind !== 'num') throw new ExprError(1, 'an importance function must be a quantity, e.g. "replicasDown(db0)"');
  if (c.atEnd) throw new ExprError(1, 'an importance function must be over the state, not metric(…)');
  return c;
}
