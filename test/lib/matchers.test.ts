/**
 * fabricsim/vitest: each matcher passing and failing on real runs of bundled scenarios, `.not`, the failure messages
 * (fault or role, measured value, bound, the command that opens the run at the failing moment), and checkRun itself.
 */
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, readTimelineFile, writeTimelineFile } from '../../sim/cli/node-api.js';
import { checkRun, loadScenario, type RunResult, runScenario } from '../../sim/index.js';
import '../../sim/vitest/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HEALING = 'scenarios/node-crash-healing.yaml';
const WORKER_PORT = 'scenarios/security-misconfig-worker-port.yaml';
const CONNECTIVITY = 'scenarios/security-compute-connectivity.yaml';
const LONELY = 'test/lib/fixtures/lonely-web.yaml';

const healing = runScenario(loadScenarioFile(HEALING), { record: false });
const workerPort = runScenario(loadScenarioFile(WORKER_PORT));
const connectivity = runScenario(loadScenarioFile(CONNECTIVITY), { record: false });

/** The message of the assertion error `fn` throws (fails the test if it does not throw). */
function failure(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error('expected the assertion to fail');
}

const viewer = (file: string, seed: number, atUs: number) =>
  new RegExp(
    `npx fabricsim run ${file.replace(/[.]/g, '\\.')} --seed ${seed} --out \\S+ && npx fabricsim serve --timeline \\S+ --at ${atUs} --tour failure\\b`,
  );

describe('toRecoverWithin', () => {
  it('passes when every named fault recovered within the bound', () => {
    expect(healing).toRecoverWithin('lasting', '30m');
    expect(healing).toRecoverWithin('c0-r*', '1h'); // a glob over fault targets
    expect(healing).not.toRecoverWithin('lasting', '20m');
  });

  it('fails naming the fault, the measured time, the bound and the command at the failing moment', () => {
    const msg = failure(() => expect(healing).toRecoverWithin('lasting', '20m'));
    expect(msg).toContain('expected node-crash-healing (seed 2) to meet "recovered lasting within 20m"');
    expect(msg).toContain('measured 28m4.5s (lasting), bound 20m');
    // lasting starts at 1h; the bound runs out at 1h20m.
    expect(msg).toMatch(viewer(HEALING, 2, 3_600_000_000 + 20 * 60_000_000));
    expect(msg).toContain('at 1h20m');
  });

  it('under .not fails saying the expectation held', () => {
    const msg = failure(() => expect(healing).not.toRecoverWithin('lasting', '30m'));
    expect(msg).toContain(
      'not to meet "recovered lasting within 30m", but it does: measured 28m4.5s (lasting), bound 30m',
    );
  });

  it('fails both ways for a fault that is not in the run', () => {
    expect(failure(() => expect(healing).toRecoverWithin('lastnig', '30m'))).toContain(
      'names nothing in the run: no fault matched',
    );
    expect(failure(() => expect(healing).not.toRecoverWithin('lastnig', '30m'))).toContain(
      'names nothing in the run: no fault matched',
    );
  });

  it('parses durations like scenario files and refuses a bad one', () => {
    expect(healing).toRecoverWithin('transient', '0h15m'.replace('0h', '')); // "15m"
    expect(healing).toRecoverWithin('transient', '11m1.4s');
    expect(healing).not.toRecoverWithin('transient', '11m1.3s');
    expect(() => expect(healing).toRecoverWithin('lasting', 'half an hour')).toThrow(
      /^toRecoverWithin: invalid expectation: recovered\.within: expected a duration .*found "half an hour"/,
    );
  });
});

describe('toBeDetectedBy', () => {
  it('passes for each detector that noticed, within the bound, measured by its own time', () => {
    // The load balancer notices the crashed node's instance first (30.3 s), the FC after its missed polls (1m1.6s).
    expect(healing).toBeDetectedBy('transient', 'load-balancer', { within: '31s' });
    expect(healing).toBeDetectedBy('transient', 'load-balancer');
    expect(healing).not.toBeDetectedBy('transient', 'load-balancer', { within: '30s' });
    expect(healing).toBeDetectedBy('transient', 'fc', { within: '1m2s' });
    expect(healing).not.toBeDetectedBy('transient', 'fc', { within: '1m' });
  });

  it('fails naming the measured time and detector, and the bound', () => {
    const msg = failure(() => expect(healing).toBeDetectedBy('transient', 'fc', { within: '1m' }));
    expect(msg).toContain('"detected transient within 1m by fc": measured 1m1.6s by fc (transient), bound 1m by fc');
    expect(msg).toMatch(viewer(HEALING, 2, 600_000_000 + 60_000_000));
  });

  it('refuses an unknown detector', () => {
    expect(() => expect(healing).toBeDetectedBy('transient', 'pager' as never)).toThrow(
      /^toBeDetectedBy: invalid expectation: detected\.by: /,
    );
  });
});

