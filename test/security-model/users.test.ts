/**
 * What users reach: served availability weighted by the share of users the rules let through, the alert rule on
 * users' refused requests that detects such a misconfiguration, attempts counted by intent, and attempts through a
 * shared VIP naming the role, endpoint and instance they reached.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/index.js';
import { scenarioFile, scenarioText, shop } from './helpers.js';

const S = 1_000_000;
const MIN = 60 * S;

/** A 1 h shop with a misconfiguration from 20 m to 40 m, and optional user traffic. */
function misconfigured(change: string, traffic = '', extra = '') {
  return shop(
    `
${extra}
  traffic:
${traffic}
    - id: shut
      at: 20m
      kind: misconfigure
      duration: 20m
      change: ${change}
`,
  );
}

const denyNsg = (source: string, destination = 'shop.web') =>
  `{ nsg: [{ name: deny-users, priority: 100, direction: inbound, access: deny, protocol: tcp, source: "${source}", sourcePorts: "*", destination: ${destination}, destinationPorts: 80 }] }`;

const visits =
  '    - { id: visits, at: 1m, every: 30s, sources: 200, kind: connect, from: internet, to: shop.web, port: 80 }';

function role(summary: ReturnType<typeof runScenario>['summary'], id: string) {
  return summary.roles.find((r) => r.id === id)!;
}

describe("served availability is users' reach", () => {
  it('drops by the whole window when every user is refused, while every instance stays Ready and in rotation', () => {
    const { summary } = runScenario(misconfigured(denyNsg('Internet')), { record: false });
    const web = role(summary, 'shop.web');
    expect(web.availability).toBe(1);
    expect(web.readyFraction).toBe(1);
    expect(web.servedAvailability).toBeCloseTo(1 - 20 / 60, 12);
    // Workers have no users behind a VIP: served is running availability.
    expect(role(summary, 'shop.worker').servedAvailability).toBe(1);
  });

  it('weights the window by the share of users refused: half the internet range refused halves it', () => {
    const { summary } = runScenario(misconfigured(denyNsg('203.0.113.0/25')), { record: false });
    expect(role(summary, 'shop.web').servedAvailability).toBeCloseTo(1 - 0.5 * (20 / 60), 12);
  });

  it('counts an endpoint ACL the same way, exactly, for a range cut at an odd bound', () => {
    // Permit 203.0.113.0/26 only: a quarter of the users reach the role.
    const acl =
      '{ endpointAcls: { shop.web: { http: [{ order: 100, action: permit, remoteSubnet: 203.0.113.0/26 }] } } }';
    const { summary } = runScenario(misconfigured(acl), { record: false });
    expect(role(summary, 'shop.web').servedAvailability).toBeCloseTo(1 - 0.75 * (20 / 60), 12);
  });

  it('counts an NSG rule that shuts users out of one instance by that instance’s share of the rotation', () => {
    const { summary } = runScenario(misconfigured(denyNsg('Internet', 'shop.web.0')), { record: false });
    // Two web instances in rotation, one unreachable: half the requests fail.
    expect(role(summary, 'shop.web').servedAvailability).toBeCloseTo(1 - 0.5 * (20 / 60), 12);
  });

  it('follows security.users: a rule refusing a range nobody uses changes nothing', () => {
    const users = '  users: [corpnet]';
    const { summary } = runScenario(misconfigured(denyNsg('203.0.113.0/24'), '', users), { record: false });
    expect(role(summary, 'shop.web').servedAvailability).toBe(1);
    const both = runScenario(misconfigured(denyNsg('203.0.113.0/24'), '', '  users: [internet, corpnet]'), {
      record: false,
    }).summary;
    // Each entry counts equally: one of two refused for 20 of 60 minutes.
    expect(role(both, 'shop.web').servedAvailability).toBeCloseTo(1 - 0.5 * (20 / 60), 12);
  });

  it('is 1 when the configuration is correct, and the misconfiguration’s fault counts the instances it cut off', () => {
    const { summary } = runScenario(misconfigured(denyNsg('Internet')), { record: false });
    const f = summary.faults.find((x) => x.id === 'shut')!;
    expect(f.affected).toBe(2);
    expect(f.recoveredAtUs).toBe(40 * MIN);
    const plain = runScenario(shop(`  traffic:\n${visits}`), { record: false }).summary;
    expect(role(plain, 'shop.web').servedAvailability).toBe(1);
  });
});

