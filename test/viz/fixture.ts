/**
 * A small hand-made timeline for the viewer's tests: one cluster of two racks, four nodes, a web role and a worker
 * role, a role crash and restart, and a node crash followed by service healing. Patches are real immer patches,
 * produced by applying each step's change to the state, so they are exactly what the model would record.
 */
import { enablePatches, produceWithPatches } from 'immer';
import type { InstanceState, NodeState, World } from '../../sim/spec/world.js';
import type { Deadline, MessageInfo, Patch, Timeline, TimelineEvent } from '../../sim/trace/format.js';

enablePatches();

const S = 1_000_000;

export function tinyWorld(name = 'shop'): World {
  const nodes: NodeState[] = [0, 1, 2, 3].map((n) => ({
    id: `c0-r${n >> 1}-n${n & 1}`,
    rack: n >> 1,
    status: 'Ready',
    hostAgentUp: true,
    powered: true,
    instances: [],
    failures: 0,
  }));
  const instances: InstanceState[] = [];
  const add = (role: string, count: number): number[] => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const idx = instances.length;
      const node = idx % 4;
      instances.push({
        id: `${name}.${role}.${i}`,
        service: 0,
        role: `${name}.${role}`,
        ud: i % 2,
        node,
        status: 'Ready',
        vm: 'Running',
        hung: false,
        inRotation: role === 'web',
        crashLoop: false,
        version: 1,
      });
      nodes[node]!.instances.push(idx);
      ids.push(idx);
    }
    return ids;
  };
  const web = add('web', 3);
  const worker = add('worker', 2);
  return {
    clusters: [
      {
        id: 'c0',
        racks: [
          { id: 'c0-r0', fd: 0, nodes: [0, 1], powered: true },
          { id: 'c0-r1', fd: 1, nodes: [2, 3], powered: true },
        ],
        nodes,
        instances,
        fc: {
          replicas: [0, 1, 2].map((r) => ({ id: `c0-fc${r}`, up: true, leader: r === 0, term: 1 })),
          leader: 0,
          term: 1,
        },
      },
    ],
    services: [
      {
        id: name,
        cluster: 0,
        updateDomains: 2,
        roles: [
          { id: `${name}.web`, kind: 'web', instances: web },
          { id: `${name}.worker`, kind: 'worker', instances: worker },
        ],
        upgrade: null,
      },
    ],
    sql: { databases: [{ id: 'db0', replicas: [{ id: 'db0-r0', role: 'primary', up: true }], available: true }] },
    watchdogs: [{ id: 'wd0', up: true }],
  };
}

interface Step {
  t: number;
  k: string;
  s: string;
  c: number;
  x: string;
  r?: string;
  tp?: string;
  m?: MessageInfo;
  d?: Deadline[];
  change?: (w: World) => void;
}

/** Builds a timeline from steps, recording each step's patches. */
export function buildTimeline(initial: World, steps: Step[], durationUs: number): Timeline {
  let state = initial;
  const events: TimelineEvent[] = [];
  for (const step of steps) {
    const { change, ...rest } = step;
    let p: Patch[] | undefined;
    if (change) {
      const [next, patches] = produceWithPatches(state, (d) => {
        change(d as World);
      });
      state = next;
      p = patches as Patch[];
    }
    events.push({ ...rest, ...(p?.length ? { p } : {}) });
  }
  return {
    format: 'fabricsim.timeline',
    version: 1,
    fabricsim: '0.1.0',
    scenario: { name: 'tiny', resolved: {} },
    seed: 1,
    durationUs,
    initial,
    events,
    summary: {
      fabricsim: '0.1.0',
      scenario: 'tiny',
      scenarioHash: '0',
      seed: 1,
      traceHash: 'tiny',
      durationUs,
      events: events.length,
      eventCounts: {},
      defaults: {},
      faultArrivals: [],
      faults: [
        {
          id: 'f1',
          kind: 'role.crash',
          target: 'shop.web.0',
          atUs: 60 * S,
          affected: 1,
          detectedAtUs: 60 * S,
          detectedBy: 'host-agent',
          detections: [{ by: 'host-agent', atUs: 60 * S }],
          recoveredAtUs: 183 * S,
          ttdUs: 0,
          ttrUs: 123 * S,
          event: 0,
        },
      ],
      roles: [],
      faultDomains: [],
      fc: { noQuorumUs: 0, leaderChanges: 0 },
      watchdogs: [],
      sql: { failovers: 0, unavailableUs: 0, blindUs: 0 },
      security: { attempts: 0, allowed: 0, denied: 0, violations: 0, exposureUs: 0, byKind: {}, byIntent: {} },
      expectations: [
        { name: 'recovered c0-r0-n1 within 5m', passed: false, measured: '12m', bound: '5m', atUs: 900 * S },
      ],
    },
    traceHash: 'tiny',
  };
}

