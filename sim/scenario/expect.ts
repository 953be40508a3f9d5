/**
 * Evaluates a scenario's `expect` list against a run's summary. Every expectation reports passed or failed with the
 * measured value and the bound; an expectation that matches nothing fails (a typo must never pass silently).
 */

import { compileGlob, formatDuration } from '../engine/index.js';
import type { ExpectationResult, FaultResult, RunSummary } from '../metrics/index.js';
import { formatHuman } from '../metrics/index.js';
// security (issue 5)
import type { SecurityFacts } from '../model/index.js';
import type { Expectation } from '../spec/index.js';
import { evaluateSecurityExpectation } from './security-expect.js';

/** Faults an expectation's `target` names: a fault id (or id prefix "id/…"), or a glob over fault targets or ids. */
export function matchFaults(faults: readonly FaultResult[], target: string): FaultResult[] {
  const re = compileGlob(target);
  return faults.filter((f) => f.id === target || f.id.startsWith(`${target}/`) || re.test(f.target) || re.test(f.id));
}

const fmt = (us: number | null): string => (us === null ? 'never' : formatHuman(us));

/** Looks up a dotted path in the summary; `[x]` selects an array element by id (or index). */
export function lookupMetric(summary: RunSummary, path: string): unknown {
  const parts = path.match(/[^.[\]]+|\[[^\]]*\]/g) ?? [];
  let cur: unknown = summary;
  for (const part of parts) {
    if (cur === null || cur === undefined) return undefined;
    if (part.startsWith('[')) {
      const key = part.slice(1, -1);
      if (!Array.isArray(cur)) {
        if (typeof cur !== 'object') return undefined;
        const obj = cur as Record<string, unknown>;
        // A kind that never happened has no entry in eventCounts: it happened 0 times.
        cur = obj === (summary.eventCounts as unknown) ? (obj[key] ?? 0) : obj[key];
        continue;
      }
      const byId = cur.find((x) => (x as { id?: unknown })?.id === key);
      cur = byId ?? (/^\d+$/.test(key) ? cur[Number(key)] : undefined);
    } else {
      cur = (cur as Record<string, unknown>)[part];
    }
  }
  return cur;
}

