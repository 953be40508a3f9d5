/**
 * The validation report: for each documented timing of the platform, the documented figure beside what the model
 * produces in a bundled scenario made to measure it. `npm run validate` writes it to docs/validation.md — the page a
 * researcher reads before trusting a result.
 */
import type { Scenario } from './index.js';
import { runScenario } from './index.js';
import { formatHuman } from './metrics/index.js';
import type { Timeline, TimelineEvent } from './trace/index.js';

export interface ValidationRow {
  readonly behaviour: string;
  readonly documented: string;
  readonly source: 'doc' | '3p' | 'inferred';
  readonly measured: string;
  readonly scenario: string;
  readonly ok: boolean;
}

type Loader = (file: string) => Scenario;

const MIN = 60_000_000;
const SEC = 1_000_000;

function run(load: Loader, file: string): Timeline {
  const t = runScenario(load(file), { record: true }).timeline;
  if (!t) throw new Error(`no timeline for ${file}`);
  return t;
}

function fault(t: Timeline, id: string) {
  const f = t.summary.faults.find((x) => x.id === id);
  if (!f) throw new Error(`fault ${id} not found in ${t.scenario.name}`);
  return f;
}

function first(t: Timeline, k: string, after = 0, subject?: string): TimelineEvent | undefined {
  return t.events.find((e) => e.k === k && e.t >= after && (subject === undefined || e.s === subject));
}

function within(v: number | null, lo: number, hi: number): boolean {
  return v !== null && v >= lo && v <= hi;
}

