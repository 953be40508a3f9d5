import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOS_GUARD_DEFAULTS, DOSGUARD_BLOCKED, DOSGUARD_OK, DosGuard } from '../../sim/auth/dos-guard.js';
import { parseAddress } from '../../sim/network/address.js';

const S = 1_000_000;
const MIN = 60 * S;
const attacker = parseAddress('203.0.113.66');
const other = parseAddress('203.0.113.67');

describe('DosGuard', () => {
  it('documents inferred defaults of 10 failures in 1 min → 5 min block', () => {
    expect(DOS_GUARD_DEFAULTS).toEqual({ failures: 10, windowUs: MIN, blockUs: 5 * MIN });
  });

  it('blocks an address on the 10th failure within the window, and only that address', () => {
    const g = new DosGuard();
    for (let i = 0; i < 9; i++) expect(g.recordFailure(attacker, i * S)).toBe(DOSGUARD_OK);
    expect(g.check(attacker, 9 * S)).toBe(DOSGUARD_OK);
    expect(g.recordFailure(attacker, 9 * S)).toBe(DOSGUARD_BLOCKED);
    expect(g.check(attacker, 9 * S)).toMatchObject({ allowed: false, rule: 'dosguard:blocked' });
    expect(g.check(other, 9 * S)).toBe(DOSGUARD_OK);
    expect(g.blockedUntilUs(attacker, 9 * S)).toBe(9 * S + 5 * MIN);
  });

  it('lifts the block exactly blockUs after it began', () => {
    const g = new DosGuard();
    for (let i = 0; i < 10; i++) g.recordFailure(attacker, 0);
    expect(g.isBlocked(attacker, 5 * MIN - 1)).toBe(true);
    expect(g.isBlocked(attacker, 5 * MIN)).toBe(false);
    expect(g.blockedUntilUs(attacker, 5 * MIN)).toBeUndefined();
  });

  it('forgets failures older than the window', () => {
    const g = new DosGuard();
    // 10 failures 7 s apart span 63 s: the first has left the window when the tenth arrives.
    for (let i = 0; i < 10; i++) expect(g.recordFailure(attacker, i * 7 * S)).toBe(DOSGUARD_OK);
    // A failure exactly windowUs old no longer counts; 59.999999 s old still does.
    const h = new DosGuard();
    h.recordFailure(attacker, 0);
    for (let i = 0; i < 8; i++) h.recordFailure(attacker, 30 * S);
    expect(h.recordFailure(attacker, MIN)).toBe(DOSGUARD_OK);
    const k = new DosGuard();
    k.recordFailure(attacker, 1);
    for (let i = 0; i < 8; i++) k.recordFailure(attacker, 30 * S);
    expect(k.recordFailure(attacker, MIN)).toBe(DOSGUARD_BLOCKED);
  });

  it('does not extend a block with attempts made while blocked, and starts counting afresh after it', () => {
    const g = new DosGuard();
    for (let i = 0; i < 10; i++) g.recordFailure(attacker, 0);
    for (let i = 0; i < 50; i++) g.recordFailure(attacker, MIN + i);
    expect(g.isBlocked(attacker, 5 * MIN)).toBe(false);
    for (let i = 0; i < 9; i++) expect(g.recordFailure(attacker, 5 * MIN + i)).toBe(DOSGUARD_OK);
    expect(g.recordFailure(attacker, 5 * MIN + 9)).toBe(DOSGUARD_BLOCKED);
  });

  it('never blocks a password spray from many addresses, each under the threshold', () => {
    const g = new DosGuard();
    let nowUs = 0;
    for (let round = 0; round < 9; round++) {
      for (let i = 0; i < 1000; i++) {
        nowUs += 1;
        const source = parseAddress(`198.${51 + (i >> 8)}.${i & 255}.1`);
        expect(g.recordFailure(source, nowUs)).toBe(DOSGUARD_OK);
      }
    }
    expect(g.trackedSources).toBe(1000);
  });

  it('honours custom thresholds and refuses invalid ones', () => {
    const g = new DosGuard({ failures: 3, windowUs: 10 * S, blockUs: 30 * S });
    g.recordFailure(attacker, 0);
    g.recordFailure(attacker, 1);
    expect(g.recordFailure(attacker, 2)).toBe(DOSGUARD_BLOCKED);
    expect(g.isBlocked(attacker, 30 * S + 1)).toBe(true);
    expect(g.isBlocked(attacker, 30 * S + 2)).toBe(false);
    expect(() => new DosGuard({ failures: 0 })).toThrow(/failures/);
    expect(() => new DosGuard({ windowUs: -1 })).toThrow(/windowUs/);
    expect(() => new DosGuard({ blockUs: 1.5 })).toThrow(/blockUs/);
  });

  it('refuses time travel', () => {
    const g = new DosGuard();
    g.recordFailure(attacker, 100);
    expect(() => g.check(attacker, 99)).toThrow(/time went backwards/);
  });

  it('prunes addresses with nothing left to remember', () => {
    const g = new DosGuard();
    g.recordFailure(other, 0);
    for (let i = 0; i < 10; i++) g.recordFailure(attacker, 0);
    expect(g.prune(MIN)).toBe(1);
    expect(g.trackedSources).toBe(1);
    expect(g.prune(5 * MIN)).toBe(1);
    expect(g.trackedSources).toBe(0);
  });

  it('agrees with a list-based reference on random failure sequences', () => {
    const pool = ['10.0.0.1', '10.0.0.2', '2001:db8::1'];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.tuple(fc.constantFrom(...pool), fc.constantFrom(0, 1, 10, 50, 100), fc.boolean()), {
          maxLength: 60,
        }),
        (failures, steps) => {
          const windowUs = 100;
          const blockUs = 300;
          const g = new DosGuard({ failures, windowUs, blockUs });
          const times = new Map<string, number[]>();
          const blockedUntil = new Map<string, number>();
          let nowUs = 0;
          for (const [ip, gap, fail] of steps) {
            nowUs += gap;
            const a = parseAddress(ip);
            const blocked = nowUs < (blockedUntil.get(ip) ?? 0);
            if (!fail) {
              expect(g.check(a, nowUs).allowed).toBe(!blocked);
              continue;
            }
            let refBlocked = blocked;
            if (!blocked) {
              const recent = (times.get(ip) ?? []).filter((t) => nowUs - t < windowUs);
              recent.push(nowUs);
              if (recent.length >= failures) {
                blockedUntil.set(ip, nowUs + blockUs);
                times.set(ip, []);
                refBlocked = true;
              } else {
                times.set(ip, recent);
              }
            }
            expect(g.recordFailure(a, nowUs).allowed).toBe(!refBlocked);
          }
        },
      ),
      { numRuns: 1000, seed: 1301 },
    );
  });
});
