/**
 * Every default timing and threshold of the model, in one place, each with where it comes from.
 *
 * Values are written as duration strings (the same form a scenario file uses) or plain numbers. A scenario overrides
 * any of them under `policies:` with the same key path, e.g. `policies: { fc: { missedPolls: 2 } }`.
 *
 * Source tags: "doc" = documented behaviour of the real platform (public documentation of the system the seed text
 * describes); "3p" = third-party description; "inferred" = no public figure exists, so we chose a value and say so.
 */

export interface DefaultEntry {
  readonly value: string | number | boolean;
  readonly source: 'doc' | '3p' | 'inferred';
  readonly note: string;
}

type Section = Readonly<Record<string, DefaultEntry>>;

type Value = string | number | boolean;
// Generic so that each entry keeps its value's type (a duration string, a count, a flag) for the resolver's types.
const entry =
  (source: DefaultEntry['source']) =>
  <V extends Value>(value: V, note: string) =>
    ({ value, source, note }) as const;
const doc = entry('doc');
const inferred = entry('inferred');
const thirdParty = entry('3p');
void thirdParty;

export const DEFAULTS = {
  fc: {
    pollInterval: inferred('15s', 'FC polls each host agent this often; no public figure.'),
    pollTimeout: inferred('15s', 'a poll whose reply has not arrived by then counts as missed.'),
    missedPolls: inferred(4, 'consecutive missed replies before the FC declares a node silent.'),
    rebootAttempts: inferred(1, 'host reboots the FC tries before it heals the node’s instances elsewhere.'),
    bootWait: doc('900s', 'the FC waits at most 900 s for a rebooting node (DOMAIN §1, node states).'),
    healingTime: doc(
      '10m',
      'time to bring a healed instance up on a new node; service healing is “typically within 15 minutes”.',
    ),
    replicas: inferred(5, 'FC replicas per cluster, majority quorum (by analogy with Service Fabric).'),
    leaseDuration: inferred('30s', 'leader lease, as Service Fabric’s node lease.'),
    leaseRenewInterval: inferred('10s', 'the leader renews its lease this often (a third of the lease).'),
    electionTimeout: inferred('5s', 'a follower that sees the lease expire waits this long before standing.'),
    replicaRestartTime: inferred('5m', 'a crashed FC replica is restarted after this long.'),
  },
  node: {
    rebootTime: doc(
      '7m30s',
      'shortest host reboot; each reboot takes rebootTime + U(0, rebootSpread), drawn per node from a named stream. ' +
        'With detection (about 1 min) and role start (2 min), “the VM is usually back in 10–15 minutes on the same host”.',
    ),
    rebootSpread: doc(
      '3m30s',
      'spread of a host reboot’s length (uniform): with detection and role start the VM is back in about 10.5–14.5 min.',
    ),
    osStartTime: doc('10m', 'OS start takes about 10 minutes (node state reference).'),
    repairTime: inferred('2d', 'a node out for repair comes back after this long.'),
    investigateTime: inferred('7d', 'a node under human investigation comes back after this long.'),
    failuresForInvestigate: inferred(3, 'failures of one node within the window below → HumanInvestigate.'),
    failureWindow: inferred('24h', 'window for counting repeated node failures.'),
    slots: inferred(16, 'role instances (VMs) one node can host.'),
  },
  hostAgent: {
    guestPollInterval: doc('3s', 'guest-agent heartbeat is written every 2–3 s.'),
    guestTimeout: doc('10m', 'the host agent restarts the guest OS after 10 min with no heartbeat response.'),
    vmRebootTime: inferred('5m', 'time for a guest VM to reboot and its agent to answer again.'),
  },
  role: {
    startTime: doc('2m', 'role start takes 0–15 minutes; we start roles in 2 minutes by default.'),
    restartDelay: inferred('1s', 'first restart after a crash waits this long (crash-loop back-off start).'),
    backoffMax: inferred('5m', 'restart back-off doubles up to this bound.'),
    crashLoopCrashes: inferred(5, 'crashes within the window below mark the instance as crash-looping.'),
    crashLoopWindow: inferred('15m', 'window for counting crashes of one instance.'),
    upgradeWait: doc('30m', 'the FC waits up to 30 minutes per instance to reach Started during an upgrade.'),
  },
  loadBalancer: {
    probeInterval: doc('15s', 'custom probe interval 15 s (minimum 5 s).'),
    probeTimeout: doc(
      '31s',
      'an instance that has not answered a probe for 31 s since its last good reply is taken out of rotation; ' +
        'the interval is slightly less than half the timeout, so two full probes fit in it.',
    ),
  },
  sql: {
    databases: inferred(1, 'databases in the SQL Database cluster (0 leaves the SQL cluster out).'),
    replicas: doc(3, 'each partition has at least three replicas.'),
    failoverTime: doc('30s', 'most reconfigurations finish in under 60 s.'),
    replicaRebuildTime: inferred('10m', 'a lost secondary is rebuilt on another node in this time.'),
    firewallDelay: doc('5m', 'firewall rule changes take up to five minutes to apply.'),
  },
  watchdog: {
    count: inferred(1, 'watchdogs (custom monitoring agents) watching the SQL Database cluster.'),
    interval: doc('5m', 'databases are assessed every 5 minutes.'),
    restartTime: inferred('15m', 'a crashed watchdog is noticed and restarted after this long.'),
  },
  network: {
    latency: inferred('500us', 'one-way latency inside a data centre.'),
    internetLatency: inferred('20ms', 'one-way latency to and from the internet or the corporate network.'),
    elideRoutine: inferred(true, 'skip simulating successful periodic polls on healthy links; proven equivalent.'),
  },
  randomFaults: {
    nodeHardwareEvery: inferred('9131d', 'node hardware faults: 4 % of nodes a year → mean 25 years per node.'),
    vmCrashEvery: inferred('30d', 'VM crashes: once per instance-month.'),
    roleCrashEvery: inferred('30d', 'role crashes: once per instance-month.'),
  },
  deployment: {
    updateDomains: doc(5, 'default update domains per service (maximum 20).'),
    maxUpdateDomains: doc(20, 'maximum update domains.'),
  },
} as const satisfies Record<string, Section>;

export type Defaults = typeof DEFAULTS;
