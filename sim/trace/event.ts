/** One event of a timeline, as the recorder makes it and every version of the file holds it (docs/timeline.md). */

/** An immer patch (JSON-Patch-like, with array paths). */
export interface Patch {
  readonly op: 'replace' | 'add' | 'remove';
  readonly path: readonly (string | number)[];
  readonly value?: unknown;
}

/** A message shown in flight by the viewer. Routine successful polls on healthy links are not recorded. */
export interface MessageInfo {
  /** Sending actor, e.g. "fc:c0", "ha:c0-r1-n3", "lb:shop.web", "internet:203.0.113.9". */
  readonly from: string;
  readonly to: string;
  /** Arrival time in µs (equal to `t` for a message dropped at once). */
  readonly at: number;
  /** Delivered (true) or dropped / denied (false). */
  readonly ok: boolean;
}

/** A deadline armed by an event (a timeout, a scheduled retry), shown ahead of the playhead. */
export interface Deadline {
  readonly t: number;
  readonly k: string;
  readonly s: string;
}

export interface TimelineEvent {
  /** Simulated time, µs since the start of the run. */
  readonly t: number;
  /** Kind, e.g. "fault.start", "node.silent", "instance.state", "msg.poll". */
  readonly k: string;
  /** Subject: the id of the entity or actor the event is about. */
  readonly s: string;
  /** Cause: id (index) of the event that led to this one, -1 for none. */
  readonly c: number;
  /** The rule or policy that decided it, where one did (e.g. "fc.missedPolls=4", "nsg:65500:DenyAllInBound"). */
  readonly r?: string;
  /** Topic: the part of the seed document this event illustrates (see TOPICS). */
  readonly tp?: string;
  /**
   * Intent of a scripted security attempt (`traffic.*` events): why it was made — "user", "attack", "admin",
   * "service" or "pipeline". Absent on every other event. Not part of the trace hash.
   */
  readonly i?: string;
  /** A short human-readable text. Not part of the trace hash. */
  readonly x: string;
  /** Patches to the world state made by this event. */
  readonly p?: readonly Patch[];
  readonly m?: MessageInfo;
  readonly d?: readonly Deadline[];
}
