/**
 * Records what happens in a run: every recorded event feeds the running trace hash, and, when recording is on, is
 * kept for the timeline. The hash covers a canonical encoding of (time, kind, subject, cause, rule, patches, message)
 * — never the human text — so rewording a message is not a behaviour change, and switching recording off changes
 * neither the hash nor any metric.
 *
 * Streaming (`streamTo`): events go to a sink instead of piling up in `events`, so a long recording is never held in
 * memory. The model may still amend the event it recorded last (it adds the deadline a restart arms), so the last
 * event stays in `events` until the next one arrives or `flush()` is called.
 */
import { TraceHash, writeDecimal } from '../engine/index.js';
import type { Deadline, MessageInfo, Patch, TimelineEvent } from './format.js';

// Separators of the hashed line, as bytes.
const BAR = 0x7c;
const GT = 0x3e;
const AT = 0x40;
const PLUS = 0x2b;
const MINUS = 0x2d;
const NEWLINE = 0x0a;

/**
 * One (kind, subject, from, to, topic) of message events, with the fixed bytes of its hashed line: `|${k}|${s}|`
 * (after the time) and `||` + `|${from}>${to}@` (after the cause), as UTF-8 at [a, b) and [b, c) of its recorder's
 * fragment pool. Made by `Recorder.messageLine`, for `emitLine`; a caller sending the same message many times (a
 * failed poll of one target) keeps it.
 */
export interface MessageLine {
  readonly k: string;
  readonly s: string;
  readonly from: string;
  readonly to: string;
  readonly tp: string;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** The recorder whose pool holds the bytes. */
  readonly owner: Recorder;
  /** Index of `k` in the recorder's tallies of line kinds (emitLine counts there, not in the map of kinds). */
  readonly tally: number;
}

const utf8 = new TextEncoder();

// The fixed bytes of a `replace` patch in JSON (emitFieldReplaces): `{"op":"replace","path":[` … `],"value":` … `}`.
const REPLACE_HEAD = utf8.encode('{"op":"replace","path":[');
const REPLACE_VALUE = utf8.encode('],"value":');
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

export interface EventExtras {
  readonly r?: string | undefined;
  readonly tp?: string | undefined;
  /** Intent of a scripted attempt (not hashed, like the topic). */
  readonly i?: string | undefined;
  readonly m?: MessageInfo | undefined;
  readonly d?: readonly Deadline[] | undefined;
}

export class Recorder {
  /** The recorded events, or null when recording is off. */
  readonly events: TimelineEvent[] | null;
  /** Count of recorded events; the next event's id. */
  count = 0;
  /** Events per kind, but for those recorded through emitLine (lineTally); countsByKind gives them all. */
  private readonly counts = new Map<string, number>();
  /** The kinds of the message lines made (messageLine), and the events emitLine recorded of each. */
  private readonly lineKinds: string[] = [];
  private readonly lineTally: number[] = [];
  private readonly hash = new TraceHash();
  private sink: ((e: TimelineEvent) => void) | null = null;
  /** The fixed bytes of every message line made (messageLine), in its first `poolUsed` bytes. */
  private pool = new Uint8Array(1 << 16);
  private poolUsed = 0;
  /** Scratch: the decimal digits of an event's time. */
  private readonly digits = new Uint8Array(16);

  constructor(record: boolean) {
    this.events = record ? [] : null;
  }

  /**
   * Sends recorded events to `sink` from now on, in order, each once it can no longer change: the events kept so far
   * except the last go now, and `events` holds only the latest one. Recording must be on.
   */
  streamTo(sink: (e: TimelineEvent) => void): void {
    const events = this.events;
    if (events === null) throw new Error('Recorder.streamTo: recording is off');
    for (let i = 0; i < events.length - 1; i++) sink(events[i]!);
    if (events.length > 1) events.splice(0, events.length - 1);
    this.sink = sink;
  }

  /** Sends the event still held back (the latest) to the sink. Call once, when the run is over. */
  flush(): void {
    if (this.sink === null || this.events === null) return;
    for (const e of this.events) this.sink(e);
    this.events.length = 0;
  }

  /** Whether events are kept (recording on); when false, `emit` only hashes and counts. */
  get recording(): boolean {
    return this.events !== null;
  }

  /**
   * Records one event and returns its id. `text` is built lazily by the caller only when recording is on
   * (pass a function) or given directly.
   */
  emit(
    t: number,
    k: string,
    s: string,
    c: number,
    text: string | (() => string),
    patches: readonly Patch[] | undefined,
    extras?: EventExtras,
  ): number {
    const id = this.count++;
    this.countKind(k);
    this.hashLine(t, k, s, c, extras?.r ?? '', patches);
    const m = extras?.m;
    if (m !== undefined) this.hashMessage(m.from, m.to, m.at, m.ok);
    this.hash.byte(NEWLINE);
    if (this.events !== null) this.keepEvent(t, k, s, c, text, patches, extras);
    return id;
  }

