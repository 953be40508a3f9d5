/**
 * OS images per role (issue 11), and the oracle that checks them. The FC chooses the image a VM runs by the role it
 * hosts (the scenario's `images:`), and every node runs the host image. The choice is made at deployment, when
 * service healing provisions a VM elsewhere, and when the FC reimages a crash-looping instance; an OS upgrade
 * registers a new image for the service's roles at the upgrade's version and moves each instance onto it as its
 * update domain is walked (a rollback moves it back). The chosen image follows the instance's version, so during a
 * walk both the old and the new image are right for their own instances.
 *
 * The oracle: an entity (an instance's VM while it is placed, or a node) running an image other than the chosen one
 * is a violation. Each stretch of time spent so is counted once (`violations`) and its length summed (`wrongUs`); a
 * stretch still open at the end of the run counts up to the end. Only built when the scenario names images.
 */
import type { ImagesSummary } from '../metrics/index.js';
import type { InstanceState, NodeState, ResolvedImages } from '../spec/index.js';

export class ImageBook {
  /** Per role id: [version, image] pairs in ascending version order; the first is the deployment's. */
  private readonly byRole = new Map<string, [number, string][]>();
  private readonly instWrongSince: Float64Array;
  private readonly nodeWrongSince: Float64Array;
  violations = 0;
  wrongUs = 0;

  constructor(
    private readonly images: ResolvedImages,
    instances: number,
    nodes: number,
  ) {
    for (const [role, image] of Object.entries(images.roles)) this.byRole.set(role, [[1, image]]);
    this.instWrongSince = new Float64Array(instances).fill(-1);
    this.nodeWrongSince = new Float64Array(nodes).fill(-1);
  }

  get host(): string {
    return this.images.host;
  }

  /** The image the FC chooses for an instance of `role` running `version` (the latest registered at or below it). */
  chosen(role: string, version: number): string {
    const list = this.byRole.get(role)!;
    for (let i = list.length - 1; i > 0; i--) if (list[i]![0] <= version) return list[i]![1];
    return list[0]![1];
  }

  /** An OS upgrade to `toVersion`: `role`'s image at that version is `image`, or the old one's name + "+<id>". */
  upgrade(role: string, toVersion: number, image: string | undefined, upgradeId: string): string {
    const next = image ?? `${this.chosen(role, toVersion - 1)}+${upgradeId}`;
    const list = this.byRole.get(role)!;
    while (list.length > 1 && list[list.length - 1]![0] >= toVersion) list.pop();
    list.push([toVersion, next]);
    return next;
  }

  /** Whether the instance's VM runs another image than its role's (never while it has no VM). */
  wrongInstance(i: InstanceState): boolean {
    return i.node >= 0 && i.image !== undefined && i.image !== this.chosen(i.role, i.version);
  }

  wrongNode(n: NodeState): boolean {
    return n.image !== this.images.host;
  }

  /** Instance `gi` changed at `now`; returns true when it has just come back to the right image. */
  touchInstance(gi: number, i: InstanceState, now: number): boolean {
    return this.flip(this.instWrongSince, gi, this.wrongInstance(i), now);
  }

  touchNode(gn: number, n: NodeState, now: number): boolean {
    return this.flip(this.nodeWrongSince, gn, this.wrongNode(n), now);
  }

  private flip(since: Float64Array, x: number, wrong: boolean, now: number): boolean {
    const was = since[x]! >= 0;
    if (wrong === was) return false;
    if (wrong) {
      since[x] = now;
      this.violations++;
      return false;
    }
    this.wrongUs += now - since[x]!;
    since[x] = -1;
    return true;
  }

  /** The oracle's figures at `endUs` (stretches still open count up to it) and what each entity runs. */
  summary(endUs: number, instances: readonly InstanceState[], nodes: readonly NodeState[]): ImagesSummary {
    let wrongUs = this.wrongUs;
    for (const s of this.instWrongSince) if (s >= 0) wrongUs += endUs - s;
    for (const s of this.nodeWrongSince) if (s >= 0) wrongUs += endUs - s;
    const inst: Record<string, string | null> = {};
    for (const i of instances) inst[i.id] = i.node >= 0 ? (i.image ?? null) : null;
    const node: Record<string, string | null> = {};
    for (const n of nodes) node[n.id] = n.image ?? null;
    return { violations: this.violations, wrongUs, instances: inst, nodes: node };
  }
}
