/**
 * Fault bookkeeping: which faults are open, what each one watches, when it was first detected and when it recovered.
 *
 * Definitions (the same in the summary, the sweeps and the viewer):
 * - detection: the first component that notices the fault (FC, host agent, guest agent, load balancer, watchdog…);
 * - recovery: the first moment after the fault at which every watched entity is well again (every affected instance
 *   healthy, every affected node settled, and the fault's own condition met); a fault never recovered within the run
 *   stays `recoveredAtUs: null` — reported as "not recovered", never dropped and never counted as zero.
 * Overlapping faults on the same instances are measured independently, each from its own start.
 *
 * Each open fault keeps a count of watched entities that are not well, updated when an entity's flag flips, so a
 * fault watching 10,000 instances costs nothing per event until its count reaches zero.
 */
import type { Detector, FaultResult } from '../metrics/index.js';

export interface OpenFault {
  readonly result: FaultResult;
  /** Watched entity keys (see FaultBook.key*). */
  readonly keys: readonly number[];
  /** Watched entities not well right now. */
  bad: number;
  /** The fault's own condition (e.g. the partition has ended, the replica is back). */
  condition: () => boolean;
  open: boolean;
}

/** Entity keys: instances are their global index, nodes are offset, other entities further up. */
const NODE_BASE = 1 << 26;
const OTHER_BASE = 1 << 27;

export class FaultBook {
  readonly results: FaultResult[] = [];
  private readonly watchers = new Map<number, OpenFault[]>();
  private readonly others = new Map<string, number>();
  openCount = 0;

  static keyInstance(gi: number): number {
    return gi;
  }
  static keyNode(gn: number): number {
    return NODE_BASE + gn;
  }
  keyOther(name: string): number {
    let k = this.others.get(name);
    if (k === undefined) {
      k = OTHER_BASE + this.others.size;
      this.others.set(name, k);
    }
    return k;
  }

  open(result: FaultResult, keys: number[], isWell: (key: number) => boolean, condition: () => boolean): OpenFault {
    const f: OpenFault = { result, keys, bad: 0, condition, open: true };
    for (const k of keys) {
      if (!isWell(k)) f.bad++;
      const list = this.watchers.get(k);
      // A new list holds its one fault at its length (an empty array's first push reserves 17 slots); most entities
      // are watched by one open fault at a time.
      if (!list) this.watchers.set(k, [f]);
      else list.push(f);
    }
    this.results.push(result);
    this.openCount++;
    return f;
  }

  /** Faults watching `key` that are still open. */
  watching(key: number): readonly OpenFault[] {
    return this.watchers.get(key) ?? EMPTY;
  }

  /**
   * Marks the open faults watching `key` detected by `by` at `now`: each detector's first time is kept; the first
   * detection of all sets detectedAtUs/detectedBy and is returned (for its event).
   */
  detect(key: number, by: Detector, now: number): readonly OpenFault[] {
    let out: OpenFault[] | null = null; // made only when a fault is detected: most calls find none
    for (const f of this.watching(key)) {
      const dets = f.result.detections;
      if (f.open && now >= f.result.atUs && !dets.some((d) => d.by === by)) {
        // A new array of exactly the right length: a push would give each of the year's millions of kept results a
        // backing store of 17 slots for its one to three detections.
        (f.result as { detections: FaultResult['detections'] }).detections =
          dets.length === 0 ? [{ by, atUs: now }] : dets.concat({ by, atUs: now });
      }
      if (f.open && f.result.detectedAtUs === null && now >= f.result.atUs) {
        f.result.detectedAtUs = now;
        f.result.detectedBy = by;
        f.result.ttdUs = now - f.result.atUs;
        (out ??= []).push(f);
      }
    }
    return out ?? EMPTY;
  }

  /** The well-flag of `key` flipped; returns faults whose every watched entity is now well. */
  flip(key: number, nowWell: boolean): OpenFault[] {
    const list = this.watchers.get(key);
    if (!list) return EMPTY_MUT;
    let ready: OpenFault[] | null = null;
    for (const f of list) {
      if (!f.open) continue;
      f.bad += nowWell ? -1 : 1;
      if (f.bad === 0) (ready ??= []).push(f);
    }
    return ready ?? EMPTY_MUT;
  }

  close(f: OpenFault, now: number): void {
    f.open = false;
    f.result.recoveredAtUs = now;
    f.result.ttrUs = now - f.result.atUs;
    this.openCount--;
    for (const k of f.keys) {
      const list = this.watchers.get(k);
      if (!list) continue;
      const rest = list.filter((g) => g !== f);
      if (rest.length === 0) this.watchers.delete(k);
      else this.watchers.set(k, rest);
    }
  }
}

const EMPTY: readonly OpenFault[] = [];
const EMPTY_MUT: OpenFault[] = [];