  /**
   * `emit` for the patches `{ op: 'replace', path: [...prefix, keys[i]], value: values[i] }`, i < n (as the kernel's
   * flat drafter gives them): the same event and hash, the fixed JSON of each patch hashed from bytes encoded once, and
   * the patches not made unless recording is on (none at all when n is 0, as `emit` with `patches` undefined). `prefix`,
   * `keys` and `values` are read during the call only: a caller may reuse them.
   */
  emitFieldReplaces(
    t: number,
    k: string,
    s: string,
    c: number,
    text: string | (() => string),
    extras: EventExtras | undefined,
    prefix: readonly (string | number)[],
    keys: readonly string[],
    values: readonly unknown[],
    n: number,
  ): number {
    const id = this.count++;
    this.countKind(k);
    this.hashLine(t, k, s, c, extras?.r ?? '', undefined);
    let patches: Patch[] | undefined;
    if (n > 0) {
      const h = this.hash;
      h.byte(OPEN_BRACKET);
      for (let i = 0; i < n; i++) {
        if (i > 0) h.byte(COMMA);
        this.hashReplace(prefix, keys[i]!, values[i]);
      }
      h.byte(CLOSE_BRACKET);
      if (this.events !== null) {
        patches = new Array<Patch>(n);
        for (let i = 0; i < n; i++) patches[i] = { op: 'replace', path: [...prefix, keys[i]!], value: values[i] };
      }
    }
    const m = extras?.m;
    if (m !== undefined) this.hashMessage(m.from, m.to, m.at, m.ok);
    this.hash.byte(NEWLINE);
    if (this.events !== null) this.keepEvent(t, k, s, c, text, patches, extras);
    return id;
  }

  /** Keeps the event `emit` or `emitFieldReplaces` hashed (recording on). */
  private keepEvent(
    t: number,
    k: string,
    s: string,
    c: number,
    text: string | (() => string),
    patches: readonly Patch[] | undefined,
    extras: EventExtras | undefined,
  ): void {
    const m = extras?.m;
    const e: { -readonly [K in keyof TimelineEvent]: TimelineEvent[K] } = {
      t,
      k,
      s,
      c,
      x: typeof text === 'function' ? text() : text,
    };
    if (extras?.r !== undefined) e.r = extras.r;
    if (extras?.tp !== undefined) e.tp = extras.tp;
    if (extras?.i !== undefined) e.i = extras.i;
    if (patches !== undefined) e.p = patches;
    if (m !== undefined) e.m = m;
    if (extras?.d !== undefined && extras.d.length > 0) e.d = extras.d;
    this.keep(e);
  }

  /**
   * Records an event about one message and returns its id: the same event, hash and count as
   * `emit(t, k, s, c, () => text(to), undefined, { m: { from, to, at: t, ok }, tp })`, but with recording off it
   * allocates nothing (no text function, extras or message object), for the failed polls and probes that make up
   * most of a long run's events. `text` is called with `to` only when recording is on. A caller that sends the same
   * message many times keeps a `messageLine` and calls `emitLine`, which hashes the line's fixed parts from bytes.
   */
  emitMessage(
    t: number,
    k: string,
    s: string,
    c: number,
    text: (to: string) => string,
    from: string,
    to: string,
    ok: boolean,
    tp: string,
  ): number {
    const id = this.count++;
    this.countKind(k);
    this.hashMessageLine(t, k, s, c, from, to, ok);
    if (this.events !== null) this.keep({ t, k, s, c, x: text(to), tp, m: { from, to, at: t, ok } });
    return id;
  }

  /**
   * Records a message event of `line` (from `messageLine` of this recorder) at `t` with cause `c`: the same as
   * `emitMessage(t, line.k, line.s, c, text, line.from, line.to, ok, line.tp)`, without looking the line up.
   */
  emitLine(t: number, c: number, line: MessageLine, ok: boolean, text: (to: string) => string): number {
    if (line.owner !== this) throw new Error('Recorder.emitLine: a line of another recorder');
    const id = this.count++;
    this.lineTally[line.tally]!++;
    const h = this.hash;
    if (Number.isSafeInteger(t) && t >= 0) {
      // The line's fixed parts were encoded once; only the time (twice) and the cause vary.
      const pool = this.pool;
      const digits = this.digits;
      const n = writeDecimal(t, digits, 0);
      h.bytes(digits, 0, n);
      h.bytes(pool, line.a, line.b);
      h.updateDecimal(c);
      h.bytes(pool, line.b, line.c);
      h.bytes(digits, 0, n);
      h.byte(ok ? PLUS : MINUS);
      h.byte(NEWLINE);
    } else {
      this.hashMessageLine(t, line.k, line.s, c, line.from, line.to, ok);
    }
    if (this.events !== null) {
      const { k, s, from, to, tp } = line;
      this.keep({ t, k, s, c, x: text(to), tp, m: { from, to, at: t, ok } });
    }
    return id;
  }

