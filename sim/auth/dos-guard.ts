/**
 * DoSGuard at the SQL Database gateway: after repeated failed logins from one client IP address within a window, the
 * gateway refuses that address for a period.
 *
 * - Counting is per source address only. There is no per-account lockout, so a password spray that uses many
 *   addresses, each failing fewer times than the threshold within the window, is never blocked here.
 * - A failure counts while it is less than `windowUs` old. The failure that brings the count to `failures` blocks the
 *   address for `blockUs` from that moment; the count then starts again from zero.
 * - Attempts refused while blocked never reach authentication, so they are not failures and do not extend the block.
 * - A successful login does not clear the count: an attacker holding one valid account could otherwise interleave
 *   successes to keep guessing another.
 *
 * The real thresholds are not published. The defaults are inferred: 10 failures within 1 minute block for 5 minutes.
 * Time is simulated µs passed in by the caller and must not decrease.
 */
import type { Address } from '../network/index.js';
import { type Decision, makeDecision } from '../network/index.js';

export interface DosGuardOptions {
  /** Failures within the window that trigger a block; an integer ≥ 1. */
  readonly failures: number;
  /** Length of the sliding window, µs. */
  readonly windowUs: number;
  /** How long a block lasts, µs. */
  readonly blockUs: number;
}

/** Inferred defaults (thresholds are unpublished): 10 failures in 1 min → 5 min block. */
export const DOS_GUARD_DEFAULTS: DosGuardOptions = Object.freeze({
  failures: 10,
  windowUs: 60_000_000,
  blockUs: 5 * 60_000_000,
});

export const DOSGUARD_OK: Decision = makeDecision(true, 'dosguard:ok', 'address is not blocked');
export const DOSGUARD_BLOCKED: Decision = makeDecision(
  false,
  'dosguard:blocked',
  'address blocked after repeated failed logins',
);

/** Per-address state: a ring of recent failure times and the end of any block. */
interface SourceState {
  readonly failureAtUs: Float64Array;
  head: number;
  count: number;
  /** 0 when not blocked. */
  blockedUntilUs: number;
}

export class DosGuard {
  readonly options: DosGuardOptions;
  private readonly sources = new Map<string, SourceState>();
  private lastNowUs = 0;

  constructor(options: Partial<DosGuardOptions> = {}) {
    const o = { ...DOS_GUARD_DEFAULTS, ...options };
    if (!Number.isInteger(o.failures) || o.failures < 1) {
      throw new RangeError(`DosGuard: failures must be an integer ≥ 1 (got ${o.failures})`);
    }
    for (const k of ['windowUs', 'blockUs'] as const) {
      if (!Number.isInteger(o[k]) || o[k] <= 0)
        throw new RangeError(`DosGuard: ${k} must be a positive integer (got ${o[k]})`);
    }
    this.options = Object.freeze(o);
  }

  private advance(nowUs: number): void {
    if (nowUs < this.lastNowUs) {
      throw new RangeError(`DosGuard: time went backwards (${nowUs} µs after ${this.lastNowUs} µs)`);
    }
    this.lastNowUs = nowUs;
  }

  /** Whether a login attempt from `source` may proceed at `nowUs`. Allocation-free. */
  check(source: Address, nowUs: number): Decision {
    return this.isBlocked(source, nowUs) ? DOSGUARD_BLOCKED : DOSGUARD_OK;
  }

  isBlocked(source: Address, nowUs: number): boolean {
    this.advance(nowUs);
    const s = this.sources.get(source.text);
    return s !== undefined && nowUs < s.blockedUntilUs;
  }

  /** End of the block on `source`, µs, or undefined when it is not blocked at `nowUs`. */
  blockedUntilUs(source: Address, nowUs: number): number | undefined {
    return this.isBlocked(source, nowUs) ? this.sources.get(source.text)!.blockedUntilUs : undefined;
  }

  /**
   * Records a failed login from `source` at `nowUs`; returns DOSGUARD_BLOCKED when the address is blocked afterwards.
   * Allocates only the first time an address is seen.
   */
  recordFailure(source: Address, nowUs: number): Decision {
    this.advance(nowUs);
    let s = this.sources.get(source.text);
    if (s === undefined) {
      s = { failureAtUs: new Float64Array(this.options.failures), head: 0, count: 0, blockedUntilUs: 0 };
      this.sources.set(source.text, s);
    }
    if (nowUs < s.blockedUntilUs) return DOSGUARD_BLOCKED;
    const ring = s.failureAtUs;
    const n = ring.length;
    while (s.count > 0 && nowUs - ring[s.head]! >= this.options.windowUs) {
      s.head = (s.head + 1) % n;
      s.count--;
    }
    ring[(s.head + s.count) % n] = nowUs;
    s.count++;
    if (s.count < n) return DOSGUARD_OK;
    s.blockedUntilUs = nowUs + this.options.blockUs;
    s.head = 0;
    s.count = 0;
    return DOSGUARD_BLOCKED;
  }

  /** Forgets addresses that are neither blocked nor hold a failure still inside the window. Returns how many. */
  prune(nowUs: number): number {
    this.advance(nowUs);
    let removed = 0;
    for (const [key, s] of this.sources) {
      if (nowUs < s.blockedUntilUs) continue;
      const newest = s.count === 0 ? -Infinity : s.failureAtUs[(s.head + s.count - 1) % s.failureAtUs.length]!;
      if (nowUs - newest >= this.options.windowUs) {
        this.sources.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Addresses currently tracked (blocked or with recent failures, until pruned). */
  get trackedSources(): number {
    return this.sources.size;
  }
}