/** Runs the measuring scenarios and returns one row per documented behaviour. */
export function validate(load: Loader): ValidationRow[] {
  const rows: ValidationRow[] = [];
  const add = (r: ValidationRow) => rows.push(r);

  const roleCrash = run(load, 'role-crash.yaml');
  const rc = fault(roleCrash, 'first');
  add({
    behaviour: 'Role process crash → restarted by the guest agent',
    documented: 'restart; role start takes 0–15 min',
    source: 'doc',
    measured: `detected after ${formatHuman(rc.ttdUs)}, Ready again after ${formatHuman(rc.ttrUs)}`,
    scenario: 'role-crash.yaml',
    ok: rc.ttdUs === 0 && within(rc.ttrUs, 0, 15 * MIN),
  });

  const vm = run(load, 'vm-crash.yaml');
  const wv = fault(vm, 'worker-vm');
  add({
    behaviour: 'Guest OS restarted after no heartbeat response',
    documented: '10 min',
    source: 'doc',
    measured: `VM rebooted ${formatHuman(wv.ttdUs)} after its guest stopped answering`,
    scenario: 'vm-crash.yaml',
    ok: within(wv.ttdUs, 9.5 * MIN, 10.1 * MIN),
  });

  const nc = run(load, 'node-crash-healing.yaml');
  const tr = fault(nc, 'transient');
  add({
    behaviour: 'Host rebooted: VM back on the same host',
    documented: 'usually 10–15 min',
    source: 'doc',
    measured: `instances Ready again ${formatHuman(tr.ttrUs)} after the crash`,
    scenario: 'node-crash-healing.yaml',
    ok: within(tr.ttrUs, 10 * MIN, 15 * MIN),
  });
  const lasting = fault(nc, 'lasting');
  const reboot = first(nc, 'node.reboot', lasting.atUs, 'c0-r1-n0');
  const ofr = first(nc, 'node.out-for-repair', lasting.atUs, 'c0-r1-n0');
  const bootWait = reboot && ofr ? ofr.t - reboot.t : null;
  add({
    behaviour: 'FC boot wait before giving up on a rebooting node',
    documented: '≤ 900 s',
    source: 'doc',
    measured: `out for repair ${formatHuman(bootWait)} after the reboot began`,
    scenario: 'node-crash-healing.yaml',
    ok: bootWait === 900 * SEC,
  });

  const hw = run(load, 'node-hardware.yaml');
  const h = fault(hw, 'hw');
  add({
    behaviour: 'Hardware fault → service healing to another node',
    documented: 'typically within 15 min',
    source: 'doc',
    measured: `instances Ready elsewhere ${formatHuman(h.ttrUs)} after the fault`,
    scenario: 'node-hardware.yaml',
    ok: within(h.ttrUs, 0, 15 * MIN),
  });

  const hang = run(load, 'role-hang.yaml');
  const wh = fault(hang, 'web-hang');
  const kh = fault(hang, 'worker-hang');
  add({
    behaviour: 'Load balancer: probe every 15 s, out of rotation after 2 misses (31 s timeout)',
    documented: '15 s interval, 31 s timeout, ~2 misses',
    source: 'doc',
    measured: `hung web instance out of rotation after ${formatHuman(wh.ttdUs)}`,
    scenario: 'role-hang.yaml',
    ok: within(wh.ttdUs, 31 * SEC + 15 * SEC, 31 * SEC + 30 * SEC),
  });
  add({
    behaviour: 'Infinite loops and hangs are not detected by the FC',
    documented: 'not detected',
    source: 'doc',
    measured: `hung worker: ${kh.detectedAtUs === null ? 'never detected' : `detected by ${kh.detectedBy}`}; hung web: detected by ${wh.detectedBy}`,
    scenario: 'role-hang.yaml',
    ok: kh.detectedAtUs === null && wh.detectedBy !== 'fc',
  });

  const up = run(load, 'rolling-upgrade.yaml');
  const counts = new Map<number, number>();
  for (const i of up.initial.clusters[0]!.instances) counts.set(i.ud, (counts.get(i.ud) ?? 0) + 1);
  const spread = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
  add({
    behaviour: 'Instances spread over update domains (14 over 5)',
    documented: '3, 3, 3, 3, 2',
    source: 'doc',
    measured: spread.join(', '),
    scenario: 'rolling-upgrade.yaml',
    ok: spread.join(',') === '3,3,3,3,2',
  });
  const refused = up.summary.eventCounts['upgrade.refused'] ?? 0;
  add({
    behaviour: 'Only one upgrade at a time',
    documented: 'one upgrade at a time',
    source: 'doc',
    measured: `${refused} concurrent upgrade refused`,
    scenario: 'rolling-upgrade.yaml',
    ok: refused === 1,
  });

  const fu = run(load, 'failing-upgrade.yaml');
  const ud = first(fu, 'upgrade.ud');
  const stuck = first(fu, 'upgrade.stuck');
  const wait = ud && stuck ? stuck.t - ud.t : null;
  add({
    behaviour: 'Upgrade waits for an update domain to become healthy',
    documented: 'up to 30 min per instance',
    source: 'doc',
    measured: `stuck deployment declared ${formatHuman(wait)} after the update domain started`,
    scenario: 'failing-upgrade.yaml',
    ok: within(wait, 30 * MIN, 30.5 * MIN),
  });

  const ce = run(load, 'config-error.yaml');
  const crashes = ce.summary.eventCounts['instance.crash'] ?? 0;
  const loop = first(ce, 'instance.crash-loop');
  add({
    behaviour: 'Crash loop: 5 crashes within 15 min → marked unhealthy, not restarted',
    documented: 'inferred: 5 crashes / 15 min, back-off 1 s doubling to 5 min',
    source: 'inferred',
    measured: `${crashes} crashes, crash loop declared ${formatHuman(loop ? loop.t - fault(ce, 'bad-config').atUs : null)} after the first`,
    scenario: 'config-error.yaml',
    ok: crashes === 5 && loop !== undefined,
  });

  const hi = run(load, 'human-investigate.yaml');
  add({
    behaviour: 'Repeated node failures → HumanInvestigate',
    documented: 'inferred: 3 failures within 24 h',
    source: 'inferred',
    measured: `${hi.summary.eventCounts['node.reboot'] ?? 0} reboots, then ${hi.summary.eventCounts['node.human-investigate'] ?? 0} HumanInvestigate`,
    scenario: 'human-investigate.yaml',
    ok: hi.summary.eventCounts['node.human-investigate'] === 1,
  });

  const fc = run(load, 'fc-leader-crash.yaml');
  add({
    behaviour: 'FC leader lost → new leader after the lease',
    documented: 'inferred: 30 s lease (as Service Fabric)',
    source: 'inferred',
    measured: `no quorum for ${formatHuman(fc.summary.fc.noQuorumUs)}, ${fc.summary.fc.leaderChanges} leader change`,
    scenario: 'fc-leader-crash.yaml',
    ok: within(fc.summary.fc.noQuorumUs, 30 * SEC, 60 * SEC),
  });

  const sql = run(load, 'sql-failover.yaml');
  add({
    behaviour: 'SQL Database primary lost → failover',
    documented: 'most reconfigurations < 60 s',
    source: 'doc',
    measured: `database unavailable for ${formatHuman(sql.summary.sql.unavailableUs)}`,
    scenario: 'sql-failover.yaml',
    ok: within(sql.summary.sql.unavailableUs, 0, 60 * SEC),
  });
  const alert = first(sql, 'watchdog.alert');
  const sf = fault(sql, 'primary');
  add({
    behaviour: 'Watchdogs assess databases on a cycle',
    documented: 'every 5 min',
    source: 'doc',
    measured: `lost replica seen by the watchdog ${formatHuman(alert ? alert.t - sf.atUs : null)} after the crash`,
    scenario: 'sql-failover.yaml',
    ok: alert !== undefined && alert.t - sf.atUs <= 5 * MIN,
  });

  const rp = run(load, 'rack-power-loss.yaml');
  const power = fault(rp, 'power');
  add({
    behaviour: 'A fault domain (rack) loses power: only its own nodes go down, instances healed elsewhere',
    documented: 'an FD shares a power source and network switch',
    source: 'doc',
    measured: `${rp.summary.eventCounts['node.out-for-repair'] ?? 0} nodes out, service whole again after ${formatHuman(power.ttrUs)}; availability ${rp.summary.roles.map((r) => r.availability.toFixed(4)).join(', ')}`,
    scenario: 'rack-power-loss.yaml',
    ok: rp.summary.roles.every((r) => r.availability === 1),
  });
  return rows;
}

export function validationMarkdown(rows: readonly ValidationRow[], version: string): string {
  const lines = [
    '# Validation: documented behaviour against the model',
    '',
    `Generated by \`npm run validate\` (fabricsim ${version}). Each row runs a bundled scenario made to measure one`,
    'documented behaviour of the platform and sets the documented figure beside what the model produced. Rows marked',
    '*inferred* have no public figure: the default is our choice, stated in `sim/spec/defaults.ts`.',
    '',
    '| Behaviour | Documented | Source | Model | Scenario | Agrees |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.behaviour} | ${r.documented} | ${r.source === 'inferred' ? '*inferred*' : r.source} | ${r.measured} | \`scenarios/${r.scenario}\` | ${r.ok ? 'yes' : '**no**'} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
