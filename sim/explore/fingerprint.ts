/**
 * Fingerprints of failures: what failed, about what, and which way — "availability of shop.* at least 0.999 | under
 * | shop.web". Shrinking keeps a candidate only when it fails with the same fingerprint (a candidate that fails
 * differently does not count), and exploration keeps distinct failures apart by fingerprint.
 *
 * `sometimes` expectations are never failures of one run: they are judged over all runs (coverage.ts).
 */

import { compileGlob } from '../engine/index.js';
import type { ExpectationResult, RunSummary } from '../metrics/index.js';
import type { Expectation } from '../scenario/index.js';
import { lookupMetric, matchFaults } from '../scenario/index.js';
import type { InvariantViolation } from './check.js';

export interface Failure {
  /** The fingerprint: `<what> | <direction> | <target>`; equal keys mean "fails the same way". */
  readonly key: string;
  /** The expectation's name as `check` prints it, or "invariant <name>". */
  readonly what: string;
  /** What the failure is about: a role, a fault, a metric path, an invariant's subject kind. */
  readonly target: string;
  /** "over" the bound, "under" it, "nothing matched", "detected", "other detector", "differs", "broken". */
  readonly direction: string;
  /** Measured value and bound, for reports (not part of the key). */
  readonly measured: string;
  readonly bound: string;
  /** When it failed (µs), where known: where the viewer should open. */
  readonly atUs: number | null;
}

function failureOf(what: string, direction: string, target: string, r: Partial<ExpectationResult>): Failure {
  return {
    key: `${what} | ${direction} | ${target}`,
    what,
    target,
    direction,
    measured: r.measured ?? '',
    bound: r.bound ?? '',
    atUs: r.atUs ?? null,
  };
}

/** The direction and target of one failed expectation. */
function classify(e: Expectation, r: ExpectationResult, s: RunSummary): { direction: string; target: string } {
  const noMatch = /^no (fault|role) matched$|^no such metric$/.test(r.measured);
  switch (e.type) {
    case 'recovered':
      return { direction: noMatch ? 'nothing matched' : 'over', target: e.target };
    case 'detected': {
      if (noMatch) return { direction: 'nothing matched', target: e.target };
      const late = matchFaults(s.faults, e.target).some((f) => f.ttdUs === null || f.ttdUs > e.withinUs);
      return { direction: late ? 'over' : 'other detector', target: e.target };
    }
    case 'notDetected':
      return { direction: noMatch ? 'nothing matched' : 'detected', target: e.target };
    case 'availability': {
      if (noMatch) return { direction: 'nothing matched', target: e.role };
      const re = compileGlob(e.role);
      const value = (x: RunSummary['roles'][number]) => (e.served ? x.servedAvailability : x.availability);
      const worst = s.roles.filter((x) => re.test(x.id)).reduce((a, b) => (value(a) <= value(b) ? a : b));
      return { direction: 'under', target: worst.id };
    }
    case 'metric': {
      const v = lookupMetric(s, e.metric);
      if (v === undefined) return { direction: 'nothing matched', target: e.metric };
      if (typeof v === 'number' && e.atLeast !== null && v < e.atLeast) return { direction: 'under', target: e.metric };
      if (typeof v === 'number' && e.atMost !== null && v > e.atMost) return { direction: 'over', target: e.metric };
      return { direction: 'differs', target: e.metric };
    }
    case 'violations':
    case 'exposure':
      return { direction: 'over', target: e.type };
    case 'denied':
      return { direction: 'allowed', target: r.name };
    case 'allowed':
      return { direction: 'denied', target: r.name };
    case 'never':
      return { direction: 'happened', target: r.name };
    case 'sometimes':
      return { direction: 'not reached', target: e.event };
    default:
      return { direction: 'failed', target: r.name };
  }
}

/**
 * Every failure of a run, in a stable order: failed expectations (in the file's order; `sometimes` left out), then
 * broken invariants (in INVARIANTS order).
 */
export function failuresOf(
  expect: readonly Expectation[],
  summary: RunSummary,
  violations: readonly InvariantViolation[],
): Failure[] {
  const out: Failure[] = [];
  summary.expectations.forEach((r, i) => {
    const e = expect[i];
    if (r.passed || e === undefined || e.type === 'sometimes') return;
    const { direction, target } = classify(e, r, summary);
    out.push(failureOf(r.name, direction, target, r));
  });
  for (const v of violations) {
    out.push(
      failureOf(`invariant ${v.invariant}`, 'broken', v.invariant, { measured: v.text, bound: 'never', atUs: v.atUs }),
    );
  }
  return out;
}
