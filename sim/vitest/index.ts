/**
 * `fabricsim/vitest`: Vitest matchers for fabricsim runs, registered with `expect.extend` when this module is
 * imported (`import 'fabricsim/vitest'`, in a test or a setup file), and typed by augmenting Vitest's `Assertion`.
 *
 *   const run = runScenario(loadScenarioFile('scenarios/shop.yaml'), { seed: 3 });
 *   expect(run).toRecoverWithin('node-crash', '30m');
 *   expect(run).toDeny({ from: 'internet', to: 'shop.worker', port: 8080 });
 *
 * Each matcher is one scenario expectation (the `expect:` entry it stands for is in its doc comment), checked by
 * `checkRun` — the same code as `fabricsim check` — so durations are scenario durations and targets are fault ids or
 * globs. A failure names the fault or role, the measured value, the bound, and the command that opens the run in the
 * viewer at the moment that decided it. `.not` inverts a matcher, but an expectation that matches nothing (a fault id
 * or role that is not in the run) fails either way.
 *
 * A run is what `runScenario` returns, or a timeline read from a file (`readTimelineFile`), which cannot answer
 * `toDeny`/`toAllow` — those replay the run (see `checkRun`).
 */
// Kept in the emitted declarations (unlike the value import below), so that `declare module 'vitest'` there is an
// augmentation of the installed Vitest.
import 'vitest';
import { expect } from 'vitest';
import { viewerCommand } from '../cli/index.js';
import {
  type CheckableRun,
  type CheckResult,
  checkRun,
  type Detector,
  type ExpectationFile,
  ExpectationInputError,
  type ExpectationResult,
  formatDuration,
  type RunSummary,
  type Timeline,
  type TrafficKind,
} from '../index.js';

/** What `toDeny` / `toAllow` select: attempts of the scenario's scripted traffic, as the `denied:` expectation. */
export interface AttemptSelector {
  /** A zone (`internet`, `corpnet`, `saw`, `cluster`, `sql`), the item's `from` as written, a CIDR, or `*`. */
  readonly from: string;
  /** A glob over the target as written (a role, an instance, `management`, a login, a build id…). */
  readonly to: string;
  /** Only attempts on this destination port. */
  readonly port?: number;
  /** Only attempts of this kind (`connect`, `sql-login`, `admin-login`…). */
  readonly kind?: TrafficKind;
  /** A glob that what every admitted attempt reached must match: an instance, or the role behind a VIP port. */
  readonly reached?: string;
}

/** The matchers this module adds; `R` is what each returns (Vitest's own convention). */
export interface FabricsimMatchers<R = unknown> {
  /** Every fault `target` names (a fault id or a glob over fault targets) recovered within `within` ("30m"). */
  toRecoverWithin(target: string, within: string): R;
  /** Every fault `target` names detected first by `by`, within `opts.within` (default: at all during the run). */
  toBeDetectedBy(target: string, by: Detector, opts?: { readonly within?: string }): R;
  /** Availability of every role `role` names (an id or a glob) at least `opts.atLeast`; `served`: in rotation. */
  toHaveAvailability(role: string, opts: { readonly atLeast: number; readonly served?: boolean }): R;
  /** Every attempt the selector matches was denied by the rules — and at least one was made. */
  toDeny(selector: AttemptSelector): R;
  /** Every attempt the selector matches was admitted by the rules — and at least one was made. */
  toAllow(selector: AttemptSelector): R;
  /** The policy oracle found no violation (of `opts.kind` attempts only, when given). */
  toHaveNoViolations(opts?: { readonly kind?: TrafficKind }): R;
  /** One expectation written as an entry of a scenario's `expect:` list, e.g. `{ metric: 'fc.noQuorumUs', atMost: '1m' }`. */
  toMeetExpectation(entry: ExpectationFile): R;
  /** Every expectation of the scenario's own `expect:` list passed (and it has at least one). */
  toMeetExpectations(): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: the type parameter must match Vitest's own declaration to merge with it.
  interface Assertion<T = any> extends FabricsimMatchers<void> {}
  interface AsymmetricMatchersContaining extends FabricsimMatchers<unknown> {}
}

interface MatcherContext {
  readonly isNot: boolean;
}

interface MatcherOutcome {
  pass: boolean;
  message: () => string;
}

function isRun(x: unknown): x is CheckableRun {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  if (o.format === 'fabricsim.timeline') return true;
  return typeof o.summary === 'object' && o.summary !== null && typeof o.scenario === 'object' && o.scenario !== null;
}

function describe(x: unknown): string {
  if (x === null || typeof x !== 'object') return String(x);
  return `an object with keys ${Object.keys(x).slice(0, 6).join(', ') || '(none)'}`;
}

function requireRun(name: string, x: unknown): CheckableRun {
  if (isRun(x)) return x;
  throw new TypeError(
    `${name}: expected the result of runScenario (or a timeline from readTimelineFile), received ${describe(x)}`,
  );
}

/** The scenario file behind a run, when it was loaded from one (so that the viewer command can re-run it). */
function scenarioFileOf(run: CheckableRun): string | null {
  const file = 'format' in run ? run.scenario.file : run.scenario.fileName;
  return file !== undefined && /\.(ya?ml|json)$/i.test(file) && !file.startsWith('<') ? file : null;
}

