/**
 * Isolation between the three VLANs of a cluster: `main` (customer nodes), `fc` (fabric controller) and `device`
 * (switches, power distribution units and other network devices).
 *
 * Who may open a connection to whom (rows: source, columns: destination):
 *
 * |            | main  | fc    | device |
 * |------------|-------|-------|--------|
 * | **main**   | allow | deny  | deny   |
 * | **fc**     | allow | allow | allow  |
 * | **device** | deny  | deny  | allow  |
 *
 * Given by the sources: same VLAN allowed; fc → main allowed; main → fc cannot initiate; main → device blocked.
 * Decided here: fc → device is allowed because the fabric controller manages the devices (for example power-cycling
 * a node that stopped responding); device → fc and device → main are denied: devices answer the controller and
 * never open connections into the cluster.
 *
 * Replies: `VlanFilter` tracks every cross-VLAN flow it allows, so the replies of an fc-initiated flow pass from main
 * or device back to fc, while main or device cannot open a flow of their own towards fc.
 */
import type { Packet } from '../address.js';
import { type Decision, makeDecision } from './decision.js';
import {
  DEFAULT_FLOW_TIMEOUTS,
  FLOW_FORWARD,
  FLOW_NONE,
  FlowTable,
  type FlowTimeouts,
  idleTimeoutFor,
} from './flow-table.js';

export const VLANS = ['main', 'fc', 'device'] as const;
export type Vlan = (typeof VLANS)[number];

function vlanIndex(v: Vlan): number {
  return v === 'main' ? 0 : v === 'fc' ? 1 : 2;
}

const SAME = makeDecision(true, 'vlan:same', 'same VLAN');

/** Row-major 3×3 matrix, index src * 3 + dst, in `VLANS` order. */
const MATRIX: readonly Decision[] = Object.freeze([
  SAME,
  makeDecision(false, 'vlan:main->fc', 'main VLAN cannot open connections to the fabric controller'),
  makeDecision(false, 'vlan:main->device', 'main VLAN is blocked from the device VLAN'),
  makeDecision(true, 'vlan:fc->main', 'fabric controller may open connections to customer nodes'),
  SAME,
  makeDecision(true, 'vlan:fc->device', 'fabric controller may open connections to network devices'),
  makeDecision(false, 'vlan:device->main', 'devices cannot open connections to customer nodes'),
  makeDecision(false, 'vlan:device->fc', 'devices only answer the fabric controller'),
  SAME,
]);

/** Whether a packet from `src` may open a connection to `dst`. Allocation-free. */
export function vlanInitiation(src: Vlan, dst: Vlan): Decision {
  return MATRIX[vlanIndex(src) * 3 + vlanIndex(dst)]!;
}

/** Every decision `vlanInitiation` can return, for tests and traces. */
export const VLAN_DECISIONS: readonly Decision[] = MATRIX;

export const VLAN_FLOW_FORWARD: Decision = makeDecision(true, 'flow:established', 'packet of an allowed flow');
export const VLAN_FLOW_REPLY: Decision = makeDecision(true, 'flow:reply', 'reply on a flow opened from the other VLAN');

/** The inter-VLAN router: the initiation matrix plus tracking of allowed cross-VLAN flows. */
export class VlanFilter {
  readonly flows = new FlowTable();

  constructor(private readonly timeouts: FlowTimeouts = DEFAULT_FLOW_TIMEOUTS) {}

  /**
   * Decides for `p` travelling from a host on `src` to a host on `dst` at `nowUs`. Packets of a tracked flow pass;
   * otherwise the matrix decides and an allowed cross-VLAN packet starts tracking its flow. `p.direction` is ignored.
   */
  process(src: Vlan, dst: Vlan, p: Packet, nowUs: number): Decision {
    if (src === dst) return SAME;
    const m = this.flows.match(p, nowUs);
    if (m !== FLOW_NONE) return m === FLOW_FORWARD ? VLAN_FLOW_FORWARD : VLAN_FLOW_REPLY;
    const d = vlanInitiation(src, dst);
    if (d.allowed) this.flows.open(p, nowUs, idleTimeoutFor(this.timeouts, p.proto));
    return d;
  }
}