describe("the alert rule on users' refused requests", () => {
  it('detects nothing when no user sends a request: nothing in the model notices', () => {
    const { summary } = runScenario(misconfigured(denyNsg('Internet')), { record: false });
    const f = summary.faults.find((x) => x.id === 'shut')!;
    expect(f.detectedAtUs).toBeNull();
  });

  it('detects the misconfiguration at the third refused request within the window, by monitoring', () => {
    const { summary, timeline } = runScenario(misconfigured(denyNsg('Internet'), visits));
    const f = summary.faults.find((x) => x.id === 'shut')!;
    expect(f.detectedBy).toBe('monitoring');
    const events = timeline!.events;
    const refused = events.filter((e) => e.k === 'traffic.connect' && e.m?.ok === false && e.t >= 20 * MIN);
    expect(f.detectedAtUs).toBe(refused[2]!.t);
    const alert = events.find((e) => e.k === 'monitor.alert')!;
    expect(alert.t).toBe(f.detectedAtUs);
    expect(alert.s).toBe('shop.web');
    expect(events[alert.c]!.k).toBe('traffic.connect');
    // It clears once the window holds no refused request again, after the revert.
    const clear = events.find((e) => e.k === 'monitor.clear')!;
    expect(clear.t).toBeGreaterThan(40 * MIN);
    expect(clear.t).toBeLessThanOrEqual(40 * MIN + 5 * MIN + 30 * S);
  });

  it('waits for the configured share and count of refusals', () => {
    const strict = '  monitoring: { window: 10m, refused: 8, share: 0.9 }';
    const { summary } = runScenario(misconfigured(denyNsg('Internet'), visits, strict), { record: false });
    const f = summary.faults.find((x) => x.id === 'shut')!;
    // Requests every 30 s from 1 m: the 8th refused one after 20 m is at 23m30s, when 8 of the 20 in the window
    // were refused (40 %, below 90 %); 18 of the 20 in (18m30s, 28m30s] are refused only at 28m30s.
    expect(f.detectedAtUs).toBe(28 * MIN + 30 * S);
  });

  it('does not detect a misconfiguration that shuts nobody out', () => {
    const sc = misconfigured('{ openPorts: [{ role: shop.worker, port: 8080 }] }', visits);
    const { summary, timeline } = runScenario(sc);
    expect(summary.faults.find((x) => x.id === 'shut')!.detectedAtUs).toBeNull();
    expect(timeline!.events.some((e) => e.k === 'monitor.alert')).toBe(false);
  });
});

