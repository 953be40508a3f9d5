import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileEvent, compileImportance, ExprError, parseExpr } from '../../sim/estimate/index.js';
import { createSimulation, loadScenario } from '../../sim/index.js';

const FIXTURE = join('test', 'estimate', 'fixtures', 'sql-2-of-3.yaml');
const scenario = loadScenario(readFileSync(FIXTURE, 'utf8'), { fileName: FIXTURE });

function errorOf(fn: () => unknown): ExprError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExprError) return e;
    throw e;
  }
  throw new Error('expected an ExprError');
}

describe('event expressions', () => {
  it('parses precedence: not binds tighter than and, and tighter than or', () => {
    const e = parseExpr('not a() or b() and c() >= 1 + 2');
    expect(e.type).toBe('logic');
    if (e.type !== 'logic') return;
    expect(e.op).toBe('or');
    expect(e.left.type).toBe('not');
    expect(e.right.type).toBe('logic');
  });

  it('reports the column of a syntax error', () => {
    expect(errorOf(() => parseExpr('replicasDown(db0) >= ')).message).toBe(
      'column 22: expected a number, a function or "(" but found the end',
    );
    expect(errorOf(() => parseExpr('ready(shop.web) == 0 )')).column).toBe(22);
    expect(errorOf(() => parseExpr('1 < 2 < 3')).message).toMatch(/do not chain/);
    expect(errorOf(() => parseExpr('a("x)')).message).toBe('column 3: string not closed');
    expect(errorOf(() => parseExpr('  ')).message).toBe('column 1: empty expression');
  });

  it('names unknown functions and ids with a suggestion, at their column', () => {
    const sim = createSimulation(scenario.resolved, { record: false });
    expect(errorOf(() => compileEvent('replicaDown(db0) >= 3', sim.world)).message).toBe(
      'column 1: unknown function "replicaDown" (did you mean "replicasDown"?)',
    );
    expect(errorOf(() => compileEvent('replicasDown(db9) >= 3', sim.world)).message).toBe(
      'column 14: no SQL database matches "db9" (did you mean "db0"?)',
    );
    expect(errorOf(() => compileEvent('replicasDown(db0)', sim.world)).message).toMatch(/must be a condition/);
    expect(errorOf(() => compileEvent('ready(nope.web) == 0', sim.world)).message).toMatch(/no role matches/);
    expect(errorOf(() => compileImportance('replicasDown(db0) > 1', sim.world)).message).toMatch(/quantity/);
  });

  it('evaluates over the live state as it changes', () => {
    const sim = createSimulation(scenario.resolved, { record: false });
    const down = compileEvent('replicasDown(db0) >= 1 and replicas(db0) == 3', sim.world);
    const quorum = compileEvent('quorumMargin(c0) >= 0 and fcUp(c0) == 1 and not (nodesDown(c0) > 0)', sim.world);
    expect(down.evaluate(sim, null)).toBe(0);
    expect(quorum.evaluate(sim, null)).toBe(1);
    sim.inject('sql.replica-crash', 'sql:db0/1', null, null, {});
    expect(down.evaluate(sim, null)).toBe(1);
    sim.inject('fc.replica-crash', 'fc:c0/0', null, null, {});
    expect(quorum.evaluate(sim, null)).toBe(0);
  });

  it('marks metric(…) events as decided at the end of the run', () => {
    const sim = createSimulation(scenario.resolved, { record: false });
    const c = compileEvent('metric("sql.unavailableUs") > 0', sim.world);
    expect(c.atEnd).toBe(true);
  });
});