/** The tiny timeline: a role crash and restart, then a node crash, detection and service healing. */
export function tinyTimeline(name = 'shop'): Timeline {
  const w = tinyWorld(name);
  const inst = (d: World, i: number) => d.clusters[0]!.instances[i]!;
  const node = (d: World, n: number) => d.clusters[0]!.nodes[n]!;
  const steps: Step[] = [
    {
      t: 60 * S,
      k: 'fault.start',
      s: `${name}.web.0`,
      c: -1,
      x: `fault: role crash on ${name}.web.0`,
      tp: 'role-monitoring',
      change: (d) => {
        inst(d, 0).status = 'Stopped';
      },
    },
    {
      t: 60 * S,
      k: 'detect',
      s: `${name}.web.0`,
      c: 0,
      x: 'the role host sees the process exit',
      r: 'role.restartDelay=1s',
      tp: 'role-monitoring',
      d: [{ t: 61 * S, k: 'instance.restart', s: `${name}.web.0` }],
    },
    {
      t: 61 * S,
      k: 'instance.restart',
      s: `${name}.web.0`,
      c: 1,
      x: 'restarting the role',
      change: (d) => {
        inst(d, 0).status = 'Starting';
      },
    },
    {
      t: 75 * S,
      k: 'msg.probe',
      s: `lb:${name}.web`,
      c: 2,
      x: 'probe missed',
      r: 'lb.probeMisses=2',
      m: { from: `lb:${name}.web`, to: `${name}.web.0`, at: 75 * S + 500, ok: false },
    },
    {
      t: 90 * S,
      k: 'lb.out',
      s: `${name}.web.0`,
      c: 3,
      x: 'taken out of rotation',
      change: (d) => {
        inst(d, 0).inRotation = false;
      },
    },
    {
      t: 181 * S,
      k: 'instance.state',
      s: `${name}.web.0`,
      c: 2,
      x: 'Starting → Ready',
      change: (d) => {
        inst(d, 0).status = 'Ready';
      },
    },
    {
      t: 183 * S,
      k: 'lb.in',
      s: `${name}.web.0`,
      c: 5,
      x: 'back in rotation',
      change: (d) => {
        inst(d, 0).inRotation = true;
      },
    },
    {
      t: 183 * S,
      k: 'recover',
      s: `${name}.web.0`,
      c: 0,
      x: `${name}.web.0 recovered`,
      tp: 'role-monitoring',
    },
    {
      t: 300 * S,
      k: 'fault.start',
      s: 'c0-r0-n1',
      c: -1,
      x: 'fault: node crash on c0-r0-n1',
      tp: 'service-healing',
      change: (d) => {
        node(d, 1).powered = false;
        node(d, 1).hostAgentUp = false;
        inst(d, 1).vm = 'Down';
        inst(d, 1).status = 'Unresponsive';
      },
    },
    {
      t: 315 * S,
      k: 'msg.poll',
      s: 'fc:c0',
      c: 8,
      x: 'poll unanswered',
      m: { from: 'fc:c0', to: 'ha:c0-r0-n1', at: 315 * S + 500, ok: false },
      d: [{ t: 330 * S, k: 'poll.timeout', s: 'c0-r0-n1' }],
    },
    {
      t: 360 * S,
      k: 'node.silent',
      s: 'c0-r0-n1',
      c: 9,
      x: 'four polls missed',
      r: 'fc.missedPolls=4',
      change: (d) => {
        node(d, 1).status = 'Unhealthy';
      },
    },
    { t: 360 * S, k: 'detect', s: 'c0-r0-n1', c: 10, x: 'the FC declares the node silent', tp: 'service-healing' },
    {
      t: 361 * S,
      k: 'healing.start',
      s: `${name}.web.1`,
      c: 11,
      x: 'moving the instance to c0-r1-n0',
      tp: 'service-healing',
      change: (d) => {
        const i = inst(d, 1);
        node(d, 1).instances = node(d, 1).instances.filter((x) => x !== 1);
        node(d, 2).instances.push(1);
        i.node = 2;
        i.status = 'Starting';
        i.vm = 'Running';
      },
    },
    {
      t: 961 * S,
      k: 'healing.done',
      s: `${name}.web.1`,
      c: 12,
      x: 'instance Ready on its new node',
      change: (d) => {
        inst(d, 1).status = 'Ready';
      },
    },
    { t: 961 * S, k: 'recover', s: 'c0-r0-n1', c: 8, x: 'service healed', tp: 'service-healing' },
    {
      t: 1000 * S,
      k: 'node.state',
      s: 'c0-r0-n1',
      c: 10,
      x: 'Unhealthy → OutForRepair',
      change: (d) => {
        node(d, 1).status = 'OutForRepair';
        node(d, 1).failures = 1;
      },
    },
  ];
  const tl = buildTimeline(w, steps, 1200 * S);
  (tl.summary.faults as unknown[]).push({
    id: 'f2',
    kind: 'node.crash',
    target: 'c0-r0-n1',
    atUs: 300 * S,
    affected: 1,
    detectedAtUs: 360 * S,
    detectedBy: 'fc',
    recoveredAtUs: 961 * S,
    ttdUs: 60 * S,
    ttrUs: 661 * S,
    event: 8,
  });
  return tl;
}
