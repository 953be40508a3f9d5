/** Messages between the page and the run worker. */
import type { Timeline } from '../../../sim/trace/index.js';
import type { PackedTimeline } from '../loader/protocol.js';

/** A change that turns a run into a "what if" branch. */
export type ForkChange =
  | {
      readonly type: 'fault';
      /** A fault kind of the scenario format, e.g. "node.crash". */
      readonly kind: string;
      /** The target id (node, instance, rack, replica, watchdog). */
      readonly target: string;
      /** When the fault starts, µs. */
      readonly atUs: number;
    }
  | {
      readonly type: 'policy';
      /** Section and key of the resolved policies, e.g. "fc" and "missedPolls". */
      readonly section: string;
      readonly key: string;
      readonly value: number | boolean;
    }
  | {
      /** A pluggable policy replaced by a built-in (docs/policies.md), e.g. the detector by "phi-accrual". */
      readonly type: 'choice';
      readonly point: 'detector' | 'placement' | 'upgradeWalk';
      readonly use: string;
    }
  | {
      readonly type: 'rule';
      /** When the changed rule takes effect (a misconfiguration scripted at this time, never reverted), µs. */
      readonly atUs: number;
      /** The security rule that decided the attempt, as events name it ("lb:no-endpoint", "nsg:…", "default:…"). */
      readonly rule: string;
      /** What the changed rule does to such attempts from then on. */
      readonly action: 'allow' | 'deny';
      /** The attempt: source and destination as its message names them ("internet:203.0.113.9", "ga:shop.web.0"). */
      readonly from: string;
      /** The target as the attempt named it (a role, an instance, a node, "fc:c0"…). */
      readonly to: string;
      readonly port: number;
      readonly protocol: 'tcp' | 'udp';
    };

export type RunRequest = {
  readonly id: number;
  readonly seed?: number;
  /** Changes applied in order before running (a branch of a branch carries its parent's changes too). */
  readonly changes: readonly ForkChange[];
} & (
  | {
      readonly source: 'text';
      readonly text: string;
      readonly fileName: string;
      /** Other scenario files, by file name, for `extends`. */
      readonly library: Readonly<Record<string, string>>;
    }
  | {
      readonly source: 'resolved';
      /** A timeline's `scenario` (the resolved scenario it ran). */
      readonly scenario: Timeline['scenario'];
      readonly defaultSeed: number;
    }
);

export type RunResponse =
  | { readonly id: number; readonly type: 'progress'; readonly fraction: number }
  | { readonly id: number; readonly type: 'done'; readonly packed: PackedTimeline; readonly elapsedMs: number }
  | { readonly id: number; readonly type: 'error'; readonly message: string };