describe('toHaveAvailability', () => {
  it('passes and fails on the worst role a glob names', () => {
    expect(healing).toHaveAvailability('shop.*', { atLeast: 0.999 });
    expect(healing).toHaveAvailability('shop.web', { atLeast: 0.999, served: true });
    const workerRun = workerPort;
    expect(workerRun).toHaveAvailability('shop.web', { atLeast: 0.5 });
  });

  it('fails naming the role, the measured availability and the bound', () => {
    const run = runScenario(loadScenarioFile(LONELY), { record: false });
    const msg = failure(() => expect(run).toHaveAvailability('shop.*', { atLeast: 0.99 }));
    expect(msg).toContain('"availability of shop.* at least 0.99": measured 0.905386 (shop.web), bound ≥ 0.99');
    // Availability is a share of the whole run: the command opens the run at its start.
    expect(msg).toMatch(
      /npx fabricsim run test\/lib\/fixtures\/lonely-web\.yaml --seed 4 --out \S+ && npx fabricsim serve --timeline \S+ --tour failure$/,
    );
    expect(run).toHaveAvailability('shop.web', { atLeast: 0.904, served: true });
    expect(run).not.toHaveAvailability('shop.web', { atLeast: 0.905, served: true });
    // A fault id given to several targets names them all ("node-crash/c0-r0-n0", …).
    expect(run).toRecoverWithin('node-crash', '30m');
  });

  it('refuses a role glob that matches no role, with a suggestion', () => {
    expect(() => expect(healing).toHaveAvailability('shop.wbe', { atLeast: 0.9 })).toThrow(
      /^toHaveAvailability: invalid expectation: availability\.role: .*shop\.wbe/,
    );
  });
});

describe('toDeny and toAllow', () => {
  it('pass when every matching scripted attempt was denied (or admitted)', () => {
    expect(connectivity).toDeny({ from: 'internet', to: 'shop.worker*' });
    expect(connectivity).toDeny({ from: 'internet', to: 'shop.web*', port: 22 });
    expect(connectivity).toAllow({ from: 'internet', to: 'shop.web', port: 80, kind: 'connect' });
    expect(connectivity).not.toDeny({ from: 'internet', to: 'shop.web', port: 80 });
    // What an admitted attempt reached: the web role behind the VIP's port 80, one of its instances.
    expect(connectivity).toAllow({ from: 'internet', to: 'shop.web', port: 80, reached: 'shop.web.*' });
    expect(connectivity).not.toAllow({ from: 'internet', to: 'shop.web', port: 80, reached: 'shop.worker*' });
  });

  it('fails naming the selector, how many were denied, and the moment the first got through', () => {
    const msg = failure(() => expect(workerPort).toDeny({ from: 'internet', to: 'shop.worker', port: 8080 }));
    expect(msg).toContain(
      '"denied attempts from internet to shop.worker port 8080": measured 80 of 100 denied; admitted ones reached shop.worker/open:8080 ×20, bound all denied',
    );
    // The misconfiguration opens the port at 15m; the next scripted attempt (every 30 s from 1m) gets through.
    expect(msg).toMatch(viewer(WORKER_PORT, 21, 15 * 60_000_000));
  });

  it('fails both ways when no attempt matched', () => {
    for (const fn of [
      () => expect(connectivity).toDeny({ from: 'corpnet', to: 'shop.worker*' }),
      () => expect(connectivity).not.toDeny({ from: 'corpnet', to: 'shop.worker*' }),
    ]) {
      expect(failure(fn)).toContain('names nothing in the run: no attempt matched');
    }
    expect(failure(() => expect(healing).toDeny({ from: 'internet', to: '*' }))).toContain('no attempt matched');
  });

  it('replays the run with the same seed and end, and refuses a run whose scenario changed since', () => {
    const short = runScenario(loadScenarioFile(WORKER_PORT), { seed: 5, untilUs: 20 * 60_000_000, record: false });
    expect(short).not.toDeny({ from: 'internet', to: 'shop.worker', port: 8080 });
    const changed: RunResult = { ...connectivity, scenario: loadScenarioFile(WORKER_PORT) };
    expect(() => expect(changed).toDeny({ from: 'internet', to: 'x' })).toThrow(
      /replaying security-compute-connectivity \(seed 11\) gave trace \w+, not the run's \w+/,
    );
  });
});