  /** Hashes the whole line of a message event, from its parts (emitMessage; emitLine at a time that is not a safe integer). */
  private hashMessageLine(t: number, k: string, s: string, c: number, from: string, to: string, ok: boolean): void {
    this.hashLine(t, k, s, c, '', undefined);
    this.hashMessage(from, to, t, ok);
    this.hash.byte(NEWLINE);
  }

  /** A message line (see MessageLine), its fixed bytes encoded into this recorder's pool. */
  messageLine(k: string, s: string, from: string, to: string, tp: string): MessageLine {
    const one = `|${k}|${s}|`;
    const two = `|||${from}>${to}@`;
    // Room for both at 3 UTF-8 bytes per code unit at most.
    const need = 3 * (one.length + two.length);
    if (this.poolUsed + need > this.pool.length) {
      const grown = new Uint8Array(Math.max(2 * this.pool.length, this.poolUsed + need));
      grown.set(this.pool.subarray(0, this.poolUsed));
      this.pool = grown;
    }
    const a = this.poolUsed;
    const b = a + utf8.encodeInto(one, this.pool.subarray(a)).written;
    const c = b + utf8.encodeInto(two, this.pool.subarray(b)).written;
    this.poolUsed = c;
    let tally = this.lineKinds.indexOf(k);
    if (tally < 0) {
      tally = this.lineKinds.push(k) - 1;
      this.lineTally.push(0);
    }
    return { k, s, from, to, tp, a, b, c, owner: this, tally };
  }

  private countKind(k: string): void {
    const counts = this.counts;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }

  /**
   * Hashes the bytes of `${t}|${k}|${s}|${c}|${r}|` + JSON(patches), piece by piece: no string is built for the numbers,
   * the patches or the whole line. The line goes on with hashMessage for a message and ends with a newline.
   */
  private hashLine(t: number, k: string, s: string, c: number, r: string, patches: readonly Patch[] | undefined): void {
    const h = this.hash;
    h.updateDecimal(t);
    h.byte(BAR);
    h.update(k);
    h.byte(BAR);
    h.update(s);
    h.byte(BAR);
    h.updateDecimal(c);
    h.byte(BAR);
    h.update(r);
    h.byte(BAR);
    if (patches !== undefined) h.updateJson(patches);
  }

  /**
   * Hashes the JSON of one `{ op: 'replace', path, value }` whose path is `prefix`, then `last` (a value JSON leaves
   * out, undefined, drops its key): what updateJson hashes for it, with the fixed parts from bytes.
   */
  private hashReplace(prefix: readonly (string | number)[], last: string, v: unknown): void {
    const h = this.hash;
    h.bytes(REPLACE_HEAD, 0, REPLACE_HEAD.length);
    for (let j = 0; j < prefix.length; j++) {
      if (j > 0) h.byte(COMMA);
      h.updateJson(prefix[j]);
    }
    if (prefix.length > 0) h.byte(COMMA);
    h.updateJson(last);
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') h.byte(CLOSE_BRACKET);
    else {
      h.bytes(REPLACE_VALUE, 0, REPLACE_VALUE.length);
      h.updateJson(v);
    }
    h.byte(CLOSE_BRACE);
  }

  /** Hashes `|${from}>${to}@${at}` and '+' or '-'. */
  private hashMessage(from: string, to: string, at: number, ok: boolean): void {
    const h = this.hash;
    h.byte(BAR);
    h.update(from);
    h.byte(GT);
    h.update(to);
    h.byte(AT);
    h.updateDecimal(at);
    h.byte(ok ? PLUS : MINUS);
  }

  /** Keeps a recorded event (recording on): appended, or — when streaming — sent on as the previous one goes out. */
  private keep(e: TimelineEvent): void {
    const events = this.events!;
    if (this.sink !== null && events.length > 0) {
      this.sink(events[0]!);
      events[0] = e;
    } else {
      events.push(e);
    }
  }

  get traceHash(): string {
    return this.hash.digest();
  }

  countsByKind(): Record<string, number> {
    const all = new Map(this.counts);
    for (let i = 0; i < this.lineKinds.length; i++) {
      const n = this.lineTally[i]!;
      if (n > 0) all.set(this.lineKinds[i]!, (all.get(this.lineKinds[i]!) ?? 0) + n);
    }
    return Object.fromEntries([...all.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
