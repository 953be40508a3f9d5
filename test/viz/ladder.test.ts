import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario, type Timeline } from '../../sim/index.js';
import { type Ladder, ladderPolicies, RUNGS, recoveryLadder } from '../../viz/src/model/ladder.js';

function run(file: string): Timeline {
  const text = readFileSync(`scenarios/${file}`, 'utf8');
  return runScenario(loadScenario(text, { fileName: file })).timeline!;
}

/** The ladder of `subject` (and of any other subjects given) just after event `id`. */
function ladderAt(tl: Timeline, id: number, ...subjects: string[]): Ladder | null {
  const lists = subjects.map((s) => Int32Array.from(tl.events.flatMap((e, i) => (e.s === s ? [i] : []))));
  return recoveryLadder(
    tl.events,
    lists,
    id + 1,
    tl.events[id]!.t,
    ladderPolicies((tl.scenario.resolved as { policies: unknown }).policies),
  );
}

const rung = (key: string) => RUNGS.findIndex((r) => r.key === key);

describe('the recovery ladder after the FC learned to correct crash loops (issue 11)', () => {
  it('climbs from restarts to a reimage on a crash loop, counting the restarts of the crashes that made it', () => {
    const tl = run('crash-loop-recovery.yaml');
    const loop = tl.events.findIndex((e) => e.k === 'instance.crash-loop');
    const reimage = tl.events.findIndex((e, i) => i > loop && e.k === 'instance.reimage');
    expect(loop).toBeGreaterThanOrEqual(0);
    expect(reimage).toBeGreaterThan(loop);
    const inst = tl.events[loop]!.s;
    // Before the FC acts: on the restart rung, the crash loop declared, the package not at fault.
    const before = ladderAt(tl, loop, inst)!;
    expect(before.current).toBe(rung('restart'));
    expect(before.crashLoop).toBe(loop);
    expect(before.packageAtFault).toBe(false);
    // The five crashes within the window were five faults; their restarts are this episode's first rung.
    expect(before.tries[rung('restart')]).toBe(4);
    expect(before.crashes).toBe(5);
    // The reimage is the VM rung; it waits for the fresh VM, and nothing armed makes it climb further.
    const after = ladderAt(tl, reimage, inst)!;
    expect(after.current).toBe(rung('vm'));
    expect(after.reached[rung('restart')]).toBeGreaterThanOrEqual(0);
    expect(after.reached[rung('vm')]).toBe(reimage);
    expect(after.deadlines.map((d) => [d.k, d.next])).toEqual([['vm.ready', false]]);
    expect(after.recovered).toBe(-1);
    // It recovers once the role is Ready again on the fresh VM.
    const recover = tl.events.findIndex((e, i) => i > reimage && e.k === 'recover' && e.s === inst);
    expect(ladderAt(tl, recover, inst)!.recovered).toBe(recover);
  });

  it('moves a role that loops again after its reimage: the healing rung, reached by the FC’s correction', () => {
    // A crash every 2½ minutes: a crash loop, the reimage, and another loop within the day.
    const text = readFileSync('scenarios/crash-loop-recovery.yaml', 'utf8').replace(
      'every: exponential(4m)',
      'every: constant(2m30s)',
    );
    const tl = runScenario(loadScenario(text, { fileName: 'loop-again.yaml' })).timeline!;
    const correct = tl.events.findIndex((e) => e.k === 'instance.correct');
    expect(correct).toBeGreaterThanOrEqual(0);
    const inst = tl.events[correct]!.s;
    const l = ladderAt(tl, correct, inst)!;
    expect(l.current).toBe(rung('healing'));
    expect(l.reached[rung('healing')]).toBe(correct);
    // The whole climb is one episode: restarts, the reimage after the first loop, the move after the second.
    const reimage = tl.events.findIndex((e) => e.k === 'instance.reimage');
    expect(reimage).toBeLessThan(correct);
    expect(l.reached[rung('vm')]).toBe(reimage);
    expect(l.reached[rung('restart')]).toBeLessThan(reimage);
    expect(l.recovered).toBe(-1);
    // The move that follows is the same rung, not a second try of it.
    const moved = tl.events.findIndex((e, i) => i > correct && e.k === 'instance.moved' && e.s === inst);
    expect(moved).toBeGreaterThan(correct);
    const m = ladderAt(tl, moved, inst)!;
    expect(m.current).toBe(rung('healing'));
    expect(m.tries[rung('healing')]).toBe(1);
  });

  it('stops at the first rung when the deployed package is at fault: restarts go on at the capped back-off', () => {
    const tl = run('failing-upgrade.yaml');
    const loop = tl.events.findIndex((e) => e.k === 'instance.crash-loop');
    const inst = tl.events[loop]!.s;
    const restart = tl.events.findIndex((e, i) => i > loop && e.k === 'instance.restart' && e.s === inst);
    // Right after the loop the next restart comes at the capped back-off.
    const atLoop = ladderAt(tl, loop, inst)!;
    const backoff = ladderPolicies((tl.scenario.resolved as { policies: unknown }).policies).backoffMaxUs;
    expect(atLoop.current).toBe(rung('restart'));
    // Once a restart follows the loop, the ladder knows the FC was not asked.
    const l = ladderAt(tl, restart, inst)!;
    expect(l.packageAtFault).toBe(true);
    expect(l.current).toBe(rung('restart'));
    expect(l.reached.slice(1).every((r) => r < 0)).toBe(true);
    expect(tl.events[restart]!.t - tl.events[loop]!.t).toBe(backoff);
    expect(tl.events.some((e) => e.k === 'instance.reimage' && e.s === inst)).toBe(false);
  });

  it('still climbs a node failure to the host reboot with the FC’s boot wait as the time to climb on', () => {
    const tl = run('node-crash-healing.yaml');
    const reboot = tl.events.findIndex((e) => e.k === 'node.reboot');
    const l = ladderAt(tl, reboot, tl.events[reboot]!.s)!;
    expect(l.current).toBe(rung('host'));
    expect(l.deadlines.map((d) => [d.k, d.next])).toEqual([
      ['node.boot', false],
      ['fc.bootWait', true],
    ]);
  });
});