describe('attempts by intent', () => {
  it('counts users’ visits apart from attacks and administrators’ actions', () => {
    const sc = shop(`
  traffic:
${visits}
    - { at: 2m, every: 5m, count: 4, kind: connect, from: internet, to: shop.web, port: 22 }
    - { at: 3m, kind: connect, from: corpnet, to: "management:c0", port: 19000 }
    - { at: 3m, kind: connect, from: shop.web.0, to: shop.worker.0, port: 9000 }
    - { at: 4m, kind: connect, from: internet, to: shop.web, port: 22, intent: user }
`);
    const s = runScenario(sc, { record: false }).summary.security;
    expect(Object.keys(s.byIntent)).toEqual(['admin', 'attack', 'service', 'user']);
    expect(s.byIntent.attack).toEqual({ attempts: 4, allowed: 0, denied: 4, violations: 0 });
    expect(s.byIntent.admin).toEqual({ attempts: 1, allowed: 1, denied: 0, violations: 0 });
    expect(s.byIntent.service).toEqual({ attempts: 1, allowed: 1, denied: 0, violations: 0 });
    expect(s.byIntent.user!.attempts).toBe(s.byKind.connect!.attempts - 6);
    expect(s.byIntent.user!.denied).toBe(1);
    const sum = Object.values(s.byIntent).reduce((a, t) => a + t.attempts, 0);
    expect(sum).toBe(s.attempts);
  });

  it('records every attempt as traffic.<kind> with its intent on the event, and only attacks are called attacks', () => {
    const sc = shop(`
  traffic:
${visits}
    - { at: 2m, every: 5m, count: 4, kind: connect, from: internet, to: shop.web, port: 22 }
    - { at: 3m, kind: connect, from: corpnet, to: "management:c0", port: 19000 }
    - { at: 4m, kind: connect, from: internet, to: shop.web, port: 22, intent: user }
`);
    const { summary, timeline } = runScenario(sc);
    const events = timeline!.events;
    expect(events.some((e) => e.k.startsWith('attack.'))).toBe(false);
    const attempts = events.filter((e) => e.k === 'traffic.connect');
    expect(attempts.length).toBe(summary.security.attempts);
    const byIntent = new Map<string, number>();
    for (const e of attempts) byIntent.set(e.i!, (byIntent.get(e.i!) ?? 0) + 1);
    for (const [intent, t] of Object.entries(summary.security.byIntent)) expect(byIntent.get(intent)).toBe(t.attempts);
    expect(byIntent.get('attack')).toBe(4);
    expect(byIntent.get('admin')).toBe(1);
    for (const e of attempts) expect(/\battack\b/.test(e.x)).toBe(e.i === 'attack');
    // Events that are not scripted attempts carry no intent.
    expect(events.filter((e) => !e.k.startsWith('traffic.')).every((e) => e.i === undefined)).toBe(true);
  });

  it('gives a violation the intent of the attempt that caused it', () => {
    const { timeline } = runScenario(scenarioFile('security-sql-auth.yaml'));
    const events = timeline!.events;
    const v = events.filter((e) => e.k.startsWith('traffic.') && e.k.endsWith('.violation'));
    expect(v.length).toBeGreaterThan(0);
    for (const e of v) expect(e.i).toBe(events[e.c]!.i);
    expect(v.some((e) => e.i === 'attack')).toBe(true);
  });

  it('names SQL guessing an attack and a SQL client a user', () => {
    const s = runScenario(scenarioFile('security-sql-auth.yaml'), { record: false }).summary.security;
    const kinds = s.byKind;
    expect(s.byIntent.attack!.attempts).toBe(kinds['sql-brute-force']!.attempts + kinds['sql-spray']!.attempts);
    expect(s.byIntent.attack!.violations).toBe(1);
    expect(s.byIntent.user!.attempts).toBe(kinds['sql-login']!.attempts);
    expect(s.byIntent.admin!.attempts).toBe(kinds['sql-create-login']!.attempts);
  });
});

describe('what a connection through a shared VIP reached', () => {
  it('names the role, endpoint and instance in the event, and `reached:` fails when it is another role', () => {
    const sc = shop(
      `
  traffic:
    - { at: 1m, every: 1m, count: 3, kind: connect, from: internet, to: shop.worker, port: 80 }
`,
      `expect:
  - allowed: { from: internet, to: shop.worker, port: 80, reached: "shop.worker*" }
  - allowed: { from: internet, to: shop.worker, port: 80, reached: shop.web }
  - allowed: { from: internet, to: shop.worker, port: 80 }`,
    );
    const { summary, timeline } = runScenario(sc);
    const e = timeline!.events.find((x) => x.k === 'traffic.connect')!;
    expect(e.s).toMatch(/^shop\.web\.\d$/);
    expect(e.x).toContain('role shop.web, endpoint http');
    expect(e.x).toContain('not shop.worker: port 80 of the VIP belongs to shop.web');
    const [wrong, right, plain] = summary.expectations;
    expect(wrong!.passed).toBe(false);
    expect(wrong!.measured).toBe('0 of 3 denied; admitted ones reached shop.web/http ×3; 3 reached something else');
    expect(wrong!.atUs).toBe(MIN);
    expect(right!.passed).toBe(true);
    expect(plain!.passed).toBe(true);
    expect(plain!.measured).toBe('0 of 3 denied; admitted ones reached shop.web/http ×3');
  });

  it('lets `reached:` single out the instance the balancer picked', () => {
    const sc = shop(
      `
  traffic:
    - { at: 1m, every: 1m, count: 4, kind: connect, from: internet, to: shop.web, port: 80 }
`,
      `expect:
  - allowed: { from: internet, to: shop.web, reached: shop.web.1 }`,
    );
    const r = runScenario(sc, { record: false }).summary.expectations[0]!;
    // Round robin over two instances: two of the four went to shop.web.0.
    expect(r.passed).toBe(false);
    expect(r.measured).toContain('2 reached something else');
  });
});