function openCommand(run: CheckableRun, summary: RunSummary, atUs: number | null): string {
  const file = scenarioFileOf(run);
  const at = atUs === null ? '' : ` at ${formatDuration(atUs)}`;
  if (file === null) {
    return `(load the scenario with loadScenarioFile to get the command that opens this run in the viewer${at})`;
  }
  return `open it in the viewer${at}: ${viewerCommand(file, summary.seed, atUs)}`;
}

function runLabel(summary: RunSummary): string {
  return `${summary.scenario} (seed ${summary.seed})`;
}

/** The matcher's verdict on one checked expectation. */
function verdict(ctx: MatcherContext, run: CheckableRun, r: CheckResult): MatcherOutcome {
  const summary = run.summary;
  // Nothing matched: fail under `.not` too (pass is inverted there).
  const pass = r.matched ? r.passed : ctx.isNot;
  return {
    pass,
    message: () => {
      if (!r.matched) {
        return `expected ${runLabel(summary)} to meet "${r.name}", but it names nothing in the run: ${r.measured}`;
      }
      if (ctx.isNot) {
        return (
          `expected ${runLabel(summary)} not to meet "${r.name}", but it does: measured ${r.measured}, bound ${r.bound}\n` +
          `  ${openCommand(run, summary, null)}`
        );
      }
      return (
        `expected ${runLabel(summary)} to meet "${r.name}": measured ${r.measured}, bound ${r.bound}\n` +
        `  ${openCommand(run, summary, r.atUs)}`
      );
    },
  };
}

function check(name: string, ctx: MatcherContext, received: unknown, entry: () => ExpectationFile): MatcherOutcome {
  const run = requireRun(name, received);
  try {
    return verdict(ctx, run, checkRun(run, entry()));
  } catch (e) {
    if (e instanceof ExpectationInputError) throw new TypeError(`${name}: ${e.message}`);
    throw e;
  }
}

function selector(s: AttemptSelector): AttemptSelector {
  return {
    from: s?.from,
    to: s?.to,
    ...(s?.port === undefined ? {} : { port: s.port }),
    ...(s?.kind === undefined ? {} : { kind: s.kind }),
    ...(s?.reached === undefined ? {} : { reached: s.reached }),
  };
}

function allExpectations(ctx: MatcherContext, received: unknown): MatcherOutcome {
  const run = requireRun('toMeetExpectations', received);
  const summary = run.summary;
  const list = summary.expectations;
  const failed = list.filter((e) => !e.passed);
  const line = (e: ExpectationResult) => `  ✗ ${e.name}: measured ${e.measured}, bound ${e.bound}`;
  if (list.length === 0) {
    return {
      pass: ctx.isNot,
      message: () => `expected ${runLabel(summary)} to meet its expectations, but the scenario has none`,
    };
  }
  return {
    pass: failed.length === 0,
    message: () =>
      ctx.isNot
        ? `expected ${runLabel(summary)} to fail one of its ${list.length} expectation(s), but all passed`
        : `expected ${runLabel(summary)} to meet its expectations; ${failed.length} of ${list.length} failed:\n` +
          failed.map((e) => `${line(e)}\n    ${openCommand(run, summary, e.atUs)}`).join('\n'),
  };
}

/** The matchers, as `expect.extend` takes them (already registered on import; exported for other set-ups). */
export const fabricsimMatchers = {
  toRecoverWithin(this: MatcherContext, received: unknown, target: string, within: string) {
    return check('toRecoverWithin', this, received, () => ({ recovered: { target, within } }));
  },
  toBeDetectedBy(this: MatcherContext, received: unknown, target: string, by: Detector, opts?: { within?: string }) {
    return check('toBeDetectedBy', this, received, () => ({
      detected: {
        target,
        by,
        within: opts?.within ?? formatDuration(requireRun('toBeDetectedBy', received).summary.durationUs),
      },
    }));
  },
  toHaveAvailability(
    this: MatcherContext,
    received: unknown,
    role: string,
    opts: { atLeast: number; served?: boolean },
  ) {
    return check('toHaveAvailability', this, received, () => ({
      availability: { role, atLeast: opts?.atLeast, ...(opts?.served === undefined ? {} : { served: opts.served }) },
    }));
  },
  toDeny(this: MatcherContext, received: unknown, s: AttemptSelector) {
    return check('toDeny', this, received, () => ({ denied: selector(s) }));
  },
  toAllow(this: MatcherContext, received: unknown, s: AttemptSelector) {
    return check('toAllow', this, received, () => ({ allowed: selector(s) }));
  },
  toHaveNoViolations(this: MatcherContext, received: unknown, opts?: { kind?: TrafficKind }) {
    return check('toHaveNoViolations', this, received, () =>
      opts?.kind === undefined ? { violations: 0 } : { violations: { atMost: 0, kind: opts.kind } },
    );
  },
  toMeetExpectation(this: MatcherContext, received: unknown, entry: ExpectationFile) {
    return check('toMeetExpectation', this, received, () => entry);
  },
  toMeetExpectations(this: MatcherContext, received: unknown) {
    return allExpectations(this, received);
  },
};

expect.extend(fabricsimMatchers);

export type { CheckableRun, Timeline };