describe('toHaveNoViolations', () => {
  it('passes for a correct configuration and fails for a misconfiguration, at the first violation', () => {
    expect(connectivity).toHaveNoViolations();
    const msg = failure(() => expect(workerPort).toHaveNoViolations());
    expect(msg).toContain('"violations = 0": measured 20, bound = 0');
    const first = workerPort.timeline!.events.find((e) => e.k.endsWith('.violation'))!;
    expect(msg).toMatch(viewer(WORKER_PORT, 21, first.t));
    expect(workerPort).not.toHaveNoViolations();
    expect(workerPort).toHaveNoViolations({ kind: 'sql-login' });
  });

  it('finds the first violation by replaying a run that kept no timeline', () => {
    const off = runScenario(loadScenarioFile(WORKER_PORT), { record: false });
    const first = workerPort.timeline!.events.find((e) => e.k.endsWith('.violation'))!;
    expect(failure(() => expect(off).toHaveNoViolations())).toMatch(viewer(WORKER_PORT, 21, first.t));
  });
});

describe('toMeetExpectations and toMeetExpectation', () => {
  it('passes when every expectation of the scenario passed', () => {
    expect(healing).toMeetExpectations();
    expect(workerPort).toMeetExpectations();
    expect(healing).toMeetExpectation({ metric: 'fc.noQuorumUs', atMost: '1m' });
  });

  it('lists each failed expectation with its command', () => {
    const run = runScenario(loadScenarioFile('test/cli/fixtures/fail.yaml'), { seed: 7, record: false });
    const msg = failure(() => expect(run).toMeetExpectations());
    expect(msg).toContain('expected cli-fail (seed 7) to meet its expectations; 1 of 2 failed:');
    const failed = run.summary.expectations.find((e) => !e.passed)!;
    expect(msg).toContain(`✗ recovered crash1 within 1m: measured ${failed.measured}, bound 1m`);
    expect(msg).toMatch(viewer('test/cli/fixtures/fail.yaml', 7, failed.atUs!));
    expect(run).not.toMeetExpectations();
    expect(failure(() => expect(healing).not.toMeetExpectations())).toContain('but all passed');
  });

  it('fails both ways for a scenario without expectations', () => {
    const text =
      'version: 1\nname: bare\nduration: 1h\ntopology: { clusters: [{ id: c0, racks: 1, nodesPerRack: 1 }] }\n';
    const run = runScenario(loadScenario(text), { record: false });
    expect(failure(() => expect(run).toMeetExpectations())).toContain('the scenario has none');
    expect(failure(() => expect(run).not.toMeetExpectations())).toContain('the scenario has none');
    // Loaded from text: no file to re-run, and the message says how to get one.
    expect(failure(() => expect(run).toMeetExpectation({ metric: 'events', atLeast: 1e9 }))).toContain(
      'load the scenario with loadScenarioFile',
    );
  });

  it('refuses something that is not a run', () => {
    expect(() => expect({ summary: {} }).toMeetExpectations()).toThrow(
      /^toMeetExpectations: expected the result of runScenario .* received an object with keys summary/,
    );
    expect(() => expect(42).toRecoverWithin('x', '1m')).toThrow(/received 42/);
  });
});

describe('timelines', () => {
  it('a timeline written and read back answers the summary matchers, not the replaying ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fabricsim-lib-'));
    try {
      const file = join(dir, 'run.timeline.json');
      const bytes = writeTimelineFile(file, workerPort.timeline!);
      expect(bytes).toBeGreaterThan(1000);
      const timeline = readTimelineFile(file);
      expect(timeline.traceHash).toBe(workerPort.summary.traceHash);
      expect(timeline).toRecoverWithin('open-worker-port', '10m');
      expect(timeline).not.toHaveNoViolations();
      expect(() => expect(timeline).toDeny({ from: 'internet', to: 'shop.worker' })).toThrow(
        /"denied" needs the result of runScenario/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checkRun agrees with the scenario’s own expectations', () => {
    for (const [i, e] of (workerPort.scenario.file.expect ?? []).entries()) {
      const { matched, ...r } = checkRun(workerPort, e);
      expect(matched).toBe(true);
      expect(r).toEqual(workerPort.summary.expectations[i]);
    }
  });
});
