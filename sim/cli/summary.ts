/**
 * The readable summary of one run (`fabricsim run` without --json): what happened, in a few tables.
 */
import type { RunSummary } from '../metrics/index.js';
import { duration, groupDigits, percent, table } from './format.js';

/** At most this many faults are listed; --json has them all. */
export const MAX_FAULT_ROWS = 20;

export interface RunReport {
  readonly summary: RunSummary;
  /** The scenario file as named on the command line. */
  readonly file: string;
  /** Wall-clock time of the run, ms. */
  readonly wallMs: number;
  /** The timeline written with --out, if any. */
  readonly timeline?: { readonly path: string; readonly bytes: number } | undefined;
}

export function bytesPerEvent(bytes: number, events: number): string {
  return events === 0 ? '–' : (bytes / events).toFixed(1);
}

export function formatRunReport(r: RunReport): string {
  const s = r.summary;
  const out: string[] = [];
  out.push(`${s.scenario} (${r.file})`);
  out.push(
    `seed ${s.seed} · trace ${s.traceHash} · ${groupDigits(s.events)} events · ${duration(s.durationUs)} simulated in ${(r.wallMs / 1000).toFixed(2)} s wall`,
  );
  out.push('');

  if (s.faults.length === 0) {
    out.push('Faults: none');
  } else {
    out.push(`Faults (${s.faults.length})`);
    const rows = s.faults
      .slice(0, MAX_FAULT_ROWS)
      .map((f) => [
        f.id,
        f.kind,
        f.target,
        duration(f.atUs),
        f.detectedAtUs === null
          ? 'not detected'
          : `${duration(f.detectedAtUs)}${f.detectedBy ? ` (${f.detectedBy})` : ''}`,
        duration(f.ttdUs),
        f.ttrUs === null ? 'not recovered' : duration(f.ttrUs),
      ]);
    out.push(table(['id', 'kind', 'target', 'at', 'detected (by)', 'TTD', 'TTR'], rows).trimEnd());
    if (s.faults.length > MAX_FAULT_ROWS) {
      out.push(`  … and ${s.faults.length - MAX_FAULT_ROWS} more (--json lists them all)`);
    }
  }
  out.push('');

  if (s.roles.length > 0) {
    out.push('Availability');
    const rows = s.roles.map((role) => [
      role.id,
      String(role.instances),
      percent(role.availability),
      percent(role.servedAvailability),
      percent(role.readyFraction),
    ]);
    out.push(table(['role', 'instances', 'running', 'served', 'ready'], rows, { right: [1, 2, 3, 4] }).trimEnd());
    out.push('');
  }

  const control: string[] = [];
  if (s.fc.noQuorumUs > 0 || s.fc.leaderChanges > 0) {
    control.push(`FC: ${duration(s.fc.noQuorumUs)} without quorum, ${s.fc.leaderChanges} leader changes`);
  }
  if (s.sql.failovers > 0 || s.sql.unavailableUs > 0) {
    control.push(`SQL: ${s.sql.failovers} failovers, ${duration(s.sql.unavailableUs)} unavailable`);
  }
  const blind = s.watchdogs.filter((w) => w.blindUs > 0);
  if (blind.length > 0)
    control.push(`Watchdogs blind: ${blind.map((w) => `${w.id} ${duration(w.blindUs)}`).join(', ')}`);
  const packages = s.roles.filter((role) => role.packageProblems > 0);
  if (packages.length > 0) {
    control.push(
      `Package problems (instances still alerted at the end): ${packages.map((role) => `${role.id} ${role.packageProblems}`).join(', ')}`,
    );
  }
  if (s.images !== undefined) {
    const tally = (xs: (string | null)[]): string => {
      const n = new Map<string, number>();
      for (const x of xs) if (x !== null) n.set(x, (n.get(x) ?? 0) + 1);
      return [...n].map(([k, v]) => `${k} ×${v}`).join(', ');
    };
    control.push(
      `Images: ${s.images.violations} violation${s.images.violations === 1 ? '' : 's'}${s.images.wrongUs > 0 ? ` (${duration(s.images.wrongUs)} on a wrong image)` : ''}; VMs ${tally(Object.values(s.images.instances)) || 'none'}; hosts ${tally(Object.values(s.images.nodes))}`,
    );
  }
  if (control.length > 0) {
    out.push(...control);
    out.push('');
  }

  const sec = s.security;
  if (sec.attempts > 0) {
    out.push(
      `Security: ${groupDigits(sec.attempts)} attempts, ${groupDigits(sec.allowed)} allowed, ${groupDigits(sec.denied)} denied, ${groupDigits(sec.violations)} violations${sec.exposureUs > 0 ? `, exposed ${duration(sec.exposureUs)}` : ''}`,
    );
    const rows = Object.entries(sec.byKind)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([kind, t]) => [
        kind,
        groupDigits(t.attempts),
        groupDigits(t.allowed),
        groupDigits(t.denied),
        groupDigits(t.violations),
      ]);
    if (rows.length > 0) {
      out.push(table(['kind', 'attempts', 'allowed', 'denied', 'violations'], rows, { right: [1, 2, 3, 4] }).trimEnd());
    }
    // Users' visits, attacks, administrators' actions and the pipeline's, counted apart.
    const intents = Object.entries(s.security.byIntent ?? {}).map(([intent, t]) => [
      intent,
      groupDigits(t.attempts),
      groupDigits(t.allowed),
      groupDigits(t.denied),
      groupDigits(t.violations),
    ]);
    if (intents.length > 0) {
      out.push(
        table(['intent', 'attempts', 'allowed', 'denied', 'violations'], intents, { right: [1, 2, 3, 4] }).trimEnd(),
      );
    }
    out.push('');
  }

  if (s.expectations.length > 0) {
    const failed = s.expectations.filter((e) => !e.passed).length;
    out.push(`Expectations (${s.expectations.length - failed} of ${s.expectations.length} hold)`);
    const rows = s.expectations.map((e) => [e.passed ? '✓' : '✗', e.name, e.measured, e.bound]);
    out.push(table(['', 'expectation', 'measured', 'bound'], rows).trimEnd());
    out.push('');
  }

  if (r.timeline) {
    out.push(
      `Timeline: ${r.timeline.path} (${groupDigits(r.timeline.bytes)} bytes, ${bytesPerEvent(r.timeline.bytes, s.events)} bytes/event)`,
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}
