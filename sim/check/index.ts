/**
 * Checking a finished run against one more expectation, written exactly as an entry of a scenario's `expect:` list
 * (`{ recovered: { target: node-crash, within: 30m } }`, `{ denied: { from: internet, to: shop.worker } }`…). The
 * entry is validated by the scenario schema, its durations parsed by the scenario duration parser, and it is
 * evaluated by the same code as the scenario's own expectations — so a test and `fabricsim check` never disagree.
 *
 * Most expectations are decided by the run's summary. The security ones that count attempts (`denied`, `allowed`)
 * or deployments (`never`), and the moment of the first violation when the run kept no timeline, are decided by what
 * the security model recorded while the scenario's scripted traffic ran: the run is replayed (same resolved
 * scenario, same seed, same end, recording off) with the entry watched, and the replay's trace hash must equal the
 * run's. Watching attempts changes nothing in the simulation, so the replay is the same run, decision by decision.
 */
import type { ExpectationResult, RunSummary } from '../metrics/index.js';
import { runResolved } from '../run.js';
import {
  type ExpectationFile,
  ExpectationSpec,
  evaluateExpectations,
  explainZodIssues,
  formatPath,
  resolveExpectation,
  ScenarioError,
  ScenarioIssue,
} from '../scenario/index.js';
import type { Expectation, ResolvedScenario } from '../spec/index.js';
import type { Timeline } from '../trace/index.js';

/** A run to check: the result of `runScenario` (which carries its scenario), or a timeline read from a file. */
export type CheckableRun =
  | {
      readonly summary: RunSummary;
      readonly timeline: Timeline | null;
      readonly scenario: { readonly resolved: ResolvedScenario; readonly fileName?: string };
    }
  | Timeline;

/** A mistake in the expectation given to `checkRun` (not a failed expectation): one line saying what is wrong. */
export class ExpectationInputError extends Error {
  override name = 'ExpectationInputError';
}

/** The outcome of `checkRun`: the scenario expectation's result, and whether the entry matched anything at all. */
export interface CheckResult extends ExpectationResult {
  /**
   * False when the entry named nothing that exists in the run (no fault, role, attempt or metric matched): such an
   * expectation fails, and so does its negation — a typo never passes.
   */
  readonly matched: boolean;
}

const UNMATCHED = /^no (fault|role|attempt) matched$|^no such metric$/;

function isTimeline(run: CheckableRun): run is Timeline {
  return (run as Timeline).format === 'fabricsim.timeline';
}

/** Validates and resolves one `expect:` entry against the run's scenario. */
function resolveEntry(entry: unknown, sc: Pick<ResolvedScenario, 'services'>): Expectation {
  const parsed = ExpectationSpec.safeParse(entry);
  if (!parsed.success) {
    const e = explainZodIssues(parsed.error.issues, {
      schema: ExpectationSpec,
      input: entry,
      locate: () => ({ file: '', line: 0, column: 0, rank: 0 }),
      sourceOf: () => undefined,
    });
    throw new ExpectationInputError(`invalid expectation: ${e.path === '' ? '' : `${e.path}: `}${e.detail}`);
  }
  if ('probability' in parsed.data)
    throw new ExpectationInputError(
      'invalid expectation: a probability is decided over many runs (fabricsim check or estimate), not against one run',
    );
  try {
    return resolveExpectation(parsed.data, 0, sc.services);
  } catch (e) {
    if (e instanceof ScenarioIssue) {
      const path = formatPath(e.path.slice(2));
      throw new ExpectationInputError(`invalid expectation: ${path === '' ? '' : `${path}: `}${e.message}`);
    }
    if (e instanceof ScenarioError) throw new ExpectationInputError(`invalid expectation: ${e.detail}`);
    throw e;
  }
}

/** The first violation's moment, from a recorded timeline. */
function firstViolationUs(timeline: Timeline, kind: string | null): number | null {
  for (const e of timeline.events) {
    if (kind === null ? e.k.startsWith('traffic.') && e.k.endsWith('.violation') : e.k === `traffic.${kind}.violation`)
      return e.t;
  }
  return null;
}

/**
 * Checks `run` against one expectation written as in a scenario's `expect:` list. Throws ExpectationInputError
 * when the entry itself is wrong (not a known expectation, a bad duration, a role glob matching no role).
 */
export function checkRun(run: CheckableRun, entry: ExpectationFile): CheckResult {
  const summary = run.summary;
  const timeline = isTimeline(run) ? run : run.timeline;
  const live = isTimeline(run) ? null : run.scenario.resolved;
  const services = live ?? (run as Timeline).scenario.resolved;
  const e = resolveEntry(entry, services as ResolvedScenario);

  let result: ExpectationResult;
  const needsReplay =
    e.type === 'denied' || e.type === 'allowed' || e.type === 'never' || (e.type === 'violations' && !timeline);
  if (needsReplay && live?.security !== undefined) {
    const replay = runResolved(
      { ...live, expect: [e] },
      { seed: summary.seed, untilUs: summary.durationUs, record: false },
    ).summary;
    if (replay.traceHash !== summary.traceHash) {
      throw new Error(
        `replaying ${summary.scenario} (seed ${summary.seed}) gave trace ${replay.traceHash}, not the run's ` +
          `${summary.traceHash}: the run's scenario was changed after it ran`,
      );
    }
    result = replay.expectations[0]!;
  } else if (needsReplay && e.type !== 'violations' && live === null && summary.security.attempts > 0) {
    throw new ExpectationInputError(
      `"${e.type}" needs the result of runScenario: a timeline read from a file keeps no record of which attempts ` +
        'each selector matches',
    );
  } else {
    result = evaluateExpectations([e], summary)[0]!;
    if (e.type === 'violations' && !result.passed && timeline)
      result = { ...result, atUs: firstViolationUs(timeline, e.kind) };
  }
  return { ...result, matched: !UNMATCHED.test(result.measured) };
}