describe('instance input endpoints', () => {
  const withRdp = (traffic: string, extra = '') =>
    scenarioText(`
version: 1
seed: 7
duration: 1h
topology:
  clusters:
    - { id: c0, racks: 2, nodesPerRack: 2 }
services:
  - id: shop
    roles:
      - id: web
        kind: web
        instances: 3
        inputEndpoints: [{ name: http, port: 80 }]
        instanceInputEndpoints: [{ name: rdp, localPort: 3389, publicPort: 10000 }]
${extra}
security:
  traffic:
${traffic}
`);

  it('delivers VIP port publicPort + k to instance k on the local port, whatever the rotation', () => {
    const sc = withRdp(`
    - { at: 1m, every: 1m, count: 3, kind: connect, from: corpnet, to: shop.web, port: 10002 }
    - { at: 1m, kind: connect, from: corpnet, to: shop.web, port: 10003 }`);
    const { summary, timeline } = runScenario(sc);
    const attempts = timeline!.events.filter((e) => e.k === 'traffic.connect');
    const own = attempts.filter((e) => e.x.includes('tcp/10002'));
    expect(own.map((e) => e.s)).toEqual(['shop.web.2', 'shop.web.2', 'shop.web.2']);
    expect(own[0]!.r).toBe('host:endpoint-in:tcp:3389');
    expect(own[0]!.x).toContain('delivered to shop.web.2, role shop.web, endpoint rdp (port 3389)');
    // Port 10003 would be a fourth instance: nothing listens there.
    const beyond = attempts.find((e) => e.x.includes('tcp/10003'))!;
    expect(beyond.r).toBe('lb:no-endpoint');
    expect(summary.security.violations).toBe(0);
  });

  it('refuses when the instance it names is down', () => {
    const sc = withRdp(
      '    - { at: 10m, kind: connect, from: corpnet, to: shop.web, port: 10001 }',
      'faults:\n  - { id: vm, at: 9m, kind: vm.crash, target: shop.web.1 }',
    );
    const e = runScenario(sc).timeline!.events.find((x) => x.k === 'traffic.connect')!;
    expect(e.r).toBe('lb:instance-down');
  });

  it('refuses public ports that run past 65535 or collide with another endpoint of the VIP', () => {
    expect(() =>
      scenarioText(`
version: 1
duration: 1h
topology: { clusters: [{ id: c0, racks: 1, nodesPerRack: 2 }] }
services:
  - id: shop
    roles:
      - { id: web, kind: web, instances: 3, instanceInputEndpoints: [{ localPort: 3389, publicPort: 65534 }] }
`),
    ).toThrow(/3 instances need ports up to 65536, past 65535/);
    expect(() =>
      scenarioText(`
version: 1
duration: 1h
topology: { clusters: [{ id: c0, racks: 1, nodesPerRack: 2 }] }
services:
  - id: shop
    roles:
      - { id: web, kind: web, instances: 3, instanceInputEndpoints: [{ localPort: 3389, publicPort: 79 }] }
`),
    ).toThrow(/VIP port 80 is also web input endpoint/);
  });
});
