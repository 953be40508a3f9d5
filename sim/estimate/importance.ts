/**
 * Levels for importance splitting. An importance function h maps the state to a number that grows as the event
 * gets closer; the levels are thresholds ℓ1 < ℓ2 < … that a path must cross, in order, before the event. Derived
 * from the event's structure when it is one comparison `A op B` of quantities: h = A − B (for >, >=, ==) or B − A
 * (for <, <=), and the levels are the integers strictly between h at the start and the value at which the event
 * holds — e.g. `replicasDown(db0) >= 3` from 0 down gives h = down − 3 with levels −2, −1 (one, then two down).
 */
import type { Simulation } from '../model/index.js';
import type { World } from '../spec/index.js';
import { ExprError } from './expr.js';
import { type Compiled, compileExpr, compileImportance, type Evaluate } from './functions.js';

export interface Levels {
  /** The importance function, over the state. */
  readonly importance: Evaluate;
  /** Its text, for reports. */
  readonly describe: string;
  /** Thresholds, increasing; empty means one stage (crude Monte Carlo). */
  readonly thresholds: readonly number[];
}

/** Derives the importance function and levels from the event, evaluated on the initial state of `sim`. */
export function deriveLevels(event: Compiled, eventText: string, world: World, sim: Simulation): Levels {
  const e = event.expr;
  if (e.type !== 'compare' || e.op === '!=') {
    throw new ExprError(
      1,
      'cannot derive levels from this event (it is not one comparison such as "replicasDown(db0) >= 3"); name an importance function with --importance and --levels',
    );
  }
  const a = compileExpr(e.left, world);
  const b = compileExpr(e.right, world);
  if (a.atEnd || b.atEnd) {
    throw new ExprError(
      1,
      'cannot derive levels from metric(…), which is known only at the end of a run; use --method crude',
    );
  }
  const fa = a.evaluate;
  const fb = b.evaluate;
  const up = e.op === '>' || e.op === '>=' || e.op === '==';
  const importance: Evaluate = up ? (s, m) => fa(s, m) - fb(s, m) : (s, m) => fb(s, m) - fa(s, m);
  const atEvent = e.op === '>' || e.op === '<' ? 1 : 0;
  const start = importance(sim, null);
  const thresholds: number[] = [];
  for (let t = Math.floor(start) + 1; t < atEvent; t++) thresholds.push(t);
  const text = eventText.slice(0, e.col - 1).trim();
  const rhs = eventText.slice(e.col - 1 + e.op.length).trim();
  return { importance, describe: up ? `(${text}) - (${rhs})` : `(${rhs}) - (${text})`, thresholds };
}

/** A user-named importance function with explicit thresholds (increasing). */
export function namedLevels(src: string, thresholds: readonly number[], world: World): Levels {
  const c = compileImportance(src, world);
  for (let i = 1; i < thresholds.length; i++) {
    if (!(thresholds[i]! > thresholds[i - 1]!)) throw new ExprError(1, '--levels must be increasing');
  }
  return { importance: c.evaluate, describe: src, thresholds };
}
