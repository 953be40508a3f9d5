/**
 * Evaluates the security expectations — `denied`, `allowed`, `never: {deployed}`, `violations`, `exposure` — against
 * a run's summary and the security model's facts. Like every expectation, one that matches nothing fails: a
 * `denied` that no attempt matched says so instead of passing silently.
 */
import { formatDuration } from '../engine/index.js';
import type { ExpectationResult, RunSummary } from '../metrics/index.js';
import type { SecurityFacts } from '../model/index.js';
import type { SecurityExpectation } from '../spec/index.js';

const NO_FACTS: SecurityFacts = {
  watches: new Map(),
  deployed: {
    infected: { count: 0, firstUs: null },
    frozen: { count: 0, firstUs: null },
    unapproved: { count: 0, firstUs: null },
  },
  firstViolationUs: null,
};

function minTime(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.min(a, b);
}

export function evaluateSecurityExpectation(
  e: SecurityExpectation,
  summary: RunSummary,
  facts: SecurityFacts = NO_FACTS,
): ExpectationResult {
  switch (e.type) {
    case 'denied':
    case 'allowed': {
      const what = `${e.kind ?? 'attempts'} from ${e.from} to ${e.to}${e.port === 0 ? '' : ` port ${e.port}`}`;
      const by = e.rule === null ? '' : ` by ${e.rule}`;
      const name = `${e.type} ${what}${by}`;
      const w = facts.watches.get(e.index);
      const bound = `${e.type === 'denied' ? 'all denied' : 'all allowed'}${by}`;
      if (w === undefined || w.matched === 0)
        return { name, passed: false, measured: 'no attempt matched', bound, atUs: null };
      const wrong = e.type === 'denied' ? w.allowed : w.denied;
      const others = e.rule === null ? '' : `, ${w.otherRule} by another rule`;
      const reached = Object.entries(w.reached)
        .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
        .map(([what, n]) => `${what} ×${n}`);
      const off = e.reached === null ? 0 : w.offTarget;
      const firstWrong = wrong === 0 ? null : e.type === 'denied' ? w.firstAllowedUs : w.firstDeniedUs;
      const passed = wrong === 0 && w.otherRule === 0 && off === 0;
      return {
        name: e.reached === null ? name : `${name} reaching ${e.reached}`,
        passed,
        measured: `${w.denied} of ${w.matched} denied${others}${reached.length > 0 ? `; admitted ones reached ${reached.slice(0, 3).join(', ')}${reached.length > 3 ? ', …' : ''}` : ''}${off > 0 ? `; ${off} reached something else` : ''}`,
        bound: e.reached === null ? bound : `${bound}, reaching ${e.reached}`,
        atUs: passed ? null : minTime(minTime(firstWrong, w.firstOtherRuleUs), off === 0 ? null : w.firstOffTargetUs),
      };
    }
    case 'never': {
      const d = facts.deployed[e.deployed];
      return {
        name: `never deployed: ${e.deployed} build`,
        passed: d.count === 0,
        measured: d.count === 0 ? 'none deployed' : `${d.count} deployed`,
        bound: 'none',
        atUs: d.firstUs,
      };
    }
    case 'violations': {
      const v = e.kind === null ? summary.security.violations : (summary.security.byKind[e.kind]?.violations ?? 0);
      const bounds = [
        e.atLeast !== null && e.atLeast === e.atMost ? `= ${e.atLeast}` : '',
        e.atLeast !== null && e.atLeast !== e.atMost ? `≥ ${e.atLeast}` : '',
        e.atMost !== null && e.atLeast !== e.atMost ? `≤ ${e.atMost}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      const passed = (e.atLeast === null || v >= e.atLeast) && (e.atMost === null || v <= e.atMost);
      return {
        name: `violations${e.kind === null ? '' : ` of ${e.kind}`} ${bounds}`,
        passed,
        measured: String(v),
        bound: bounds,
        atUs: passed ? null : facts.firstViolationUs,
      };
    }
    case 'exposure': {
      const x = summary.security.exposureUs;
      const passed = x <= e.withinUs && (e.atLeastUs === null || x >= e.atLeastUs);
      const bound = `${e.atLeastUs === null ? '' : `≥ ${formatDuration(e.atLeastUs)}, `}≤ ${formatDuration(e.withinUs)}`;
      return {
        name: `exposure within ${formatDuration(e.withinUs)}`,
        passed,
        measured: formatDuration(x),
        bound,
        atUs: null,
      };
    }
    default:
      throw new Error(`unknown security expectation ${JSON.stringify(e satisfies never)}`);
  }
}