export function evaluateExpectations(
  expect: readonly Expectation[],
  summary: RunSummary,
  security?: SecurityFacts, // security (issue 5): what the security model saw, for denied/allowed/never
): ExpectationResult[] {
  return expect.map((e): ExpectationResult => {
    switch (e.type) {
      // security (issue 5)
      case 'denied':
      case 'allowed':
      case 'never':
      case 'violations':
      case 'exposure':
        return evaluateSecurityExpectation(e, summary, security);
      case 'sometimes': {
        // explore (issue 13): in one run, reached or not; `explore` reports it over all its runs.
        const n = summary.eventCounts[e.event] ?? 0;
        const name = `sometimes ${e.event}`;
        return { name, passed: n > 0, measured: n > 0 ? `reached ${n}×` : 'not reached', bound: 'reached', atUs: null };
      }
      case 'recovered': {
        const name = `recovered ${e.target} within ${formatDuration(e.withinUs)}`;
        const fs = matchFaults(summary.faults, e.target);
        if (fs.length === 0)
          return { name, passed: false, measured: 'no fault matched', bound: formatDuration(e.withinUs), atUs: null };
        const worst = fs.reduce((a, b) =>
          (a.ttrUs ?? Number.POSITIVE_INFINITY) >= (b.ttrUs ?? Number.POSITIVE_INFINITY) ? a : b,
        );
        const passed = fs.every((f) => f.ttrUs !== null && f.ttrUs <= e.withinUs);
        return {
          name,
          passed,
          measured: worst.ttrUs === null ? `${worst.id} not recovered` : `${formatHuman(worst.ttrUs)} (${worst.id})`,
          bound: formatDuration(e.withinUs),
          atUs: passed ? null : worst.atUs + e.withinUs,
        };
      }
      case 'detected': {
        const name = `detected ${e.target} within ${formatDuration(e.withinUs)}${e.by ? ` by ${e.by}` : ''}`;
        const fs = matchFaults(summary.faults, e.target);
        if (fs.length === 0)
          return { name, passed: false, measured: 'no fault matched', bound: formatDuration(e.withinUs), atUs: null };
        // With `by`, the time that component first noticed the fault (not necessarily the first detection of all).
        const ttd = (f: FaultResult): number | null => {
          if (e.by === null) return f.ttdUs;
          const d = f.detections.find((x) => x.by === e.by);
          return d === undefined ? null : d.atUs - f.atUs;
        };
        const bad = fs.find((f) => {
          const t = ttd(f);
          return t === null || t > e.withinUs;
        });
        const worst = bad ?? fs.reduce((a, b) => ((ttd(a) ?? 0) >= (ttd(b) ?? 0) ? a : b));
        const wt = ttd(worst);
        return {
          name,
          passed: bad === undefined,
          measured:
            wt === null
              ? `${worst.id} never detected${e.by ? ` by ${e.by}` : ''}`
              : `${formatHuman(wt)} by ${e.by ?? worst.detectedBy} (${worst.id})`,
          bound: `${formatDuration(e.withinUs)}${e.by ? ` by ${e.by}` : ''}`,
          atUs: bad ? bad.atUs + e.withinUs : null,
        };
      }
      case 'notDetected': {
        const name = `${e.target} not detected${e.by ? ` by ${e.by}` : ''}`;
        const fs = matchFaults(summary.faults, e.target);
        if (fs.length === 0) return { name, passed: false, measured: 'no fault matched', bound: 'never', atUs: null };
        // With `by`: that component never noticed the fault (even after another one did).
        const when = (f: FaultResult): { by: string; atUs: number } | null => {
          if (e.by === null) return f.detectedAtUs === null ? null : { by: f.detectedBy ?? '', atUs: f.detectedAtUs };
          return f.detections.find((d) => d.by === e.by) ?? null;
        };
        const seen = fs.find((f) => when(f) !== null);
        const w = seen ? when(seen)! : null;
        return {
          name,
          passed: seen === undefined,
          measured: seen && w ? `detected by ${w.by} after ${fmt(w.atUs - seen.atUs)} (${seen.id})` : 'not detected',
          bound: 'never',
          atUs: w?.atUs ?? null,
        };
      }
      case 'availability': {
        const kind = e.served ? 'served availability' : 'availability';
        const name = `${kind} of ${e.role} at least ${e.atLeast}`;
        const re = compileGlob(e.role);
        const roles = summary.roles.filter((r) => re.test(r.id));
        if (roles.length === 0)
          return { name, passed: false, measured: 'no role matched', bound: String(e.atLeast), atUs: null };
        const value = (r: (typeof roles)[number]) => (e.served ? r.servedAvailability : r.availability);
        const worst = roles.reduce((a, b) => (value(a) <= value(b) ? a : b));
        return {
          name,
          passed: value(worst) >= e.atLeast,
          measured: `${value(worst).toFixed(6)} (${worst.id})`,
          bound: `≥ ${e.atLeast}`,
          atUs: null,
        };
      }
      case 'metric': {
        const bounds = [
          e.atLeast !== null ? `≥ ${e.atLeast}` : '',
          e.atMost !== null ? `≤ ${e.atMost}` : '',
          e.equals !== undefined ? `= ${JSON.stringify(e.equals)}` : '',
        ]
          .filter(Boolean)
          .join(', ');
        const name = `${e.metric} ${bounds}`;
        const v = lookupMetric(summary, e.metric);
        if (v === undefined) return { name, passed: false, measured: 'no such metric', bound: bounds, atUs: null };
        let passed = true;
        if (e.atLeast !== null) passed &&= typeof v === 'number' && v >= e.atLeast;
        if (e.atMost !== null) passed &&= typeof v === 'number' && v <= e.atMost;
        if (e.equals !== undefined) passed &&= v === e.equals;
        return { name, passed, measured: JSON.stringify(v), bound: bounds, atUs: null };
      }
      default:
        throw new Error(`unknown expectation ${JSON.stringify(e satisfies never)}`);
    }
  });
}

/** Thrown by `assertExpectations`: a readable list of what failed, for regression tests. */
export class ExpectationFailure extends Error {
  override name = 'ExpectationFailure';
}

export function assertExpectations(summary: RunSummary): void {
  const failed = summary.expectations.filter((e) => !e.passed);
  if (failed.length === 0) return;
  throw new ExpectationFailure(
    `${failed.length} expectation(s) failed in ${summary.scenario} (seed ${summary.seed}):\n` +
      failed.map((e) => `  ✗ ${e.name}: measured ${e.measured}, bound ${e.bound}`).join('\n'),
  );
}
